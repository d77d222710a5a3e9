"""One FilterSet for the carrier list, used by the HTML page and the API alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.levels import LEVEL_BY_CODE, Level

from .models import Carrier


class LevelFilter(django_filters.ChoiceFilter):
    """Accepts the glossary codes (TOP_SECRET...) and the stored numbers (3...)."""

    def __init__(self, *args, **kwargs):
        choices = [(code, Level(value).label) for code, value in LEVEL_BY_CODE.items()]
        choices += [(str(value), label) for value, label in Level.choices]
        super().__init__(*args, choices=choices, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(level=LEVEL_BY_CODE.get(value) or int(value))


MAX_ID = 2**63 - 1  # larger ids cannot exist; refusing them keeps SQLite from overflowing


class CarrierFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Text"), max_length=100)
    level = LevelFilter(label=_("Classification level"))
    status = django_filters.ChoiceFilter(choices=Carrier.Status.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=Carrier.Kind.choices, label=_("Kind"))
    holder = django_filters.NumberFilter(field_name="holder_id", label=_("Holder (user id)"), min_value=1, max_value=MAX_ID)
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("Unit (id)"), min_value=1, max_value=MAX_ID)
    container = django_filters.NumberFilter(field_name="container_id", label=_("Container (id)"), min_value=1, max_value=MAX_ID)

    class Meta:
        model = Carrier
        fields = ["q", "level", "status", "kind", "holder", "unit", "container"]

    def filter_text(self, qs, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(registry_number__icontains=value) | Q(title__icontains=value)
            | Q(document_number__icontains=value) | Q(originator__icontains=value)
        )
