from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from carriers import selectors as carrier_selectors
from carriers.api.views import IDEMPOTENCY_KEY
from common.api import viewsets
from common.api.params import refuse_blank
from common.api.permissions import GatePermission
from common.api.views import APIView

from .. import selectors, services
from ..models import Circulation, Loan
from .serializers import (
    CirculationCreateSerializer,
    CirculationSerializer,
    CirculationSignSerializer,
    DisclosureSerializer,
    LoanCountSignSerializer,
    LoanCreateSerializer,
    LoanExtendSerializer,
    LoanExtensionSerializer,
    LoanLendSerializer,
    LoanReturnSerializer,
    LoanSerializer,
    LoanTakeBackSerializer,
    ReadingPlaceCreateSerializer,
    ReadingPlaceSerializer,
    ReadingPlaceUpdateSerializer,
    ReadingSessionCreateSerializer,
    ReadingSessionSerializer,
    SessionEndSerializer,
    UseCancelSerializer,
)

LOOKUP = r"[0-9]{1,18}"
MAX_ID = 2**63 - 1


class _Query(serializers.Serializer):
    carrier = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    reader = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    borrower = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    status = serializers.CharField(required=False, max_length=32)
    box = serializers.ChoiceField(required=False, choices=["mine", "to_handle"])
    open = serializers.BooleanField(required=False)


def _query(request) -> dict:
    refuse_blank(request.query_params, *_Query().fields)  # a form's "" is "not sent" to DRF
    query = _Query(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


CARRIER_PARAM = OpenApiParameter("carrier", int, description="Only those of this carrier (its disclosure record).")


class ReadingPlaceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Offices and reading rooms of the caller's unit approved for reading carriers up to a level
    (R3). The secrecy office registers them (POST) and changes them (PATCH, e.g. is_active)."""

    serializer_class = ReadingPlaceSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return selectors.visible_places(user=self.request.user)

    def get_object(self):
        return selectors.place_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=ReadingPlaceCreateSerializer, responses={201: ReadingPlaceSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = ReadingPlaceCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        place = services.create_place(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(place).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReadingPlaceUpdateSerializer, responses=ReadingPlaceSerializer)
    def partial_update(self, request, pk=None):
        self.get_object()
        serializer = ReadingPlaceUpdateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        place = services.update_place(actor=request.user, place_id=int(pk), **serializer.validated_data)
        return Response(self.get_serializer(place).data)


class ReadingSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reading sessions (R3): who read which carrier, where, from when to when, told the rules.
    `?carrier=` lists one carrier's sessions; `?open=true` those still reading. The holder or the
    secrecy office records them (POST) and ends them (end)."""

    serializer_class = ReadingSessionSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        query = _query(self.request) if self.action == "list" else {}
        return selectors.session_list(user=self.request.user, carrier=query.get("carrier"),
                                      reader=query.get("reader"), open_only=query.get("open", False))

    def get_object(self):
        return selectors.session_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[CARRIER_PARAM, OpenApiParameter("reader", int), OpenApiParameter("open", bool)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ReadingSessionCreateSerializer, responses={201: ReadingSessionSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = ReadingSessionCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        session = services.record_session(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(selectors.session_get(user=request.user, pk=session.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=SessionEndSerializer, responses=ReadingSessionSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        self.get_object()
        serializer = SessionEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.end_session(actor=request.user, session_id=int(pk), **serializer.validated_data)
        return Response(self.get_serializer(self.get_object()).data)


class CirculationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Circulation (传阅, R3): a carrier sent round an ordered list of readers, all within its scope
    and cleared (POST); each reader in turn signs when done (sign, password); passing it to anyone
    off the list is refused; complete when every reader has signed. `?box=to_sign`: waiting for me."""

    serializer_class = CirculationSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        if self.action != "list":
            return selectors.visible_circulations(user=self.request.user)
        refuse_blank(self.request.query_params, "box", "carrier", "status")
        box = self.request.query_params.get("box", "")
        if box == "to_sign":
            return selectors.circulations_to_sign(user=self.request.user)
        if box:  # documented as an enum: not ignored
            raise serializers.ValidationError({"box": [_("Not one of the boxes listed.")]})
        carrier = self.request.query_params.get("carrier")
        query = _Query(data={"carrier": carrier} if carrier else {})
        query.is_valid(raise_exception=True)
        status_ = self.request.query_params.get("status", "")
        if status_ and status_ not in Circulation.Status.values:  # documented as an enum: not ignored
            raise serializers.ValidationError({"status": [_("Not one of the statuses listed.")]})
        return selectors.circulation_list(user=self.request.user, carrier=query.validated_data.get("carrier"),
                                          status=status_)

    def get_object(self):
        return selectors.circulation_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[CARRIER_PARAM, OpenApiParameter("box", str, enum=["to_sign"]),
                               OpenApiParameter("status", str, enum=Circulation.Status.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CirculationCreateSerializer, responses={201: CirculationSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = CirculationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        circulation = services.start_circulation(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(selectors.circulation_get(user=request.user, pk=circulation.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=CirculationSignSerializer, responses=CirculationSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        # 404, then 403 (not on the list) and 409 (not your turn, closed) before any field error
        services.check_may_sign(actor=request.user, circulation=self.get_object())
        serializer = CirculationSignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.sign_circulation(actor=request.user, circulation_id=int(pk), **serializer.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=UseCancelSerializer, responses=CirculationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        self.get_object()
        serializer = UseCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.cancel_circulation(actor=request.user, circulation_id=int(pk), **serializer.validated_data)
        return Response(self.get_serializer(self.get_object()).data)


class LoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Borrowing (借阅, R3). The flow, each step signed with a password where custody moves:
    POST (ask; credential checked) → lend (the holder, secrecy office: lending handover) → accept
    (the borrower counts and signs: on loan) → return (the borrower: return handover to the lender
    only) → take-back (the lender counts, signs and puts it in a container). extend asks for a later
    due date (approval of kind loan_extension); cancel before it is handed over. `?box=mine` (I
    borrow), `?box=to_handle` (waiting for me as holder or lender). Send Idempotency-Key to retry."""

    serializer_class = LoanSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        if self.action != "list":
            return selectors.visible_loans(user=self.request.user)
        query = _query(self.request)
        status_ = query.get("status", "")
        if status_ and status_ not in Loan.Status.values:  # documented as an enum: not ignored
            raise serializers.ValidationError({"status": [_("Not one of the statuses listed.")]})
        return selectors.loan_list(user=self.request.user, carrier=query.get("carrier"),
                                   borrower=query.get("borrower"), box=query.get("box", ""), status=status_)

    def get_object(self):
        return selectors.loan_get(user=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, pk, code=status.HTTP_200_OK):
        return Response(self.get_serializer(selectors.loan_get(user=self.request.user, pk=pk)).data, status=code)

    @extend_schema(parameters=[CARRIER_PARAM, OpenApiParameter("borrower", int),
                               OpenApiParameter("box", str, enum=["mine", "to_handle"]),
                               OpenApiParameter("status", str, enum=Loan.Status.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=LoanCreateSerializer, responses={201: LoanSerializer}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = LoanCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        loan = services.request_loan(actor=request.user, **serializer.validated_data)
        return self._answer(loan.pk, status.HTTP_201_CREATED)

    def _step(self, request, pk, serializer_class, service):
        self.get_object()
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        service(actor=request.user, loan_id=int(pk), **serializer.validated_data)
        return self._answer(pk)

    @extend_schema(request=LoanLendSerializer, responses=LoanSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def lend(self, request, pk=None):
        return self._step(request, pk, LoanLendSerializer, services.lend)

    @extend_schema(request=LoanCountSignSerializer, responses=LoanSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._step(request, pk, LoanCountSignSerializer, services.accept_loan)

    @extend_schema(request=LoanReturnSerializer, responses=LoanSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._step(request, pk, LoanReturnSerializer, services.return_loan)

    @extend_schema(request=LoanTakeBackSerializer, responses=LoanSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"], url_path="take-back")
    def take_back(self, request, pk=None):
        return self._step(request, pk, LoanTakeBackSerializer, services.take_back)

    @extend_schema(request=LoanExtendSerializer, responses={201: LoanExtensionSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        self.get_object()
        serializer = LoanExtendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        extension = services.request_extension(actor=request.user, loan_id=int(pk), **serializer.validated_data)
        return Response(LoanExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UseCancelSerializer, responses=LoanSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._step(request, pk, UseCancelSerializer, services.cancel_loan)


class DisclosureView(APIView):
    """A carrier's disclosure record (GET /api/v1/carriers/{id}/disclosures/): everyone who has seen
    it (reading sessions, circulation sign-offs, loans), newest first, each line as far as the
    caller may see its record. A carrier the caller may not see answers 404."""

    permission_classes = [GatePermission]

    @extend_schema(responses=DisclosureSerializer(many=True))
    def get(self, request, carrier_id):
        if carrier_id > MAX_ID:
            raise Http404
        carrier = carrier_selectors.carrier_get(user=request.user, pk=carrier_id)
        return Response(DisclosureSerializer(selectors.disclosures(user=request.user, carrier=carrier),
                                             many=True).data)

