"""API of the second factor: the caller's own state, and the secrecy office's reset of a person's
factor. Enrolment itself happens on the person's own page (/account/factors/): the QR code is for
their eyes and their authenticator only."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from common.api.views import APIView
from personnel import selectors as personnel_selectors

from . import factors


class FactorStateView(APIView):
    """Whether the caller has an authenticator, how many recovery codes are left, and whether their
    role requires a second factor."""

    @extend_schema(responses=inline_serializer("FactorState", {
        "enrolled": serializers.BooleanField(), "required": serializers.BooleanField(),
        "recovery_codes_left": serializers.IntegerField(),
    }))
    def get(self, request):
        user = request.user
        return Response({
            "enrolled": factors.has_factor(user),
            "required": factors.factor_required(user),
            "recovery_codes_left": factors.recovery_codes_left(user),
        })


class FactorResetView(APIView):
    """The secrecy office of the person's unit removes their authenticator and recovery codes (a
    lost phone); the person enrols again. {id} is the person's user id, as in /api/v1/people/."""

    @extend_schema(request=None, responses=inline_serializer("FactorReset", {
        "person": serializers.IntegerField(), "enrolled": serializers.BooleanField()}))
    def post(self, request, pk):
        person = personnel_selectors.person_get(user=request.user, pk=pk)
        factors.reset_factor(actor=request.user, person=person)
        return Response({"person": person.user_id, "enrolled": factors.has_factor(person.user)})
