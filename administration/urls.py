from django.urls import path

from . import setting_views, views

app_name = "administration"

urlpatterns = [
    path("", views.people, name="people"),
    path("accounts/new/", views.new_account, name="new_account"),
    path("people/<str:pk>/", views.person, name="person"),
    path("people/<str:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("people/<str:pk>/reactivate/", views.reactivate, name="reactivate"),
    path("people/<str:pk>/reset-factor/", views.reset_factor, name="reset_factor"),
    path("people/<str:pk>/end-sessions/", views.end_sessions, name="end_sessions"),
    path("people/<str:pk>/roles/grant/", views.grant_role, name="grant_role"),
    path("people/<str:pk>/roles/revoke/", views.revoke_role, name="revoke_role"),
    path("people/<str:pk>/post/", views.change_post, name="post"),
    path("people/<str:pk>/department/", views.change_department, name="department"),
    path("departments/", views.departments, name="departments"),
    path("changes/", views.changes, name="changes"),
    path("changes/<str:pk>/", views.change, name="change"),
    path("policies/new/", views.new_policy, name="new_policy"),
    path("trail/", views.trail, name="trail"),
    path("settings/", setting_views.technical_settings, name="settings"),
    path("settings/<str:key>/", setting_views.change_setting, name="setting"),
    path("settings/<str:key>/reset/", setting_views.reset_setting, name="setting_reset"),
]
