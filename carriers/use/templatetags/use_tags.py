from django import template

from common import access

from .. import policy, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def use_waiting(context) -> int:
    """For the navigation: circulations waiting for my signature and loans waiting for me."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if access.person_of(user) is None:
        return 0
    return selectors.counts(user=user)


@register.inclusion_tag("use/_disclosures.html", takes_context=True)
def disclosure_record(context, carrier):
    """A carrier's disclosure record, for its page: who has seen it, as far as the reader may see
    each record; with links to record reading, send it round or borrow it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "carrier": carrier,
        "lines": selectors.disclosures(user=user, carrier=carrier),
        "may_record": policy.may_record_use(user, carrier),
        "may_borrow": policy.may_borrow(user, carrier),
    }
