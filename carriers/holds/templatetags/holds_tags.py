"""The carrier page's panel of holds and classification basis: {% load holds_tags %}{% carrier_holds carrier %}."""

from django import template

from common import access

from .. import policy, selectors

register = template.Library()


@register.inclusion_tag("holds/_carrier_panel.html", takes_context=True)
def carrier_holds(context, carrier):
    user = context["request"].user
    items = selectors.carrier_holds(user=user, carrier=carrier)
    item = carrier.basis_item
    return {
        "carrier": carrier,
        # an item's wording is shown to readers cleared for the item's own level
        "basis_title_visible": item is not None and access.can(user, access.VIEW, item),
        "items": items,
        "held": any(item.is_active for item in items),
        "may_place": access.can(user, policy.PLACE_HOLD) and carrier.status not in ("destroyed", "declassified"),
        "request": context["request"],
    }


@register.inclusion_tag("holds/_incident_offer.html", takes_context=True)
def incident_hold_offer(context, incident):
    """On a loss or leak incident's page: the secrecy office is offered to hold every carrier it
    concerns that is still in the registry and not yet held (the hold form, filled in)."""
    user = context["request"].user
    offer = selectors.incident_hold_offer(user=user, incident=incident)
    return {"incident": incident, "offer": offer}
