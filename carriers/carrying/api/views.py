from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from carriers.api.views import IDEMPOTENCY_KEY
from common.api import viewsets
from common.api.params import refuse_blank
from common.api.permissions import GatePermission

from .. import selectors, services
from ..models import CarryOutRequest, Scope
from .serializers import (
    AcceptSerializer,
    CarryOutRequestCreateSerializer,
    CarryOutRequestSerializer,
    CheckInAcceptSerializer,
    CountSignSerializer,
)


class CarryOutRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Carrying out (R5). POST asks for approval by policy (domestic: carrying_out; a foreign-affairs
    activity: its unit-head variant; abroad: carrying_abroad). `check-out`: the holder hands the
    carriers over and signs; `accept`: the person carrying counts and signs, the carriers are
    carried out. `check-in`: the person carrying hands them back; `check-in/accept`: whoever
    checked them out counts, signs and stores them. Requests a caller may not see answer 404.
    Send Idempotency-Key to retry safely."""

    serializer_class = CarryOutRequestSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        params = self.request.query_params if self.action == "list" else {}
        refuse_blank(params, "status", "scope")
        wanted, scope = params.get("status", ""), params.get("scope", "")
        if wanted and wanted not in CarryOutRequest.Status.values:
            raise ValidationError({"status": [_("Unknown status.")]})
        if scope and scope not in Scope.values:
            raise ValidationError({"scope": [_("Unknown scope.")]})
        return selectors.request_list(user=self.request.user, status=wanted, scope=scope)

    def get_object(self):
        return selectors.request_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=CarryOutRequest.Status.values),
                               OpenApiParameter("scope", str, enum=Scope.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _answer(self, pk, code=status.HTTP_200_OK):
        carry = selectors.request_get(user=self.request.user, pk=pk)
        return Response(CarryOutRequestSerializer(carry, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=CarryOutRequestCreateSerializer, responses={201: CarryOutRequestSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = CarryOutRequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        carry = services.submit_carry_out(actor=request.user, **serializer.validated_data)
        return self._answer(carry.pk, status.HTTP_201_CREATED)

    def _step(self, request, pk, serializer_class, service):
        selectors.request_get(user=request.user, pk=pk)  # 404 before any field error
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        service(actor=request.user, request_id=int(pk), **serializer.validated_data)
        return self._answer(pk)

    @extend_schema(request=CountSignSerializer, responses=CarryOutRequestSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        return self._step(request, pk, CountSignSerializer, services.check_out)

    @extend_schema(request=AcceptSerializer, responses=CarryOutRequestSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The person carrying counts and signs for the check-out."""
        return self._step(request, pk, AcceptSerializer, services.accept_check_out)

    @extend_schema(request=CountSignSerializer, responses=CarryOutRequestSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        return self._step(request, pk, CountSignSerializer, services.check_in)

    @extend_schema(request=CheckInAcceptSerializer, responses=CarryOutRequestSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"], url_path="check-in/accept")
    def check_in_accept(self, request, pk=None):
        """Whoever checked the carriers out counts, signs and stores them in a container."""
        return self._step(request, pk, CheckInAcceptSerializer, services.accept_check_in)
