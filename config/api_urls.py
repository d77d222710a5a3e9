from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import LockoutListView, PasswordChangeView, UnlockView
from accounts.factors_api import FactorResetView, FactorStateView
from accounts.token_view import TokenView
from accounts.tokens_api import ApiTokenViewSet, LogoutEverywhereView
from alerts.api.views import AlertViewSet
from approvals.api.views import (
    ApprovalPolicyViewSet,
    ApprovalRequestViewSet,
    DelegationViewSet,
    PublicationReviewViewSet,
)
from audit.api.views import (
    AuditEventViewSet,
    AuditVerifyView,
    CarrierHistoryView,
    ChainVerificationViewSet,
    CheckpointListView,
    ConsistencyProofView,
    InclusionProofView,
    SignatureCheckView,
)
from carriers.api.views import CarrierViewSet, ContainerViewSet, HandoverViewSet
from carriers.carrying.api.views import CarryOutRequestViewSet
from carriers.copying.api.views import (
    CopyLicenceViewSet,
    CopyRequestViewSet,
    DerivationViewSet,
    LineageView,
)
from carriers.declassification.api.views import DeclassificationReviewViewSet
from carriers.destruction.api.views import DestructionFacilityViewSet, DestructionRequestViewSet
from carriers.holds.api.views import HoldViewSet
from carriers.production.api.views import (
    EnterpriseViewSet,
    ProductionPlaceViewSet,
    ProductionRequestViewSet,
)
from carriers.reviews.api.views import HoldingsReviewViewSet, ReviewLineViewSet, SpotCheckViewSet
from carriers.storage.api.views import (
    ArchiveViewSet,
    ContainerAccessLogView,
    FilingViewSet,
    InventoryViewSet,
    RetentionViewSet,
    StorageEntryViewSet,
)
from carriers.transmission.api.views import DispatchViewSet
from carriers.use.api.views import (
    CirculationViewSet,
    DisclosureView,
    LoanViewSet,
    ReadingPlaceViewSet,
    ReadingSessionViewSet,
)
from incidents.api.views import IncidentViewSet
from meetings.api.views import MeetingVenueViewSet, MeetingViewSet
from personnel.api.views import DepartureViewSet, PersonViewSet, TravelRequestViewSet, UnitViewSet
from registers.api.views import RegisterExportView, RegisterExportViewSet

router = DefaultRouter(trailing_slash=True)
router.register("auth/tokens", ApiTokenViewSet, basename="api-token")
router.register("units", UnitViewSet, basename="unit")
router.register("people", PersonViewSet, basename="person")
router.register("travel-requests", TravelRequestViewSet, basename="travel-request")
router.register("departures", DepartureViewSet, basename="departure")
router.register("containers", ContainerViewSet, basename="container")
router.register("carriers", CarrierViewSet, basename="carrier")
router.register("handovers", HandoverViewSet, basename="handover")
router.register("dispatches", DispatchViewSet, basename="dispatch")
router.register("reading-places", ReadingPlaceViewSet, basename="reading-place")
router.register("reading-sessions", ReadingSessionViewSet, basename="reading-session")
router.register("circulations", CirculationViewSet, basename="circulation")
router.register("loans", LoanViewSet, basename="loan")
router.register("production-places", ProductionPlaceViewSet, basename="production-place")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("production-requests", ProductionRequestViewSet, basename="production-request")
router.register("destruction-facilities", DestructionFacilityViewSet, basename="destruction-facility")
router.register("destruction-requests", DestructionRequestViewSet, basename="destruction-request")
router.register("carry-out-requests", CarryOutRequestViewSet, basename="carry-out-request")
router.register("declassification-reviews", DeclassificationReviewViewSet, basename="declassification-review")
router.register("copy-licences", CopyLicenceViewSet, basename="copy-licence")
router.register("copy-requests", CopyRequestViewSet, basename="copy-request")
router.register("derivations", DerivationViewSet, basename="derivation")
router.register("audit/events", AuditEventViewSet, basename="audit-event")
router.register("audit/verifications", ChainVerificationViewSet, basename="audit-verification")
router.register("approvals", ApprovalRequestViewSet, basename="approval")
router.register("approval-policies", ApprovalPolicyViewSet, basename="approval-policy")
router.register("publication-reviews", PublicationReviewViewSet, basename="publication-review")
router.register("delegations", DelegationViewSet, basename="delegation")
router.register("alerts", AlertViewSet, basename="alert")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("meeting-venues", MeetingVenueViewSet, basename="meeting-venue")
router.register("register-exports", RegisterExportViewSet, basename="register-export")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("storage-entries", StorageEntryViewSet, basename="storage-entry")
router.register("retentions", RetentionViewSet, basename="retention")
router.register("archives", ArchiveViewSet, basename="archive")
router.register("filings", FilingViewSet, basename="filing")
router.register("inventories", InventoryViewSet, basename="inventory")
router.register("holds", HoldViewSet, basename="hold")
router.register("holdings-reviews", HoldingsReviewViewSet, basename="holdings-review")
router.register("review-lines", ReviewLineViewSet, basename="review-line")
router.register("spot-checks", SpotCheckViewSet, basename="spot-check")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/password/", PasswordChangeView.as_view(), name="password"),
    path("auth/lockouts/", LockoutListView.as_view(), name="lockouts"),
    path("people/<int:pk>/unlock/", UnlockView.as_view(), name="person-unlock"),
    path("auth/logout-everywhere/", LogoutEverywhereView.as_view(), name="logout-everywhere"),
    path("auth/factors/", FactorStateView.as_view(), name="factors"),
    path("people/<int:pk>/reset-factor/", FactorResetView.as_view(), name="person-reset-factor"),
    path("audit/verify/", AuditVerifyView.as_view(), name="audit-verify"),
    path("audit/signatures/<int:pk>/", SignatureCheckView.as_view(), name="audit-signature"),
    path("audit/checkpoints/", CheckpointListView.as_view(), name="audit-checkpoints"),
    path("audit/proofs/inclusion/", InclusionProofView.as_view(), name="audit-proof-inclusion"),
    path("audit/proofs/consistency/", ConsistencyProofView.as_view(), name="audit-proof-consistency"),
    path("audit/carriers/<int:carrier_id>/history/", CarrierHistoryView.as_view(), name="audit-carrier-history"),
    path("registers/<slug:name>/", RegisterExportView.as_view(), name="register-export"),
    path("carriers/<int:carrier_id>/disclosures/", DisclosureView.as_view(), name="carrier-disclosures"),
    path("carriers/<int:carrier_id>/lineage/", LineageView.as_view(), name="carrier-lineage"),
    path("containers/<int:pk>/access-log/", ContainerAccessLogView.as_view(), name="container-access-log"),
    *router.urls,
]
