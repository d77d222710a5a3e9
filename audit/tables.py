"""The audit trail page as a django-tables2 table (decision 0026): the lists' one template, its
sort links and its capped pager (no COUNT over a million events). Sortable only by the trail's own
order, the sequence number (ascending or descending): the time column sorts by it too, since the
trail is appended in time order and only `seq` is indexed for a million events. The rows come
from the gate's queryset with their signatures (select_related): one query a page."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common import tables as common_tables


class AuditEventTable(tables.Table):
    seq = tables.Column(verbose_name="#", order_by=("seq",))
    at = tables.DateTimeColumn(verbose_name=_("Time"), short=True, order_by=("seq",),
                               attrs={"td": {"class": "nowrap"}})
    actor_name = tables.Column(verbose_name=_("Who"), orderable=False)
    action = tables.Column(verbose_name=_("What"), orderable=False, empty_values=())
    target = tables.Column(verbose_name=_("Target"), accessor="target_label", orderable=False, empty_values=())
    hash = tables.Column(verbose_name=_("Hash"), orderable=False)

    class Meta:
        template_name = common_tables.TEMPLATE
        attrs = {"class": "grid audit-events"}
        empty_text = _("No events match.")
        order_by_field = "sort"
        fields = ()

    def render_action(self, record):
        return render_to_string("audit/_event_action_cell.html", {"event": record})

    def render_target(self, record):
        if record.target_type == "carriers.carrier" and record.target_id:
            return format_html('<a href="{}">{}</a>', reverse("audit:carrier-history", args=[record.target_id]),
                               record.target_label)
        return record.target_label or "—"

    def render_hash(self, value):
        return format_html('<code class="hash" title="{}">{}…</code>', value, value[:15])


def event_table(rows, *, params):
    """The trail's table over the gate's (filtered) rows, sorted as ?sort= asks when it names a
    sortable column, newest first otherwise."""
    return common_tables.sorted_table(AuditEventTable, rows, params=params)
