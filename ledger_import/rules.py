"""The legacy import's rules: which columns a ledger must have, how a cell reads as a registry
field, and every refusal of one row (the registration rules of carriers.rules, the same list
carriers.services applies at registration, which applies them again when the batch is confirmed)."""

import re
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carriers import rules as carrier_rules
from carriers.models import Carrier
from common.levels import LEVEL_BY_CODE, LEVEL_EN, LEVEL_ZH

# field -> (label, the column names it is recognised by, lower case)
FIELDS = {
    "legacy_number": (gettext_lazy("Number in the old ledger"), ["登记编号", "编号", "台账编号", "legacy number", "number",
                                                                "registry number"]),
    "title": (gettext_lazy("Title"), ["标题", "名称", "文件名称", "载体名称", "title"]),
    "level": (gettext_lazy("Classification level"), ["密级", "level", "classification", "classification level"]),
    "kind": (gettext_lazy("Kind"), ["类别", "载体类别", "种类", "kind"]),
    "medium": (gettext_lazy("Medium"), ["介质", "介质类型", "medium"]),
    "originator": (gettext_lazy("Originator"), ["来源", "发文单位", "制发单位", "来文单位", "originator"]),
    "document_number": (gettext_lazy("Document number"), ["文号", "document number"]),
    "secrecy_years": (gettext_lazy("Secrecy period (years)"), ["保密期限", "保密期限（年）", "保密期限(年)",
                                                               "secrecy period", "secrecy period (years)", "years"]),
    "period_start": (gettext_lazy("Secrecy period starts"), ["定密日期", "起始日期", "成文日期", "period start",
                                                             "secrecy period starts", "date"]),
    "copy_number": (gettext_lazy("Copy number"), ["份号", "copy number", "copy"]),
    "copies_total": (gettext_lazy("Number of copies"), ["份数", "number of copies", "copies"]),
    "container": (gettext_lazy("Container"), ["存放位置", "保密柜", "存放保密柜", "container"]),
}
REQUIRED = ("legacy_number", "title", "level", "originator", "container")
MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024


def _norm(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


def guess_mapping(headers: list[str]) -> dict:
    """Each field's column, recognised by its usual names in Chinese or English."""
    by_name = {_norm(h): h for h in headers if _norm(h)}
    mapping = {}
    for field, (_label, names) in FIELDS.items():
        for name in names:
            if name in by_name:
                mapping[field] = by_name[name]
                break
    return mapping


def mapping_refusals(*, headers: list[str], mapping: dict) -> dict:
    """Wrong columns: a required field without a column, or a column the file does not have."""
    errors = {}
    for field, (label, _names) in FIELDS.items():
        column = mapping.get(field) or ""
        if column and column not in headers:
            errors[field] = [_("The file has no column “%(column)s”.") % {"column": column}]
        elif not column and field in REQUIRED:
            errors[field] = [_("Choose the column that holds “%(field)s”: the file has none of the usual names "
                               "(%(names)s).") % {"field": label, "names": ", ".join(FIELDS[field][1][:3])}]
    return errors


LEVEL_WORDS = {**{k.lower(): v for k, v in LEVEL_BY_CODE.items()}, **{v: k for k, v in LEVEL_ZH.items()},
               **{v.lower(): k for k, v in LEVEL_EN.items()}}


def level_of(text: str) -> int | None:
    text = _norm(text).replace("★", "").replace(" ", "_") if text else ""
    if text in LEVEL_WORDS:
        return int(LEVEL_WORDS[text])
    return LEVEL_WORDS.get(text.replace("_", " "))


KIND_WORDS = {"纸质": "paper", "纸介质": "paper", "文件": "paper", "物品": "article", "产品": "article",
              "电子": "electronic", "电子介质": "electronic", "存储介质": "electronic", "设备": "equipment"}


def kind_of(text: str) -> str | None:
    text = _norm(text)
    if not text:
        return "paper"
    if text in Carrier.Kind.values:
        return text
    labels = {str(label).lower(): value for value, label in Carrier.Kind.choices}
    return KIND_WORDS.get(text) or labels.get(text)


def date_of(text: str) -> date | None:
    text = str(text or "").strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?", text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def whole_number(text: str) -> int | None:
    text = str(text or "").strip()
    if re.fullmatch(r"\d{1,4}(\.0+)?", text):
        return int(float(text))
    return None


def cell(value) -> str:
    """A cell as text: dates as YYYY-MM-DD, whole floats without .0 (as Excel stores numbers)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def row_fields(values: dict, *, person, containers: dict) -> tuple[dict, list]:
    """One row's values (field -> text) as register_carrier's fields, and its refusals as
    [(field, message)]: empty required cells, unreadable cells, the registration rules."""
    errors = []
    for field in REQUIRED:
        if not values.get(field, "").strip():
            errors.append((field, _("This cell is empty.")))
    level = level_of(values.get("level", "")) if values.get("level") else None
    if values.get("level") and level is None:
        errors.append(("level", _("“%(value)s” is not a classification level: write 绝密, 机密 or 秘密 "
                                  "(TOP_SECRET, SECRET, CONFIDENTIAL).") % {"value": values["level"]}))
    kind = kind_of(values.get("kind", ""))
    if kind is None:
        errors.append(("kind", _("“%(value)s” is not a kind of carrier: write paper, article, electronic or "
                                 "equipment (纸质, 物品, 电子, 设备).") % {"value": values["kind"]}))
    numbers = {}
    for field in ("secrecy_years", "copies_total"):
        if values.get(field, "").strip():
            numbers[field] = whole_number(values[field])
            if numbers[field] is None:
                errors.append((field, _("“%(value)s” is not a whole number.") % {"value": values[field]}))
    start = None
    if values.get("period_start", "").strip():
        start = date_of(values["period_start"])
        if start is None:
            errors.append(("period_start", _("“%(value)s” is not a date: write YYYY-MM-DD.")
                           % {"value": values["period_start"]}))
    container = None
    code = values.get("container", "").strip()
    if code:
        container = containers.get(code.lower())
        if container is None:
            errors.append(("container", _("Your unit has no container with the code “%(code)s”.") % {"code": code}))
    if errors:
        return {}, errors
    fields = dict(
        kind=kind, title=values["title"].strip()[:300], originator=values["originator"].strip()[:200], level=level,
        container=container, medium=values.get("medium", "").strip(), document_number=values.get("document_number",
                                                                                                  "").strip()[:100],
        secrecy_years=numbers.get("secrecy_years"), period_start=start or timezone.localdate(),
        copy_number=values.get("copy_number", "").strip(), copies_total=numbers.get("copies_total") or 1,
    )
    violations = [
        carrier_rules.period_start_not_future(start=fields["period_start"], today=timezone.localdate()),
        carrier_rules.level_within_clearance(level=level, clearance=person.clearance),
        *carrier_rules.secrecy_period(level=level, years=fields["secrecy_years"], months=None, condition=""),
        *carrier_rules.medium_fits_kind(kind=kind, medium=fields["medium"], is_coded_telegram=False),
        carrier_rules.container_may_hold(container=container, level=level, unit_id=person.unit_id),
        carrier_rules.copy_numbering(copy_number=fields["copy_number"], copies_total=fields["copies_total"]),
    ]
    errors = [(v.field or "", str(v.message)) for v in violations if v is not None]
    return (fields if not errors else {}), errors
