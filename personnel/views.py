"""HTML pages of the secrecy file (R10, R14), travel (R11) and departures (R12): the same
selectors and services as the API. Objects one may not see answer 404."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import DomainError
from common.views import render_domain_error

from . import policy, selectors, services
from .forms import (
    CompleteForm,
    DepartureForm,
    EndDisengagementForm,
    InspectionForm,
    PassportForm,
    PledgeForm,
    PostForm,
    TrainingForm,
    TravelForm,
    TripForm,
)


@login_required
def people(request):
    return render(request, "personnel/list.html", {"people": selectors.people_list(user=request.user)[:500]})


def _file_context(request, person, **forms):
    user = request.user
    office = policy.may_manage_file(user, person)
    own = user.pk == person.user_id
    context = {
        **selectors.secrecy_file(user=user, person=person),
        "office": office,
        "own": own,
        "training_form": TrainingForm() if office else None,
        "inspection_form": InspectionForm() if office else None,
        "pledge_form": PledgeForm() if office or own else None,
        "post_form": PostForm(initial={"secrecy_post": person.secrecy_post}) if office else None,
        "passport_form": PassportForm(user=user, person=person) if office else None,
    }
    context.update({k: v for k, v in forms.items() if v is not None})
    return context


@login_required
def person_file(request, pk):
    person = selectors.person_get(user=request.user, pk=pk)
    return render(request, "personnel/file.html", _file_context(request, person))


def _file_action(request, pk, form_class, name, call, form_kwargs=None):
    """POST one of the file's forms to its service; back to the file, or the refusal on the page."""
    person = selectors.person_get(user=request.user, pk=pk)
    if request.method == "GET":
        return redirect("personnel:file", pk=person.user_id)
    form = form_class(request.POST, **(form_kwargs(person) if form_kwargs else {}))
    if not form.is_valid():
        return render(request, "personnel/file.html", _file_context(request, person, **{name: form}), status=400)
    # the form's clean() already made the password a SigningSecret carrying the one-time code
    data = {k: v for k, v in form.cleaned_data.items() if k != "otp"}
    try:
        call(person, data)
    except DomainError as exc:
        return render_domain_error(request, "personnel/file.html", _file_context(request, person, **{name: form}),
                                   exc, form)
    return redirect("personnel:file", pk=person.user_id)


@login_required
@require_http_methods(["GET", "POST"])
def record_training(request, pk):
    return _file_action(request, pk, TrainingForm, "training_form",
                        lambda person, d: services.record_training(actor=request.user, person=person, **d))


@login_required
@require_http_methods(["GET", "POST"])
def record_inspection(request, pk):
    return _file_action(request, pk, InspectionForm, "inspection_form",
                        lambda person, d: services.record_inspection(actor=request.user, person=person, **d))


@login_required
@require_http_methods(["GET", "POST"])
def sign_pledge(request, pk):
    return _file_action(request, pk, PledgeForm, "pledge_form",
                        lambda person, d: services.sign_pledge(actor=request.user, person=person, **d))


@login_required
@require_http_methods(["GET", "POST"])
def change_post(request, pk):
    return _file_action(request, pk, PostForm, "post_form",
                        lambda person, d: services.set_secrecy_post(actor=request.user, person=person, **d))


@login_required
@require_http_methods(["GET", "POST"])
def record_passport(request, pk):
    return _file_action(request, pk, PassportForm, "passport_form",
                        lambda person, d: services.record_passport(actor=request.user, person=person, **d),
                        form_kwargs=lambda person: {"user": request.user, "person": person})


# --- travel ---------------------------------------------------------------------------------------


@login_required
def travel_list(request):
    return render(request, "personnel/travel_list.html", {"travels": selectors.visible_travels(user=request.user)[:300]})


@login_required
@require_http_methods(["GET", "POST"])
def travel_new(request):
    form = TravelForm(request.POST if request.method == "POST" else None, user=request.user)
    context = {"form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "personnel/travel_form.html", context, status=400)
        data = {k: v for k, v in form.cleaned_data.items() if k != "otp"}
        try:
            traveller = data.pop("traveller") or selectors.person_get(user=request.user, pk=request.user.pk)
            travel = services.submit_travel(actor=request.user, traveller=traveller, **data)
        except DomainError as exc:
            return render_domain_error(request, "personnel/travel_form.html", context, exc, form)
        return redirect("personnel:travel", pk=travel.pk)
    return render(request, "personnel/travel_form.html", context)


def _travel_context(request, travel, trip_form=None):
    may_record = policy.may_record_trip(request.user, travel)
    return {"travel": travel, "trip_form": trip_form or (TripForm() if may_record else None)}


@login_required
def travel_detail(request, pk):
    travel = selectors.travel_get(user=request.user, pk=pk)
    return render(request, "personnel/travel_detail.html", _travel_context(request, travel))


@login_required
@require_POST
def travel_trip(request, pk):
    travel = selectors.travel_get(user=request.user, pk=pk)
    form = TripForm(request.POST)
    context = _travel_context(request, travel, trip_form=form)
    if not form.is_valid():
        return render(request, "personnel/travel_detail.html", context, status=400)
    data = {k: v for k, v in form.cleaned_data.items() if k != "otp"}
    try:
        services.record_trip(actor=request.user, travel_id=travel.pk, **data)
    except DomainError as exc:
        return render_domain_error(request, "personnel/travel_detail.html", context, exc, form)
    return redirect("personnel:travel", pk=travel.pk)


# --- departures -----------------------------------------------------------------------------------


@login_required
def departure_list(request):
    return render(request, "personnel/departure_list.html",
                  {"departures": selectors.visible_departures(user=request.user)[:300]})


@login_required
@require_http_methods(["GET", "POST"])
def departure_new(request):
    form = DepartureForm(request.POST if request.method == "POST" else None, user=request.user)
    context = {"form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "personnel/departure_form.html", context, status=400)
        data = {k: v for k, v in form.cleaned_data.items() if k != "otp"}
        try:
            person = data.pop("person") or selectors.person_get(user=request.user, pk=request.user.pk)
            departure = services.submit_departure(actor=request.user, person=person, **data)
        except DomainError as exc:
            return render_domain_error(request, "personnel/departure_form.html", context, exc, form)
        return redirect("personnel:departure", pk=departure.pk)
    return render(request, "personnel/departure_form.html", context)


def _departure_context(request, departure, complete_form=None, end_form=None):
    completed = departure.status == "completed"
    recall, hidden = ([], 0) if completed else selectors.recall_list(user=request.user, person=departure.person)
    may_complete = policy.may_complete_departure(request.user, departure)
    return {
        "departure": departure,
        "recall": recall,
        "hidden_carriers": hidden,
        "complete_form": complete_form or (CompleteForm() if may_complete else None),
        "may_end": policy.may_end_disengagement(request.user, departure),
        "end_form": end_form or EndDisengagementForm(),
    }


@login_required
def departure_detail(request, pk):
    departure = selectors.departure_get(user=request.user, pk=pk)
    return render(request, "personnel/departure_detail.html", _departure_context(request, departure))


@login_required
@require_POST
def departure_complete(request, pk):
    departure = selectors.departure_get(user=request.user, pk=pk)
    form = CompleteForm(request.POST)
    context = _departure_context(request, departure, complete_form=form)
    if not form.is_valid():
        return render(request, "personnel/departure_detail.html", context, status=400)
    try:  # the password carries the one-time code typed with it (NoControlCharsMixin.clean)
        services.complete_departure(actor=request.user, departure_id=departure.pk,
                                    password=form.cleaned_data["password"])
    except DomainError as exc:
        return render_domain_error(request, "personnel/departure_detail.html", context, exc, form)
    return redirect("personnel:departure", pk=departure.pk)


@login_required
@require_POST
def departure_end(request, pk):
    departure = selectors.departure_get(user=request.user, pk=pk)
    form = EndDisengagementForm(request.POST)
    context = _departure_context(request, departure, end_form=form)
    if not form.is_valid():
        return render(request, "personnel/departure_detail.html", context, status=400)
    try:
        services.end_disengagement(actor=request.user, departure_id=departure.pk, password=form.cleaned_data["password"])
    except DomainError as exc:
        return render_domain_error(request, "personnel/departure_detail.html", context, exc, form)
    return redirect("personnel:departure", pk=departure.pk)
