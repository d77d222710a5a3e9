"""Query filters a view reads by hand (the ones that do not go through common/api/filters.py).

A filter the schema documents as an enum or an id is refused when sent empty (`?status=`): an empty
value is none of the values listed, and an integrator who sends it by mistake must learn so rather
than get the unfiltered list, as common.api.filters does for django-filter's filters.
tests/api_contract/test_contract.py tries `?name=` for every typed query filter of the schema."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


def sent_blank(params, name: str) -> bool:
    """Whether the query sends `name` with an empty (or blank) value (also common/api/filters.py)."""
    return name in params and any(value.strip() == "" for value in params.getlist(name))


def refuse_blank(params, *names: str) -> None:
    """400 naming each of `names` sent with an empty (or blank) value; absent ones are fine."""
    errors = {name: [_("This filter needs a value: leave it out to list everything.")]
              for name in names if sent_blank(params, name)}
    if errors:
        raise ValidationError(errors)
