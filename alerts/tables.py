"""The alerts list as a django-tables2 table: sortable by kind, severity (by weight, not by name),
due date, status and opening time; a selection box for the bulk acknowledgement and the single
acknowledgement form per row, both only where the alert's policy allows it."""

import django_tables2 as tables
from django.db.models import Case, IntegerField, Value, When
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common import tables as common_tables

from . import policy, selectors
from .forms import AlertFilterForm

SEVERITY_WEIGHT = {"info": 1, "warning": 2, "critical": 3}


def _name(user) -> str:
    if user is None:
        return "-"
    person = getattr(user, "person", None)
    return (person.full_name if person else "") or user.username


class AlertTable(tables.Table):
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "id"))
    severity = tables.Column(verbose_name=_("Severity"))
    target = tables.Column(verbose_name=_("Target"), accessor="target_label", orderable=False)
    due_on = tables.DateColumn(verbose_name=_("Due on"), format="Y-m-d", order_by=("due_on", "id"),
                               attrs={"td": {"class": "nowrap"}})
    responsible = tables.Column(verbose_name=_("Responsible person"), orderable=False, empty_values=())
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "id"), empty_values=())
    opened_at = tables.DateTimeColumn(verbose_name=_("Opened at"), format="Y-m-d H:i", order_by=("opened_at", "id"),
                                      attrs={"td": {"class": "nowrap"}})
    select = common_tables.SelectColumn(label_accessor="target_label")
    actions = tables.Column(verbose_name=_("Acknowledge"), accessor="pk", orderable=False, exclude_from_export=True)

    class Meta:
        template_name = common_tables.TEMPLATE
        attrs = {"class": "grid alerts"}
        row_attrs = {"class": lambda record: f"severity-{record.severity}"}
        empty_text = _("No alerts.")
        order_by_field = "sort"
        fields = ()

    def __init__(self, *args, user=None, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request

    def _may(self, record) -> bool:
        if not hasattr(record, "_may_acknowledge"):
            record._may_acknowledge = self.user is not None and policy.may_acknowledge(self.user, record)
        return record._may_acknowledge

    def order_severity(self, queryset, is_descending):
        weight = Case(*[When(severity=k, then=Value(v)) for k, v in SEVERITY_WEIGHT.items()],
                      default=Value(0), output_field=IntegerField())
        queryset = queryset.annotate(severity_weight=weight).order_by(
            *(("-severity_weight", "-id") if is_descending else ("severity_weight", "id")))
        return queryset, True

    def render_kind(self, record):
        return record.kind_label

    def render_severity(self, record):
        return format_html('<span class="status">{}</span>', record.get_severity_display())

    def value_severity(self, record):
        return record.get_severity_display()

    def render_responsible(self, record):
        return _name(record.responsible)

    def render_status(self, record):
        text = str(record.get_status_display())
        if record.acknowledged_by_id:
            text += f" · {_name(record.acknowledged_by)}"
            if record.acknowledge_comment:
                text += f": {record.acknowledge_comment}"
        return text

    def render_select(self, record):
        return self.columns["select"].column.render(record, self) if self._may(record) else ""

    def render_actions(self, record):
        if not self._may(record) or self.request is None:
            return ""
        from .services import CLOSED_ONLY_BY_SIGNATURE

        if record.kind in CLOSED_ONLY_BY_SIGNATURE:
            # closed only by an auditor's signature: the password (and one-time code) typed to sign
            return format_html(
                '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<input type="text" name="comment" maxlength="1000" placeholder="{}" aria-label="{}">'
                '<input type="password" name="password" autocomplete="current-password" required aria-label="{}"'
                ' placeholder="{}"><input type="text" name="otp" maxlength="16" inputmode="numeric"'
                ' autocomplete="one-time-code" aria-label="{}" placeholder="{}">'
                '<button type="submit">{}</button></form>',
                reverse("alerts:acknowledge", args=[record.pk]), get_token(self.request), _("Comment"), _("Comment"),
                _("Password"), _("Password"), _("One-time code"), _("One-time code"), _("Sign and close"),
            )
        return format_html(
            '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="text" name="comment" maxlength="1000" placeholder="{}" aria-label="{}">'
            '<button type="submit">{}</button></form>',
            reverse("alerts:acknowledge", args=[record.pk]), get_token(self.request), _("Comment"), _("Comment"),
            _("Acknowledge"),
        )


def alert_table(*, user, params, request=None):
    """The filtered alerts (through the gate) as a sortable table; the page and its exports."""
    data = params.copy() if params else {}
    if "status" not in data:  # the list opens on what is still to be dealt with
        data["status"] = "active"
    form = AlertFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {"status": "active"}
    alerts = selectors.alert_list(user=user, **{k: filters.get(k, "") for k in ("kind", "severity", "status")})
    rows = alerts.select_related("responsible__person", "acknowledged_by__person").prefetch_related("recipients")
    table = common_tables.sorted_table(AlertTable, rows, params=params, user=user, request=request)
    return table, form
