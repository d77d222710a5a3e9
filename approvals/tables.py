"""The approval requests' lists (to decide, mine) as a django-tables2 table, sortable by the
whitelisted columns."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common import tables as common_tables


class ApprovalTable(tables.Table):
    number = tables.Column(verbose_name=_("Number"), accessor="pk", order_by=("id",))
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "id"))
    title = tables.Column(verbose_name=_("Title"), order_by=("title", "id"))
    level = tables.Column(verbose_name=_("Classification level"), order_by=("level", "id"))
    requester = tables.Column(verbose_name=_("Requester"), orderable=False)
    submitted_at = tables.DateTimeColumn(verbose_name=_("Submitted at"), format="Y-m-d H:i",
                                         order_by=("submitted_at", "id"), attrs={"td": {"class": "nowrap"}})
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "id"))

    class Meta:
        template_name = common_tables.TEMPLATE
        attrs = {"class": "grid approvals"}
        order_by_field = "sort"
        fields = ()

    def render_number(self, record):
        return format_html('<a href="{}">{}</a>', reverse("approvals:detail", args=[record.pk]), record.pk)

    def value_number(self, record):
        return record.pk

    def render_kind(self, record):
        kind = record.get_kind_display()
        return f"{kind} · {record.variant}" if getattr(record, "variant", "") else kind

    def value_kind(self, record):
        return self.render_kind(record)

    def render_title(self, record):
        return format_html('<a href="{}">{}</a>', reverse("approvals:detail", args=[record.pk]), record.title)

    def value_title(self, record):
        return record.title

    def render_level(self, record):
        return format_html('<span class="marking level-{}">{}</span>', record.level, record.get_level_display())

    def value_level(self, record):
        return record.get_level_display()

    def render_requester(self, record):
        person = getattr(record.requester, "person", None)
        return (person.full_name if person else "") or record.requester.username

    def render_status(self, record):
        return format_html('<span class="status">{}</span>', record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()


def approval_table(*, user, params, box: str):
    """The requests this user may decide now (box "to_decide") or made (box "requested"), sorted
    as ?sort= asks (whitelisted columns only)."""
    from . import selectors

    rows = selectors.queue(user=user) if box == "to_decide" else selectors.requested_by(user=user).order_by("-pk")
    table = common_tables.sorted_table(ApprovalTable, rows.select_related("requester__person"), params=params)
    table.empty_text = _("Nothing waits for your decision.") if box == "to_decide" else _("You have not requested anything.")
    return table
