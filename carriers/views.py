from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from common import access
from common import tables as common_tables
from common.errors import DomainError
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import CarrierRegisterForm
from .tables import carrier_table


@login_required
def carrier_list(request):
    table, filterset = carrier_table(user=request.user, params=request.GET)
    table.selected = set(request.GET.getlist("ids"))
    page = common_tables.paginate(table, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "carriers/list.html",
        {"filter": filterset, "table": table, "page": page, "query": query.urlencode(),
         "bulk_actions": bulk_actions(request.user)},
        status=200 if filterset.is_valid() else 400,
    )


# The bulk actions the carrier list offers on the selected carriers (lists/ runs them: a preview,
# then one signature for the batch), each only for whom the gate allows the action at all.
BULK_ACTIONS = (
    ("handover", None, gettext_lazy("Hand over to someone")),  # what one holds (the service's rule)
    ("inventory", "storage.run_inventories", gettext_lazy("Mark as seen in an inventory")),
    ("destruction", None, gettext_lazy("Ask to destroy")),  # the holder, or the secrecy office
)


def bulk_actions(user) -> list[dict]:
    offered = []
    for key, action, label in BULK_ACTIONS:
        try:
            allowed = action is None or access.can(user, action, None)
        except ValueError:  # an action nobody registered: a stage not installed
            continue
        if allowed:
            offered.append({"key": key, "label": label})
    return offered


# The actions a carrier's page offers: each one only when the check its service enforces, as
# registered with the gate by the stage's policy (access.register_action), allows it for this user
# and this carrier. Named by string: the core imports no stage. (action, on the carrier?, page,
# query parameter naming the carrier, statuses it applies to or None, label)
IN_HAND = ("registered", "in_custody")
CARRIER_ACTIONS = (
    ("use.borrow", True, "use:borrow", "carrier", None, gettext_lazy("Ask to borrow")),
    ("use.record_use", True, "use:session_new", "carrier", None, gettext_lazy("Record a reading session")),
    ("use.record_use", True, "use:circulation_new", "carrier", None, gettext_lazy("Start a circulation")),
    ("storage.store", True, "storage:index", None, IN_HAND, gettext_lazy("Put it away in a container")),
    ("transmission.dispatch", False, "transmission:new", None, IN_HAND, gettext_lazy("Dispatch to another unit")),
)


def carrier_actions(user, carrier) -> list[dict]:
    actions = []
    for action, on_carrier, url_name, param, statuses, label in CARRIER_ACTIONS:
        if statuses is not None and carrier.status not in statuses:
            continue
        try:
            allowed = access.can(user, action, carrier if on_carrier else None)
            url = reverse(url_name)
        except (ValueError, NoReverseMatch):  # a stage not installed
            continue
        if allowed:
            actions.append({"url": f"{url}?{param}={carrier.pk}" if param else url, "label": label})
    return actions


@login_required
def carrier_detail(request, pk):
    carrier = selectors.carrier_get(user=request.user, pk=pk)
    return render(
        request, "carriers/detail.html",
        {"carrier": carrier, "history": selectors.carrier_history(carrier=carrier),
         "actions": carrier_actions(request.user, carrier)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def carrier_register(request):
    if not access.can(request.user, policy.REGISTER_CARRIER):
        raise PermissionDenied(_("Only the secrecy office may register carriers."))
    form = CarrierRegisterForm(request.POST or None, user=request.user)
    context = {"form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "carriers/register.html", context, status=400)
        try:
            carrier = services.register_carrier(actor=request.user, **form.service_arguments())
        except DomainError as exc:
            return render_domain_error(request, "carriers/register.html", context, exc, form)
        messages.success(request, _("Carrier %(number)s is registered and signed.") % {"number": carrier.registry_number})
        return redirect("carriers:detail", pk=carrier.pk)
    return render(request, "carriers/register.html", context)
