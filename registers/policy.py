"""Access policy of the registers app, registered with the gate in RegistersConfig.ready(): a
background register export and a background chain verification are seen only by whoever asked
for them.

Neither row names a carrier: an export's rows are read through the gate when it runs (as its
requester), and its file is handed only to its requester while their clearance still reaches the
register's level (rules.download_within_clearance). Hence no names_carriers.

A policy function is called only for a registered, active person (the gate answers nothing
otherwise)."""

from django.db.models import QuerySet

from common import access

from .models import ChainVerification, RegisterExport


def own_jobs(queryset: QuerySet, user) -> QuerySet:
    """Register exports and chain verifications: only whoever asked for them."""
    return queryset.filter(requester_id=user.pk)


def register() -> None:
    access.register(RegisterExport, own_jobs)
    access.register(ChainVerification, own_jobs)
