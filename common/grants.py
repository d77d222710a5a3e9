"""The one place that hands out and takes back object grants (django-guardian)."""

from guardian.shortcuts import assign_perm, remove_perm


def grant(*, user_or_group, perm: str, obj) -> None:
    assign_perm(perm, user_or_group, obj)


def revoke(*, user_or_group, perm: str, obj) -> None:
    remove_perm(perm, user_or_group, obj)


def holders(*, perm: str, obj):
    """Users holding `perm` on `obj` directly (direct-FK permission table), as a queryset."""
    from django.contrib.auth import get_user_model
    from guardian.utils import get_user_obj_perms_model

    model = get_user_obj_perms_model(obj)
    codename = perm.split(".", 1)[-1]
    user_ids = model.objects.filter(content_object=obj, permission__codename=codename).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids)


def revoke_all(*, perm: str, obj) -> list[int]:
    """Take `perm` on `obj` back from everyone; returns the user ids it was taken from."""
    from guardian.utils import get_user_obj_perms_model

    model = get_user_obj_perms_model(obj)
    codename = perm.split(".", 1)[-1]
    rows = model.objects.filter(content_object=obj, permission__codename=codename)
    user_ids = sorted(rows.values_list("user_id", flat=True))
    rows.delete()
    return user_ids


def has_grant(*, user, perm: str, obj) -> bool:
    """Does `user` hold `perm` on `obj` directly? One indexed query, no cache (grants change
    within a request when steps close)."""
    from guardian.utils import get_user_obj_perms_model

    if user is None or not user.is_authenticated:
        return False
    model = get_user_obj_perms_model(obj)
    codename = perm.split(".", 1)[-1]
    return model.objects.filter(content_object=obj, user_id=user.pk, permission__codename=codename).exists()
