"""CSV cells a spreadsheet will not run (CSV/formula injection, OWASP).

A spreadsheet treats a cell that begins with =, +, -, @, a tab or a carriage return as a formula
(`=HYPERLINK(...)`, `=cmd|...`, `@SUM(...)`). Every CSV the registry writes goes through `writer()`
(or `safe_cell()` for a single value): such a cell gets a leading single quote, which spreadsheets
show as text and do not evaluate. The value is otherwise unchanged."""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The cell as text, neutralised when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _SafeWriter:
    """csv.writer whose every cell goes through safe_cell()."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out, **kwargs) -> _SafeWriter:
    """The one CSV writer of the registry (the arguments of csv.writer)."""
    return _SafeWriter(out, **kwargs)
