from django.urls import path

from . import setting_views, views

urlpatterns = [
    path("people/", views.PeopleView.as_view(), name="admin-people"),
    path("people/<str:pk>/", views.PersonView.as_view(), name="admin-person"),
    path("people/<str:pk>/deactivate/", views.DeactivateView.as_view(), name="admin-deactivate"),
    path("people/<str:pk>/reactivate/", views.ReactivateView.as_view(), name="admin-reactivate"),
    path("people/<str:pk>/reset-factor/", views.ResetFactorView.as_view(), name="admin-reset-factor"),
    path("people/<str:pk>/end-sessions/", views.EndSessionsView.as_view(), name="admin-end-sessions"),
    path("people/<str:pk>/grant-role/", views.GrantRoleView.as_view(), name="admin-grant-role"),
    path("people/<str:pk>/revoke-role/", views.RevokeRoleView.as_view(), name="admin-revoke-role"),
    path("people/<str:pk>/post/", views.PostView.as_view(), name="admin-post"),
    path("people/<str:pk>/department/", views.DepartmentMoveView.as_view(), name="admin-department"),
    path("accounts/", views.AccountsView.as_view(), name="admin-accounts"),
    path("departments/", views.DepartmentsView.as_view(), name="admin-departments"),
    path("changes/", views.ChangesView.as_view(), name="admin-changes"),
    path("changes/<str:pk>/", views.ChangeView.as_view(), name="admin-change"),
    path("policy-changes/", views.PolicyChangeView.as_view(), name="admin-policy-changes"),
    path("trail/", views.TrailView.as_view(), name="admin-trail"),
    path("settings/", setting_views.SettingsView.as_view(), name="admin-settings"),
    path("settings/<str:key>/", setting_views.SettingView.as_view(), name="admin-setting"),
    path("settings/<str:key>/reset/", setting_views.ResetSettingView.as_view(), name="admin-setting-reset"),
]
