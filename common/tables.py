"""Shared pieces of the lists' tables (django-tables2): the one table template, the selection
column of the bulk actions, sorting by whitelisted columns only, and the plain-text cells an export
writes. Nothing here knows a domain app."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.rows import BoundRows

from .pagination import CappedPaginator

TEMPLATE = "common/table.html"
PAGE_SIZE = 50


class SelectColumn(tables.Column):
    """A checkbox per row for the bulk actions. The box belongs to the page's bulk form by its
    `form` attribute (the table sits outside that form) and is labelled by the row's name."""

    def __init__(self, *, form_id="bulk", field="ids", label_accessor="pk", **kwargs):
        self.form_id, self.field, self.label_accessor = form_id, field, label_accessor
        kwargs.setdefault("verbose_name", _("Select"))
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", {"td": {"class": "select"}, "th": {"class": "select"}})
        super().__init__(accessor="pk", **kwargs)

    def render(self, record, table):
        name = tables.A(self.label_accessor).resolve(record)
        checked = " checked" if str(record.pk) in getattr(table, "selected", ()) else ""
        return format_html(
            '<input type="checkbox" form="{}" name="{}" value="{}" aria-label="{}"{}>',
            self.form_id, self.field, record.pk, _("Select %(name)s") % {"name": name}, checked,
        )


def sort_keys(table) -> list[str]:
    """The columns this table may be sorted by (the whitelist ?sort= is checked against)."""
    return [name for name, column in table.columns.items() if column.orderable]


def sorted_table(table_class, rows, *, params, **kwargs):
    """The table over `rows` sorted as ?sort= asks when it names a sortable column (with a leading
    '-' for descending); anything else is ignored and the rows keep their own order."""
    table = table_class(rows, **kwargs)
    wanted = (params.get("sort") or "").strip()
    if wanted and wanted.lstrip("-") in sort_keys(table):
        table.order_by = wanted
    return table


def paginate(table, page, *, per_page=PAGE_SIZE):
    """One page of the sorted table, counted with the cap (common.pagination: no COUNT over a
    million rows); an unknown page number shows the nearest page, as the lists did before."""
    paginator = CappedPaginator(table.data.data, per_page)
    current = paginator.get_page(page)
    current.object_list = BoundRows(list(current.object_list), table)
    table.paginator, table.page = paginator, current
    return current


def export_rows(table) -> tuple[list[str], list[list[str]]]:
    """The headers and the rows as the table shows them, as text: an export holds exactly what the
    list shows the user (every page of it), never another column."""
    values = table.as_values()
    headers = next(values)
    return headers, [["" if value is None else str(value) for value in row] for row in values]
