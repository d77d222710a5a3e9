"""The register of holdings reviews (清退/清理登记): each carrier asked about, its holder's answer
and reason, by the review's opening date. Discovered by registers.registry; drawn through the
access gate in one query."""

from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from registers.base import (
    Column,
    Register,
    apply_filters,
    clean_filters,
    common_fields,
    extract_of,
    in_period,
    person_name,
)
from registers.selectors import require_register_access

from .models import ReviewLine


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _fields():
    return common_fields(kind_label=_("Answer"), kind_choices=[("unanswered", _("Not answered")),
                                                               *ReviewLine.Answer.choices])


def _answer(line) -> str:
    if not line.answer:
        return "未答复" if _zh() else "Not answered"
    return str(line.get_answer_display())


def review_extract(*, user, params):
    require_register_access(user)
    filters = clean_filters(params, _fields())
    from common import access

    rows = access.restrict(ReviewLine.objects.all(), user)
    rows = apply_filters(rows, filters.data, unit="review__unit_id", level="carrier__level",
                         kind=lambda value: Q(answer="" if value == "unanswered" else value))
    rows = (in_period(rows, "review__opened_at", filters)
            .select_related("review", "carrier", "holder__person").order_by("review__opened_at", "holder_id", "carrier_id"))
    return extract_of(rows, filters, level_of=lambda line: line.carrier.level)


HOLDINGS_REVIEW = Register(
    name="holdings-review",
    title_zh="涉密载体清退清理登记",
    title_en="Register of holdings reviews",
    columns=(
        Column("清理编号", "Review", lambda r: r.review.number, "13%"),
        Column("持有人", "Holder", lambda r: person_name(r.holder), "12%"),
        Column("登记编号", "Registry number", lambda r: r.carrier.registry_number, "12%"),
        Column("密级标志", "Marking", lambda r: r.carrier.marking_zh if _zh() else r.carrier.marking_en, "10%"),
        Column("答复", "Answer", _answer, "13%"),
        Column("理由", "Reason", lambda r: r.reason, "25%"),
        Column("答复时间", "Answered at", lambda r: r.answered_at or "", "15%"),
    ),
    draw=review_extract,
    fields=_fields,
    filter_names=("unit", "level", "kind", "date_from", "date_to"),
)

REGISTERS = [HOLDINGS_REVIEW]
