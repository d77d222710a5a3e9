"""The handovers list as a django-tables2 table (the carrier list's table lives in carriers/)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from common import tables as common_tables


def _name(user) -> str:
    person = getattr(user, "person", None)
    return (person.full_name if person else "") or user.username


class HandoverTable(tables.Table):
    number = tables.Column(verbose_name=_("Number"), accessor="pk", order_by=("id",))
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "id"))
    giver = tables.Column(verbose_name=_("Giver"), orderable=False)
    taker = tables.Column(verbose_name=_("Taker"), orderable=False)
    declared_count = tables.Column(verbose_name=_("Carriers"), order_by=("declared_count", "id"))
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "id"))
    created_at = tables.DateTimeColumn(verbose_name=_("Started"), format="Y-m-d H:i", order_by=("created_at", "id"),
                                       attrs={"td": {"class": "nowrap"}})

    class Meta:
        template_name = common_tables.TEMPLATE
        attrs = {"class": "grid handovers"}
        empty_text = _("No handover to show. A handover appears here once you give or take carriers.")
        order_by_field = "sort"
        fields = ()

    def render_kind(self, record):
        return record.get_kind_display()

    def render_giver(self, record):
        return _name(record.giver)

    def render_taker(self, record):
        return _name(record.taker)

    def render_status(self, record):
        return record.get_status_display()
