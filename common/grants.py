"""The one place that hands out and takes back object grants (django-guardian)."""

from guardian.shortcuts import assign_perm, remove_perm


def grant(*, user_or_group, perm: str, obj) -> None:
    assign_perm(perm, user_or_group, obj)


def revoke(*, user_or_group, perm: str, obj) -> None:
    remove_perm(perm, user_or_group, obj)
