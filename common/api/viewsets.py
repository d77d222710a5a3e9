"""DRF's viewsets with IdempotentMixin first (see common/api/views.py): API modules write
`from common.api import viewsets` and use `viewsets.GenericViewSet` and the rest as with DRF."""

from rest_framework import viewsets

from common.idempotency import IdempotentMixin


class ViewSet(IdempotentMixin, viewsets.ViewSet):
    pass


class GenericViewSet(IdempotentMixin, viewsets.GenericViewSet):
    pass


class ReadOnlyModelViewSet(IdempotentMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ModelViewSet(IdempotentMixin, viewsets.ModelViewSet):
    pass


__all__ = ["GenericViewSet", "ModelViewSet", "ReadOnlyModelViewSet", "ViewSet"]
