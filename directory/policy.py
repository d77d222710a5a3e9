"""Access policy of the directory app, registered with the gate in DirectoryConfig.ready().

A directory account row names a person (its user): it is seen as that person is, by the people of
their unit (personnel.policy.of_the_readers_unit on the person). Sync runs name nobody and are
not served by the gate (the audit trail and the alert tell of them)."""

from django.db.models import QuerySet

from common import access

from .models import DirectoryAccount


def visible_directory_accounts(queryset: QuerySet, user) -> QuerySet:
    return queryset.filter(user__person__unit_id=access.person_of(user).unit_id)


def register() -> None:
    access.register(DirectoryAccount, visible_directory_accounts)
