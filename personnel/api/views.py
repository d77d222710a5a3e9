from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from carriers.api.views import IDEMPOTENCY_KEY
from common.api import viewsets
from common.api.params import refuse_blank
from common.api.permissions import GateFilterBackend, GatePermission
from common.api.serializers import StrictSerializer, VisiblePrimaryKeyField
from common.levels import LEVEL_CODES

from .. import selectors, services
from ..models import Departure, Person, TravelRequest, Unit
from .serializers import (
    PASSWORD_HELP,
    DepartureCompleteSerializer,
    DepartureCreateSerializer,
    DepartureRecordSerializer,
    InspectionCreateSerializer,
    InspectionSerializer,
    PassportCreateSerializer,
    PassportSerializer,
    PledgeCreateSerializer,
    PledgeSerializer,
    PostChangeSerializer,
    SecrecyFileSerializer,
    SignOnlySerializer,
    TrainingCreateSerializer,
    TrainingSerializer,
    TravelCreateSerializer,
    TravelSerializer,
    TripSerializer,
    UnapprovedTripSerializer,
)

LOOKUP = r"[0-9]{1,18}"


class UnitSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "name_zh", "name_en", "kind", "parent"]


class PersonSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user_id", read_only=True, help_text="The user id (holder, scope_people).")
    username = serializers.CharField(source="user.username", read_only=True)
    clearance = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "username", "full_name", "employee_number", "unit", "department", "secrecy_post",
                  "clearance", "status", "roles"]

    def get_clearance(self, person) -> str | None:
        return LEVEL_CODES.get(person.clearance)

    def get_roles(self, person) -> list[str]:
        return sorted(group.name for group in person.user.groups.all())


class DepartureSerializer(StrictSerializer):
    replacement = VisiblePrimaryKeyField(
        model=get_user_model(), required=False, allow_null=True, default=None,
        help_text="User id of the person who takes over their open approval steps.",
    )
    password = serializers.CharField(write_only=True, max_length=256, help_text=PASSWORD_HELP)


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    permission_classes = [GatePermission]
    filter_backends = [GateFilterBackend]
    queryset = Unit.objects.order_by("code")
    lookup_value_regex = r"[0-9]{1,18}"


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    permission_classes = [GatePermission]
    filter_backends = [GateFilterBackend]
    queryset = Person.objects.select_related("user").prefetch_related("user__groups").order_by("employee_number")
    lookup_field = "user_id"
    lookup_url_kwarg = "pk"
    lookup_value_regex = r"[0-9]{1,18}"

    @extend_schema(request=DepartureSerializer, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def depart(self, request, pk=None):
        """Record that this person left their post (secrecy office of their unit): their clearance
        goes and their account closes, so it is signed with your password (and one-time code where
        enrolled)."""
        person = self.get_object()
        serializer = DepartureSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        person = services.leave_post(actor=request.user, person=person, **serializer.validated_data)
        return Response(self.get_serializer(person).data)

    # --- the secrecy file (R10-R12, R14): the person, the secrecy office of their unit, their head

    def _file_person(self, pk):
        return selectors.person_get(user=self.request.user, pk=pk)

    @extend_schema(responses=SecrecyFileSerializer)
    @action(detail=True, methods=["get"], url_path="secrecy-file")
    def secrecy_file(self, request, pk=None):
        """Post, pledges, training (and when it is due), inspections, disengagement, passport and
        the carriers the person still holds."""
        person = self._file_person(pk)
        return Response(SecrecyFileSerializer(selectors.secrecy_file(user=request.user, person=person)).data)

    @extend_schema(responses=TrainingSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def training(self, request, pk=None):
        """Confidentiality education and training records (R14)."""
        person = self._file_person(pk)
        return Response(TrainingSerializer(selectors.trainings(user=request.user, person=person), many=True).data)

    @extend_schema(request=TrainingCreateSerializer, responses={201: TrainingSerializer}, parameters=[IDEMPOTENCY_KEY])
    @training.mapping.post
    def record_training(self, request, pk=None):
        """Record a course the person took (secrecy office of their unit)."""
        person = self._file_person(pk)
        serializer = TrainingCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        record = services.record_training(actor=request.user, person=person, **serializer.validated_data)
        return Response(TrainingSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PledgeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def pledges(self, request, pk=None):
        """Signed secrecy pledges (R10 on taking up the post, R12 on leaving it)."""
        person = self._file_person(pk)
        return Response(PledgeSerializer(selectors.pledges(user=request.user, person=person), many=True).data)

    @extend_schema(request=PledgeCreateSerializer, responses={201: PledgeSerializer}, parameters=[IDEMPOTENCY_KEY])
    @pledges.mapping.post
    def sign_pledge(self, request, pk=None):
        """The person signs their pledge with their password; the secrecy office records a paper
        original (with where it is kept) and signs as witness."""
        person = self._file_person(pk)
        serializer = PledgeCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        pledge = services.sign_pledge(actor=request.user, person=person, **serializer.validated_data)
        return Response(PledgeSerializer(pledge).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=InspectionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def inspections(self, request, pk=None):
        """Supervision and inspection records (R14)."""
        person = self._file_person(pk)
        return Response(InspectionSerializer(selectors.inspections(user=request.user, person=person), many=True).data)

    @extend_schema(request=InspectionCreateSerializer, responses={201: InspectionSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    @inspections.mapping.post
    def record_inspection(self, request, pk=None):
        """Record an inspection (secrecy office); a violation found is reported as an incident."""
        person = self._file_person(pk)
        serializer = InspectionCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        record = services.record_inspection(actor=request.user, person=person, **serializer.validated_data)
        return Response(InspectionSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PostChangeSerializer, responses=PersonSerializer)
    @action(detail=True, methods=["post"], url_path="post")
    def change_post(self, request, pk=None):
        """Change the secrecy post (secrecy office). Taking up or raising one needs a pledge and
        passed training; refused during a disengagement period."""
        person = self._file_person(pk)
        serializer = PostChangeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        person = services.set_secrecy_post(actor=request.user, person=person, **serializer.validated_data)
        return Response(self.get_serializer(person).data)

    @extend_schema(responses=PassportSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def passport(self, request, pk=None):
        """Passport custody (R11): handed in to and out of the secrecy office."""
        person = self._file_person(pk)
        return Response(PassportSerializer(selectors.passport_movements(user=request.user, person=person),
                                           many=True).data)

    @extend_schema(request=PassportCreateSerializer, responses={201: PassportSerializer}, parameters=[IDEMPOTENCY_KEY])
    @passport.mapping.post
    def record_passport(self, request, pk=None):
        person = self._file_person(pk)
        serializer = PassportCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        movement = services.record_passport(actor=request.user, person=person, **serializer.validated_data)
        return Response(PassportSerializer(movement).data, status=status.HTTP_201_CREATED)


def _status_filter(view, rows, choices):
    if view.action == "list":
        refuse_blank(view.request.query_params, "status")
    wanted = view.request.query_params.get("status") if view.action == "list" else None
    if wanted:
        if wanted not in choices:
            raise ValidationError({"status": [_("Unknown status.")]})
        rows = rows.filter(status=wanted)
    return rows


class TravelRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Leaving the country (R11). POST asks for approval (approvals kind "travel"; in the
    disengagement period variant "disengagement", the stricter policy). Approval must come before
    the departure date. `trip` records the trip as taken; without approval it is a violation
    (an incident). `unapproved` records a trip that came to light without any request."""

    serializer_class = TravelSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return _status_filter(self, selectors.visible_travels(user=self.request.user), TravelRequest.Status.values)

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=TravelRequest.Status.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, pk):
        return self.get_serializer(selectors.travel_get(user=self.request.user, pk=pk)).data

    @extend_schema(request=TravelCreateSerializer, responses={201: TravelSerializer}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = TravelCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        traveller = data.pop("traveller") or selectors.person_get(user=request.user, pk=request.user.pk)
        travel = services.submit_travel(actor=request.user, traveller=traveller, **data)
        return Response(self._detail(travel.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=TripSerializer, responses=TravelSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def trip(self, request, pk=None):
        """Record the trip as taken (secrecy office of the traveller's unit)."""
        serializer = TripSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        travel = services.record_trip(actor=request.user, travel_id=selectors.travel_get(user=request.user, pk=pk).pk,
                                      **serializer.validated_data)
        return Response(self._detail(travel.pk))

    @extend_schema(request=UnapprovedTripSerializer, responses={201: TravelSerializer}, parameters=[IDEMPOTENCY_KEY])
    @action(detail=False, methods=["post"])
    def unapproved(self, request):
        """Record a trip abroad taken without any request: a violation, reported as an incident."""
        serializer = UnapprovedTripSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        travel = services.record_unapproved_trip(actor=request.user, **serializer.validated_data)
        return Response(self._detail(travel.pk), status=status.HTTP_201_CREATED)


class DepartureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Leaving a secret-related post (R12). POST asks for approval (approvals kind "departure");
    `recall` in each departure lists every carrier the person still holds; `complete` (secrecy
    office, signed) is refused while that list is not empty, then the person leaves the post and
    enters the disengagement period of their post. `end-disengagement` records its end."""

    serializer_class = DepartureRecordSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return _status_filter(self, selectors.visible_departures(user=self.request.user), Departure.Status.values)

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=Departure.Status.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, pk):
        return self.get_serializer(selectors.departure_get(user=self.request.user, pk=pk)).data

    @extend_schema(request=DepartureCreateSerializer, responses={201: DepartureRecordSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = DepartureCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = data.pop("person") or selectors.person_get(user=request.user, pk=request.user.pk)
        departure = services.submit_departure(actor=request.user, person=person, **data)
        return Response(self._detail(departure.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=DepartureCompleteSerializer, responses=DepartureRecordSerializer,
                   parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        serializer = DepartureCompleteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        departure = selectors.departure_get(user=request.user, pk=pk)
        departure = services.complete_departure(actor=request.user, departure_id=departure.pk,
                                                **serializer.validated_data)
        return Response(self._detail(departure.pk))

    @extend_schema(request=SignOnlySerializer, responses=DepartureRecordSerializer)
    @action(detail=True, methods=["post"], url_path="end-disengagement")
    def end_disengagement(self, request, pk=None):
        """Record that the disengagement period is over (secrecy office, after its last day), signed."""
        departure = selectors.departure_get(user=request.user, pk=pk)  # invisible: 404 before anything else
        serializer = SignOnlySerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        departure = services.end_disengagement(actor=request.user, departure_id=departure.pk,
                                               **serializer.validated_data)
        return Response(self._detail(departure.pk))
