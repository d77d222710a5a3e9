from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from carriers.api.views import IDEMPOTENCY_KEY
from common.api import viewsets
from common.api.permissions import GatePermission

from .. import selectors, services
from .serializers import (
    AttendeeRemoveSerializer,
    AttendeesAddSerializer,
    AttendeeSerializer,
    CloseSerializer,
    DistributeSerializer,
    KeepSerializer,
    MeetingCreateSerializer,
    MeetingListSerializer,
    MeetingSerializer,
    PassToUnitSerializer,
    ReceiveSerializer,
    ReturnCheckSerializer,
    ReturnSerializer,
    SignInSerializer,
    SubmitSerializer,
    VenueCreateSerializer,
    VenueSerializer,
    WithdrawSerializer,
    return_check_data,
)

LOOKUP = r"[0-9]{1,18}"


class MeetingVenueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Meeting venues of the caller's unit and the level each is approved for (R8). The secrecy office
    records them (POST)."""

    serializer_class = VenueSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return selectors.visible_venues(user=self.request.user)

    @extend_schema(request=VenueCreateSerializer, responses={201: VenueSerializer}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = VenueCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        venue = services.create_venue(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(venue).data, status=status.HTTP_201_CREATED)


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Confidential meetings (R8). The organiser plans a meeting (POST) at an approved venue, lists
    the attendees (attendees; only active people cleared for the level) and submits the list for
    approval (submit; decided at /api/v1/approvals/). Once approved, attendees sign in (sign-in),
    the organiser hands out numbered copies (distribute), the taker of each meeting handover counts
    and signs (receive), attendees hand copies back (return) or, with the organiser's signed
    approval (keep), pass them to their unit's secrecy office (pass-to-unit). The return check
    (return-check) lists every copy as returned, kept, missing or outstanding; close signs it,
    declaring the copies still out missing. Meetings the caller may not see answer 404. Send
    Idempotency-Key to retry safely."""

    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_serializer_class(self):
        return MeetingListSerializer if self.action == "list" else MeetingSerializer

    def get_queryset(self):
        return selectors.meeting_list(user=self.request.user, status=self.request.query_params.get("status", ""))

    def get_object(self):
        return selectors.meeting_get(user=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, pk, code=status.HTTP_200_OK):
        meeting = selectors.meeting_get(user=self.request.user, pk=pk)
        return Response(MeetingSerializer(meeting, context=self.get_serializer_context()).data, status=code)

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        meeting = services.create_meeting(actor=request.user, **self._valid(MeetingCreateSerializer))
        return self._answer(meeting.pk, status.HTTP_201_CREATED)

    @extend_schema(responses=AttendeeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def attendees(self, request, pk=None):
        """The attendee list with each sign-in."""
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        return Response(AttendeeSerializer(meeting.attendees.all(), many=True).data)

    @extend_schema(request=AttendeesAddSerializer, responses={201: AttendeeSerializer(many=True)},
                   parameters=[IDEMPOTENCY_KEY])
    @attendees.mapping.post
    def add_attendees(self, request, pk=None):
        """Add attendees while planning: anyone inactive or not cleared for the meeting's level is
        refused (403) with the reason."""
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        services.add_attendees(actor=request.user, meeting_id=meeting.pk,
                               users=self._valid(AttendeesAddSerializer)["attendees"])
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        return Response(AttendeeSerializer(meeting.attendees.all(), many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AttendeeRemoveSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="attendees/remove")
    def remove_attendee(self, request, pk=None):
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        services.remove_attendee(actor=request.user, meeting_id=meeting.pk,
                                 user=self._valid(AttendeeRemoveSerializer)["attendee"])
        return self._answer(pk)

    @extend_schema(request=SubmitSerializer, responses=MeetingSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the meeting and its attendee list for approval (approvals kind "meeting")."""
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        services.submit_for_approval(actor=request.user, meeting_id=meeting.pk, **self._valid(SubmitSerializer))
        return self._answer(pk)

    @extend_schema(request=SignInSerializer, responses=MeetingSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"], url_path="sign-in")
    def sign_in(self, request, pk=None):
        """Sign yourself in, or (organiser, secrecy office) record an attendee's sign-in."""
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        services.sign_in(actor=request.user, meeting_id=meeting.pk, user=self._valid(SignInSerializer)["attendee"])
        return self._answer(pk)

    @extend_schema(request=DistributeSerializer, responses={201: MeetingSerializer}, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def distribute(self, request, pk=None):
        """Hand numbered copies to a signed-in attendee (a handover of kind "meeting"): a
        non-attendee or an attendee not signed in is refused (403) with the reason."""
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        services.distribute(actor=request.user, meeting_id=meeting.pk, **self._valid(DistributeSerializer))
        return self._answer(pk, status.HTTP_201_CREATED)

    @extend_schema(request=ReceiveSerializer, responses=MeetingSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        """Count and sign a meeting handover made to you: copies handed out (attendee), handed back
        (organiser) or passed to the unit (secrecy office)."""
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        data = self._valid(ReceiveSerializer)
        services.receive(actor=request.user, meeting_id=meeting.pk, handover_id=data.pop("handover"), **data)
        return self._answer(pk)

    @extend_schema(request=ReturnSerializer, responses={201: MeetingSerializer}, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"], url_path="return")
    def return_copies(self, request, pk=None):
        """Hand copies you hold from this meeting back to the organiser (a handover of kind "return")."""
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        services.return_copies(actor=request.user, meeting_id=meeting.pk, **self._valid(ReturnSerializer))
        return self._answer(pk, status.HTTP_201_CREATED)

    @extend_schema(request=KeepSerializer, responses=MeetingSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def keep(self, request, pk=None):
        """The organiser approves, signed, that attendees keep these copies after the meeting."""
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        services.approve_keeping(actor=request.user, meeting_id=meeting.pk, **self._valid(KeepSerializer))
        return self._answer(pk)

    @extend_schema(request=PassToUnitSerializer, responses={201: MeetingSerializer}, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"], url_path="pass-to-unit")
    def pass_to_unit(self, request, pk=None):
        """Pass copies you may keep to your unit's secrecy office (it counts and signs: receive)."""
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        services.pass_to_unit(actor=request.user, meeting_id=meeting.pk, **self._valid(PassToUnitSerializer))
        return self._answer(pk, status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take back a meeting handover you gave that the taker has not signed."""
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        data = self._valid(WithdrawSerializer)
        services.withdraw(actor=request.user, meeting_id=meeting.pk, handover_id=data["handover"], reason=data["reason"])
        return self._answer(pk)

    @extend_schema(responses=ReturnCheckSerializer)
    @action(detail=True, methods=["get"], url_path="return-check", pagination_class=None)
    def return_check(self, request, pk=None):
        """Every copy handed out: returned, kept with approval, missing, withdrawn, or not yet
        accounted for; `complete` when the meeting may close without declaring anything missing."""
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        return Response(return_check_data(selectors.return_check(meeting=meeting)))

    @extend_schema(request=CloseSerializer, responses=MeetingSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Sign the return check and close: copies unaccounted for must be declared missing (they
        become lost, an alert is raised at once, and with report_incident a loss incident opens)."""
        meeting = selectors.meeting_get(user=request.user, pk=pk)
        services.close(actor=request.user, meeting_id=meeting.pk, **self._valid(CloseSerializer))
        return self._answer(pk)
