"""Access policy of accounts, registered with the gate in AccountsConfig.ready(): API tokens are
seen by their owner and by the secrecy office of the owner's unit (to list and revoke them); second
factors and recovery codes are never listed (their secrets stay with the person)."""

from django.db.models import Q, QuerySet

from common import access
from personnel import roles

from .models import ApiToken, AuthenticatorDevice, RecoveryCode, RecoveryDevice, SecurityKey


def visible_tokens(queryset: QuerySet, user) -> QuerySet:
    mine = Q(user_id=user.pk)
    if access.has_role(user, roles.SECRECY_OFFICE):
        mine |= Q(user__person__unit_id=access.person_of(user).unit_id)
    return queryset.filter(mine)


def nobody(queryset: QuerySet, user) -> QuerySet:
    return queryset.none()


def register() -> None:
    access.register(ApiToken, visible_tokens)
    access.register(AuthenticatorDevice, nobody)
    access.register(RecoveryDevice, nobody)
    access.register(RecoveryCode, nobody)
    access.register(SecurityKey, nobody)
