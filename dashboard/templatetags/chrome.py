"""The site chrome: the role menu with its counters, the breadcrumbs."""

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY

from common import access

from .. import navigation

register = template.Library()


def _counters(context, user) -> dict:
    from carriers.transmission import selectors as transmission_selectors
    from carriers.use import selectors as use_selectors

    flags = {name: context.get(name) for name in
             ("can_register_carrier", "can_view_audit", "decide_count", "notice_count", "alert_count")}
    flags["use_count"] = use_selectors.counts(user=user)
    flags["dispatch_count"] = (transmission_selectors.inbox_count(user=user)
                               + transmission_selectors.unread_notices(user=user).count())
    return flags


def _menu(context):
    request = context.get("request")
    cached = context.render_context.get("dashboard_menu")
    if cached is None:
        user = getattr(request, "user", None)
        if request is None or access.person_of(user) is None:
            cached = []
        else:
            cached = navigation.menu_for(user, request.path, _counters(context, user))
        context.render_context["dashboard_menu"] = cached
    return cached


@register.inclusion_tag("dashboard/_menu.html", takes_context=True)
def main_menu(context):
    return {"groups": _menu(context)}


@register.simple_tag(takes_context=True)
def block_text(context, name):
    """The rendered text of a block of the current page (its title, for the last breadcrumb)."""
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context else None
    return block.nodelist.render(context).strip() if block else ""


@register.inclusion_tag("dashboard/_breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    request = context.get("request")
    section = navigation.section_of(_menu(context))
    title = block_text(context, "title")
    crumbs = [{"url": "/", "label": navigation.HOME_LABEL}]
    path = getattr(request, "path", "/")
    if section and section["key"] != "home":
        crumbs.append({"url": section["url"], "label": section["label"]})
    if path == "/":
        crumbs = [{"url": "", "label": navigation.HOME_LABEL}]
    elif title and (not section or str(section["label"]) != title or path != section["url"]):
        crumbs.append({"url": "", "label": title})
    if len(crumbs) > 1 and crumbs[-1]["url"] == path:
        crumbs[-1]["url"] = ""
    return {"crumbs": crumbs}
