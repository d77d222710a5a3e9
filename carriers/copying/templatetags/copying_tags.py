from django import template

from .. import policy, selectors

register = template.Library()


@register.inclusion_tag("copying/_lineage.html", takes_context=True)
def carrier_lineage(context, carrier):
    """A carrier's lineage on its page: what it was made from and what was made from it (a few
    set-based queries, through the carriers the reader may see)."""
    user = context["request"].user
    found = selectors.lineage(user=user, carrier=carrier)
    return {**found, "may_extract": policy.may_make_extract(user)}
