from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from carriers.api.views import IDEMPOTENCY_KEY
from common.api import viewsets
from common.api.permissions import GatePermission

from .. import selectors, services
from ..filters import DispatchFilter
from .serializers import (
    DispatchCreateSerializer,
    DispatchReceiveSerializer,
    DispatchResolveSerializer,
    DispatchSerializer,
    RecipientSerializer,
)


class DispatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Dispatch and receipt (R2). The secrecy office registers, numbers and signs a dispatch (POST);
    the recipient counts, checks and signs (receive); a difference is recorded as a discrepancy
    and resolved by the secrecy offices (resolve). The list is the dispatch register
    (direction=sent) or the receipt register (direction=received), by unit, period and status.
    Dispatches the caller may not see answer 404. Send Idempotency-Key to retry safely."""

    serializer_class = DispatchSerializer
    permission_classes = [GatePermission]
    filterset_class = DispatchFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        # selectors start from the gate; the FilterSet adds direction, unit, period and status
        return selectors.dispatch_list(user=self.request.user).queryset

    def get_object(self):
        return selectors.dispatch_get(user=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, pk, code=status.HTTP_200_OK):
        dispatch = selectors.dispatch_get(user=self.request.user, pk=pk)
        return Response(DispatchSerializer(dispatch, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=DispatchCreateSerializer, responses={201: DispatchSerializer}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = DispatchCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        sent = services.dispatch(actor=request.user, **serializer.validated_data)
        return self._answer(sent.pk, status.HTTP_201_CREATED)

    @extend_schema(request=DispatchReceiveSerializer, responses=DispatchSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        # 404, 403 (not the recipient) and 409 (already received) before any field error
        services.check_may_receive(actor=request.user, dispatch=selectors.dispatch_get(user=request.user, pk=pk))
        serializer = DispatchReceiveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.receive(actor=request.user, dispatch_id=int(pk), **serializer.validated_data)
        return self._answer(pk)

    @extend_schema(request=DispatchResolveSerializer, responses=DispatchSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        selectors.dispatch_get(user=request.user, pk=pk)
        serializer = DispatchResolveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.resolve_discrepancy(actor=request.user, dispatch_id=int(pk), discrepancy_id=data.pop("discrepancy"),
                                     **data)
        return self._answer(pk)

    @extend_schema(responses=RecipientSerializer(many=True), filters=False)  # the list's filters do not apply
    @action(detail=False, methods=["get"], pagination_class=None)
    def recipients(self, request):
        """Whom the caller may address a dispatch to: the secrecy offices of other units and people
        named in the distribution scope of carriers the caller may see."""
        users = selectors.recipient_choices(user=request.user).prefetch_related("groups")
        return Response(RecipientSerializer(users, many=True).data)
