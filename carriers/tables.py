"""The carrier list as a django-tables2 table: the columns the page shows (and an export writes),
the ones it may be sorted by, and the selection box of the bulk actions."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common import tables as common_tables

from . import selectors


class CarrierTable(tables.Table):
    registry_number = tables.Column(verbose_name=_("Registry number"), attrs={"td": {"class": "nowrap"}})
    marking = tables.Column(verbose_name=_("Marking"), accessor="level", order_by=("level", "id"))
    title = tables.Column(verbose_name=_("Title"), order_by=("title", "id"))
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "id"))
    copy_number = tables.Column(verbose_name=_("Copy"), orderable=False, empty_values=(), attrs={"td": {"class": "nowrap"}})
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "id"))
    holder = tables.Column(verbose_name=_("Holder"), orderable=False, attrs={"td": {"class": "nowrap"}})
    container = tables.Column(verbose_name=_("Container"), orderable=False, empty_values=(), attrs={"td": {"class": "nowrap"}})
    registered_at = tables.DateTimeColumn(verbose_name=_("Registered"), format="Y-m-d",
                                          order_by=("registered_at", "id"), attrs={"td": {"class": "nowrap"}})
    select = common_tables.SelectColumn(label_accessor="registry_number")

    class Meta:
        template_name = common_tables.TEMPLATE
        attrs = {"class": "grid carriers"}
        empty_text = _("No carriers match.")
        order_by_field = "sort"
        fields = ()

    def render_registry_number(self, record):
        return format_html('<a href="{}">{}</a>', reverse("carriers:detail", args=[record.pk]), record.registry_number)

    def value_registry_number(self, record):
        return record.registry_number

    def render_marking(self, record):
        return format_html('<span class="marking level-{}">{}</span>', record.level, record.marking)

    def value_marking(self, record):
        return record.marking

    def render_kind(self, record):
        return f"{record.get_kind_display()} · {record.get_medium_display()}" if record.medium else record.get_kind_display()

    def value_kind(self, record):
        return self.render_kind(record)

    def render_copy_number(self, record):
        return record.copy_number or "—"

    def value_copy_number(self, record):
        return record.copy_number or ""

    def render_status(self, record):
        return format_html('<span class="status status-{}">{}</span>', record.status, record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()

    def render_holder(self, record):
        holder = record.holder
        person = getattr(holder, "person", None)
        return (person.full_name if person else "") or holder.username

    def value_holder(self, record):
        return self.render_holder(record)

    def render_container(self, record):
        return record.container.code if record.container_id else "—"

    def value_container(self, record):
        return record.container.code if record.container_id else ""


def carrier_table(*, user, params):
    """The filtered carrier list (through the gate) as a table sorted as ?sort= asks (whitelisted
    columns only), and its FilterSet; invalid filters give an empty table. The page and the list's
    exports both use it, so an export holds exactly what the page lists."""
    filterset = selectors.carrier_list(user=user, filters=params)
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return common_tables.sorted_table(CarrierTable, rows, params=params), filterset
