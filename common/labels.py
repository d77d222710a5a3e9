"""Label tables that apps register for codes stored as plain strings (audit actions, statuses
written into audit details), so common code and templates can name them without importing the
app that owns them.

Each app keeps its labels in `<app>/labels.py` and registers them from `AppConfig.ready()`:

    labels.register_action_labels({"use.loan_lent": _("Lent (lender signed)"), ...})
    labels.register_labels("carrier.status", Status.choices)

A code belongs to one app: registering it again with a different label is an error. Unknown
codes read as themselves."""

from collections.abc import Iterable, Iterator, Mapping

ACTIONS = "audit.action"

_tables: dict[str, dict[str, object]] = {}


def register_labels(table: str, labels: Mapping[str, object] | Iterable[tuple[str, object]]) -> None:
    """Add `labels` (a mapping, or (code, label) pairs such as a model's `choices`) to `table`."""
    entries = _tables.setdefault(table, {})
    for code, label in dict(labels).items():
        code = str(code)
        if code in entries and str(entries[code]) != str(label):
            raise ValueError(f"label {table}:{code} is registered twice with different labels")
        entries[code] = label


def label(table: str, code) -> object:
    """The translated label of `code` in `table` (lazy, so it follows the active language);
    the code itself when nobody registered it."""
    return _tables.get(table, {}).get(str(code), code)


def labels(table: str) -> dict[str, object]:
    """A copy of the whole table, code -> label."""
    return dict(_tables.get(table, {}))


def register_action_labels(labels: Mapping[str, object]) -> None:
    """The labels of audit actions (`audit.record(action=...)`)."""
    register_labels(ACTIONS, labels)


def action_label(code) -> object:
    return label(ACTIONS, code)


class LabelTable(Mapping):
    """A read-only live view of one table, for code that wants a mapping."""

    def __init__(self, table: str):
        self.table = table

    def __getitem__(self, code):
        return _tables.get(self.table, {})[code]

    def __iter__(self) -> Iterator[str]:
        return iter(dict(_tables.get(self.table, {})))

    def __len__(self) -> int:
        return len(_tables.get(self.table, {}))
