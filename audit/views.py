from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from common import access

from .selectors import verify_chain, visible_events


def _require_audit_access(user):
    if not access.can(user, access.VIEW_AUDIT):
        raise PermissionDenied(_("Only auditors and the secrecy office may read the audit trail."))


@login_required
def event_list(request):
    _require_audit_access(request.user)
    events = visible_events(user=request.user)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "audit/events.html", {"page": page})


@login_required
def verify(request):
    _require_audit_access(request.user)
    return render(request, "audit/verify.html", {"report": verify_chain()})
