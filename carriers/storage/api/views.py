from django.http import HttpResponse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from carriers.api.views import IDEMPOTENCY_KEY
from common.api import viewsets
from common.api.permissions import GatePermission
from common.api.views import APIView
from registers.api.views import JSONForErrors

from .. import selectors, services
from .serializers import (
    ArchiveCreateSerializer,
    ArchiveSerializer,
    ContainerAccessCreateSerializer,
    ContainerAccessSerializer,
    FilingAcceptSerializer,
    FilingCancelSerializer,
    FilingCreateSerializer,
    FilingSerializer,
    InventoryCloseSerializer,
    InventoryConfirmSerializer,
    InventoryCreateSerializer,
    InventoryDetailSerializer,
    InventoryLineSerializer,
    InventorySerializer,
    RetentionCreateSerializer,
    RetentionSerializer,
    StorageEntrySerializer,
    StoreSerializer,
)

LOOKUP = r"[0-9]{1,18}"


class ContainerAccessLogView(APIView):
    """A container's access log (GET), and a new line: opened, closed or checked, by the caller,
    now (POST). Containers of other units answer 404."""

    permission_classes = [GatePermission]

    @extend_schema(responses=ContainerAccessSerializer(many=True))
    def get(self, request, pk):
        container = selectors.container_get(user=request.user, pk=pk)
        rows = selectors.access_log(user=request.user, container=container)[:1000]
        return Response(ContainerAccessSerializer(rows, many=True).data)

    @extend_schema(request=ContainerAccessCreateSerializer, responses={201: ContainerAccessSerializer})
    def post(self, request, pk):
        container = selectors.container_get(user=request.user, pk=pk)
        serializer = ContainerAccessCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.log_container_access(actor=request.user, container_id=container.pk,
                                              **serializer.validated_data)
        return Response(ContainerAccessSerializer(entry).data, status=status.HTTP_201_CREATED)


class StorageEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """R6: carriers put into (or moved between) containers. POST puts a carrier into a container
    fit for its level (the holder or the secrecy office); a retention of it ends."""

    serializer_class = StorageEntrySerializer
    permission_classes = [GatePermission]

    def get_queryset(self):
        return selectors.storage_entries(user=self.request.user).order_by("-stored_at", "-pk")

    @extend_schema(request=StoreSerializer, responses={201: StorageEntrySerializer}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = StoreSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = services.store_carrier(actor=request.user, carrier_id=data["carrier"].pk, container=data["container"],
                                       note=data["note"])
        return Response(self.get_serializer(self.get_queryset().get(pk=entry.pk)).data, status=status.HTTP_201_CREATED)


class RetentionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """R6: keeping a carrier outside a container (temporary retention). POST asks for it (reason,
    end date; it goes through approval); `start` takes the carrier out once approved; putting it
    back into a container (POST /storage-entries/) ends it."""

    serializer_class = RetentionSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return selectors.visible_retentions(user=self.request.user)

    @extend_schema(request=RetentionCreateSerializer, responses={201: RetentionSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = RetentionCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        retention = services.request_retention(actor=request.user, carrier_id=data["carrier"].pk,
                                               reason=data["reason"], ends_on=data["ends_on"])
        return Response(self.get_serializer(selectors.retention_get(user=request.user, pk=retention.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RetentionSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        services.start_retention(actor=request.user, retention_id=pk)
        return Response(self.get_serializer(selectors.retention_get(user=request.user, pk=pk)).data)


class ArchiveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The unit's archives and their keepers. The secrecy office registers them (POST)."""

    serializer_class = ArchiveSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return selectors.visible_archives(user=self.request.user)

    @extend_schema(request=ArchiveCreateSerializer, responses={201: ArchiveSerializer}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        services.check_may_manage_archives(request.user)
        serializer = ArchiveCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        archive = services.create_archive(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=archive.pk)).data,
                        status=status.HTTP_201_CREATED)


class FilingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """R6: filing carriers to the archives, a handover to the archives keeper. POST lists, counts
    and signs; the keeper's `accept` counts and signs, and the carriers are archived."""

    serializer_class = FilingSerializer
    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_queryset(self):
        return selectors.visible_filings(user=self.request.user)

    @extend_schema(request=FilingCreateSerializer, responses={201: FilingSerializer}, parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        serializer = FilingCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        filing = services.file_to_archives(
            actor=request.user, password=data["password"], archive_id=data["archive"].pk, carriers=data["carriers"],
            declared_count=data["declared_count"], note=data["note"],
        )
        return Response(self.get_serializer(selectors.filing_get(user=request.user, pk=filing.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=FilingAcceptSerializer, responses=FilingSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        serializer = FilingAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.accept_filing(actor=request.user, filing_id=pk, **serializer.validated_data)
        return Response(self.get_serializer(selectors.filing_get(user=request.user, pk=pk)).data)

    @extend_schema(request=FilingCancelSerializer, responses=FilingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        serializer = FilingCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.cancel_filing(actor=request.user, filing_id=pk, **serializer.validated_data)
        return Response(self.get_serializer(selectors.filing_get(user=request.user, pk=pk)).data)


class InventoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Inventory checks (清查) by the secrecy office. POST opens one for the unit, a department or a
    container (the expected list is taken from the registry); `confirm` records a carrier seen and
    where (the same number again changes nothing); `close` needs two signatures of two different
    people; missing carriers become lost and each opens a loss incident."""

    permission_classes = [GatePermission]
    lookup_value_regex = LOOKUP

    def get_serializer_class(self):
        return InventoryDetailSerializer if self.action == "retrieve" else InventorySerializer

    def get_queryset(self):
        return selectors.visible_inventories(user=self.request.user)

    def _detail(self, pk):
        inventory = selectors.inventory_get(user=self.request.user, pk=pk)
        return InventoryDetailSerializer(inventory, context=self.get_serializer_context()).data

    @extend_schema(request=InventoryCreateSerializer, responses={201: InventoryDetailSerializer},
                   parameters=[IDEMPOTENCY_KEY])
    def create(self, request):
        services.check_may_run_inventories(request.user)
        serializer = InventoryCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        inventory = services.open_inventory(actor=request.user, **serializer.validated_data)
        return Response(self._detail(inventory.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=InventoryConfirmSerializer, responses=InventoryLineSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        services.check_may_run_inventories(request.user)
        selectors.inventory_get(user=request.user, pk=pk)
        serializer = InventoryConfirmSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        line, recorded = services.confirm_seen(actor=request.user, inventory_id=pk, **serializer.validated_data)
        data = InventoryLineSerializer(line).data
        if not selectors.line_visible(user=request.user, line=line):
            # the number as typed and the outcome; nothing the registry knows of a carrier the
            # caller may not open (its level, where and with whom it is recorded)
            data.update(in_registry=None, level=None, expected_status="", expected_container=None,
                        expected_holder=None)
        data["recorded"] = recorded
        return Response(data, status=status.HTTP_200_OK)

    @extend_schema(request=InventoryCloseSerializer, responses=InventoryDetailSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        services.check_may_run_inventories(request.user)
        selectors.inventory_get(user=request.user, pk=pk)
        serializer = InventoryCloseSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        services.close_inventory(actor=request.user, inventory_id=pk, **serializer.validated_data)
        return Response(self._detail(pk))

    @extend_schema(
        operation_id="inventories_record",
        parameters=[OpenApiParameter("lang", str, enum=["zh-hans", "en"],
                                     description="Language of the record (default: the request's language).")],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The closed inventory's record (A4 PDF) with the signed audit "
                                                 "checkpoint it was drawn from, as text and QR code"),
            400: OpenApiResponse(description="Unknown language"),
            404: OpenApiResponse(description="No such inventory, or not visible to the caller"),
            409: OpenApiResponse(description="The inventory is still open"),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer], content_negotiation_class=JSONForErrors)
    def record(self, request, pk=None):
        """The closed inventory's printed record; printing is audited (inventory.record_printed)."""
        language = request.query_params.get("lang") or (
            "zh-hans" if (get_language() or "").startswith("zh") else "en")
        record = services.print_inventory_record(actor=request.user, inventory_id=pk, language=language)
        response = HttpResponse(record.content, content_type=record.content_type)
        response["Content-Disposition"] = f'attachment; filename="{record.filename}"'
        return response
