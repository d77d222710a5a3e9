"""The API's view base classes: DRF's, with IdempotentMixin first, so that every POST, PUT,
PATCH and DELETE honours Idempotency-Key (common/idempotency.py, decision 0015). API modules
import their views from here (and viewsets from common.api.viewsets), never from rest_framework;
tests/common/test_idempotency_urlconf.py fails for a write endpoint of the URL conf without it."""

from rest_framework import generics, views

from common.idempotency import IdempotentMixin


class APIView(IdempotentMixin, views.APIView):
    pass


class GenericAPIView(IdempotentMixin, generics.GenericAPIView):
    pass
