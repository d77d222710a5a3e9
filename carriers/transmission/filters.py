"""One FilterSet for the dispatch and receipt registers, used by the HTML pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Channel, Dispatch

MAX_ID = 2**63 - 1


class DispatchFilter(django_filters.FilterSet):
    """direction=sent: the dispatch register (period by dispatch date); direction=received: the
    receipt register (period by receipt date, received ones only). unit: the unit sending or
    receiving (as the direction says); default any unit the reader may see."""

    direction = django_filters.ChoiceFilter(
        choices=[("sent", _("Sent")), ("received", _("Received"))], method="filter_nothing", label=_("Register"),
    )
    unit = django_filters.NumberFilter(method="filter_nothing", label=_("Unit (id)"), min_value=1, max_value=MAX_ID)
    since = django_filters.DateFilter(method="filter_nothing", label=_("From"))
    until = django_filters.DateFilter(method="filter_nothing", label=_("Until"))
    status = django_filters.ChoiceFilter(choices=Dispatch.Status.choices, label=_("Status"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    q = django_filters.CharFilter(method="filter_text", label=_("Number"), max_length=40)

    class Meta:
        model = Dispatch
        fields = ["direction", "unit", "since", "until", "status", "channel", "q"]

    def filter_nothing(self, qs, name, value):
        return qs  # applied together in filter_queryset: they depend on the direction

    def filter_text(self, qs, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return qs
        return qs.filter(Q(number__icontains=value) | Q(receipt_number__icontains=value))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        received = data.get("direction") == "received"
        unit, since, until = data.get("unit"), data.get("since"), data.get("until")
        if received:
            queryset = queryset.filter(received_at__isnull=False)
        if unit is not None:
            if data.get("direction") == "sent":
                queryset = queryset.filter(sending_unit_id=unit)
            elif received:
                queryset = queryset.filter(receiving_unit_id=unit)
            else:
                queryset = queryset.filter(Q(sending_unit_id=unit) | Q(receiving_unit_id=unit))
        field = "received_at" if received else "dispatched_at"
        if since is not None:
            queryset = queryset.filter(**{f"{field}__date__gte": since})
        if until is not None:
            queryset = queryset.filter(**{f"{field}__date__lte": until})
        return queryset.order_by(f"-{field}", "-pk")
