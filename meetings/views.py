from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import DomainError
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import (
    AttendeesForm,
    CloseForm,
    DistributeForm,
    KeepForm,
    MeetingForm,
    PassToUnitForm,
    ReceiveForm,
    RemoveAttendeeForm,
    ReturnForm,
    SignInForm,
    SubmitForm,
    VenueForm,
    WithdrawForm,
)
from .models import Meeting, MeetingCopy


@login_required
def meeting_list(request):
    status = request.GET.get("status", "")
    if status not in Meeting.Status.values:
        status = ""
    return render(request, "meetings/list.html", {
        "meetings": selectors.meeting_list(user=request.user, status=status)[:200],
        "status": status, "statuses": Meeting.Status.choices,
        "is_office": policy.is_office(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def venues(request):
    is_office = policy.may_manage_venues(request.user)
    form = VenueForm(request.POST or None) if is_office else None
    context = {"venues": selectors.visible_venues(user=request.user), "form": form, "is_office": is_office}
    if request.method == "POST":
        if not is_office:
            raise PermissionDenied(_("Only the secrecy office approves and records meeting venues."))
        if not form.is_valid():
            return render(request, "meetings/venues.html", context, status=400)
        try:
            services.create_venue(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            return render_domain_error(request, "meetings/venues.html", context, exc, form)
        return redirect("meetings:venues")
    return render(request, "meetings/venues.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request):
    form = MeetingForm(request.POST or None, user=request.user)
    context = {"form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "meetings/new.html", context, status=400)
        try:
            meeting = services.create_meeting(actor=request.user, **form.service_arguments())
        except DomainError as exc:
            return render_domain_error(request, "meetings/new.html", context, exc, form)
        return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/new.html", context)


# action name -> (form, service)
ACTIONS = {
    "attendees": (AttendeesForm, services.add_attendees),
    "remove": (RemoveAttendeeForm, services.remove_attendee),
    "submit": (SubmitForm, services.submit_for_approval),
    "signin": (SignInForm, services.sign_in),
    "distribute": (DistributeForm, services.distribute),
    "receive": (ReceiveForm, services.receive),
    "return": (ReturnForm, services.return_copies),
    "keep": (KeepForm, services.approve_keeping),
    "pass": (PassToUnitForm, services.pass_to_unit),
    "withdraw": (WithdrawForm, services.withdraw),
    "close": (CloseForm, services.close),
}


def _context(request, meeting, bound=None, refusal_action=""):
    """The meeting page: what this user may do now, each as a form (a bound one after a refusal)."""
    user = request.user
    bound = bound or {}
    is_organiser = user.pk == meeting.organiser_id
    is_office = policy.is_office_of(user, meeting)
    approved = meeting.status == Meeting.Status.APPROVED

    def form(name):
        return bound.get(name) or ACTIONS[name][0](user=user, meeting=meeting)

    may_change_list = policy.may_change_list(user, meeting)
    may_record_sign_in = policy.may_record_sign_in(user, meeting)
    forms = {}
    if may_change_list:
        forms["attendees"] = form("attendees")
    if policy.may_submit(user, meeting):
        forms["submit"] = form("submit")
    if policy.may_distribute(user, meeting):
        forms["distribute"] = form("distribute")
    if policy.may_approve_keeping(user, meeting) and any(
            c.state == MeetingCopy.State.RECEIVED for c in meeting.visible_copies):
        forms["keep"] = form("keep")
    if policy.may_close(user, meeting):
        forms["close"] = form("close")
    mine = selectors.my_copies(user=user, meeting=meeting,
                               states=(MeetingCopy.State.RECEIVED, MeetingCopy.State.KEEP_APPROVED)) if approved else []
    if mine:
        forms["return"] = form("return")
        if any(c.state == MeetingCopy.State.KEEP_APPROVED for c in mine):
            forms["pass"] = form("pass")
    pending = selectors.pending_for(user=user, meeting=meeting) if approved else []
    for group in pending:
        group["form"] = (bound.get("receive") if bound.get("receive") is not None
                         and str(bound["receive"].data.get("receive-handover")) == str(group["handover"].pk)
                         else ReceiveForm(user=user, meeting=meeting,
                                          initial={"handover": group["handover"].pk}))
    withdrawable = selectors.withdrawable_for(user=user, meeting=meeting) if approved else []
    for group in withdrawable:
        group["form"] = WithdrawForm(user=user, meeting=meeting, initial={"handover": group["handover"].pk})
    check = selectors.return_check(meeting=meeting)
    return {
        "meeting": meeting, "forms": forms, "pending": pending, "withdrawable": withdrawable,
        "board": selectors.board(meeting=meeting), "check": check,
        "is_organiser": is_organiser, "is_office": is_office, "approved": approved,
        "may_record_sign_in": may_record_sign_in,
        "may_change_list": may_change_list,
        "may_self_sign_in": policy.may_self_sign_in(user, meeting),
        "refusal_action": refusal_action,
    }


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return render(request, "meetings/detail.html", _context(request, meeting))


@login_required
def board_json(request, pk):
    """The live board for the page's script: the server-rendered table and the return check's counts."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    context = _context(request, meeting)
    return JsonResponse({
        "status": meeting.status,
        "counts": context["check"]["counts"],
        "complete": context["check"]["complete"],
        "html": render_to_string("meetings/_board.html", context, request=request),
    })


@login_required
@require_POST
def meeting_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    form_class, service = ACTIONS[action]
    form = form_class(request.POST, user=request.user, meeting=meeting)
    if not form.is_valid():
        return render(request, "meetings/detail.html",
                      _context(request, meeting, {action: form}, refusal_action=action), status=400)
    try:
        service(actor=request.user, meeting_id=meeting.pk, **form.service_arguments())
    except DomainError as exc:
        context = _context(request, meeting, {action: form}, refusal_action=action)
        return render_domain_error(request, "meetings/detail.html", context, exc, form)
    return redirect("meetings:detail", pk=meeting.pk)
