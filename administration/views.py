"""HTML pages of the administrators (issue 15): people, accounts, roles, posts, departments, the
four-eyes requests and the administrators' trail; the same selectors and services as the API.
Objects one may not see answer 404; refusals are shown on the page with their status."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from common import access
from common.errors import DomainError, Refused
from common.views import render_domain_error

from . import rules, selectors, services
from .forms import (
    AccountForm,
    ConfirmForm,
    DeactivateForm,
    DepartmentForm,
    FilterForm,
    NewDepartmentForm,
    PolicyForm,
    PostForm,
    ReasonForm,
    RoleForm,
)
from .models import AdminChange


def _duties(user) -> dict:
    """Which forms the page offers: the gate's answer for each duty (one rule, one place)."""
    return {name: access.can(user, action) for name, action in (
        ("may_accounts", rules.CREATE_ACCOUNT), ("may_roles", rules.ASSIGN_ROLE),
        ("may_departments", rules.MANAGE_DEPARTMENTS), ("may_policies", rules.CHANGE_POLICY),
        ("may_trail", rules.VIEW_ADMIN_TRAIL))}


def _guard(request):
    try:
        selectors.require_administrator(request.user)
    except Refused as exc:
        return render(request, "administration/refused.html", {"refusal": str(exc.message)}, status=403)
    return None


@login_required
def people(request):
    refused = _guard(request)
    if refused:
        return refused
    departments = list(selectors.departments(user=request.user))
    form = FilterForm(request.GET or None, departments=departments)
    params = form.cleaned_data if form.is_valid() else {}
    rows = selectors.people(user=request.user, params=params)
    return render(request, "administration/people.html", {
        "filter_form": form, "people": rows[:500], "count": rows.count() if len(rows[:501]) > 500 else None,
        **_duties(request.user),
    })


def _person_context(request, person, **forms):
    user = request.user
    context = {
        "person": person,
        "account": selectors.account_state(person),
        "history": selectors.person_history(user=user, person=person)[:200],
        "changes": selectors.changes(user=user).filter(person=person)[:50],
        "may_deactivate": access.can(user, rules.DEACTIVATE_ACCOUNT, person),
        "may_reactivate": access.can(user, rules.REACTIVATE_ACCOUNT, person),
        "may_reset": access.can(user, rules.RESET_FACTOR, person),
        "may_end": access.can(user, rules.END_SESSIONS, person),
        "may_role": access.can(user, rules.ASSIGN_ROLE, person),
        "may_post": access.can(user, rules.SET_POST, person),
        "may_department": access.can(user, rules.SET_DEPARTMENT, person),
    }
    departments = list(selectors.departments(user=user))
    context.update({
        "reason_form": ReasonForm(), "deactivate_form": DeactivateForm(), "confirm_form": ConfirmForm(), "role_form": RoleForm(), "revoke_form": RoleForm(),
        "post_form": PostForm(initial={"secrecy_post": person.secrecy_post}),
        "department_form": DepartmentForm(departments=departments, initial={"department_id": person.department_id}),
    })
    context.update({k: v for k, v in forms.items() if v is not None})
    return context


@login_required
def person(request, pk):
    refused = _guard(request)
    if refused:
        return refused
    person = selectors.person_get(user=request.user, pk=pk)
    return render(request, "administration/person.html", _person_context(request, person))


def _action(request, pk, form_class, name, call, form_kwargs=None):
    """POST one form of the person's page to its service; back to the page (or to the request it
    made), or the refusal on the page with its status."""
    refused = _guard(request)
    if refused:
        return refused
    person = selectors.person_get(user=request.user, pk=pk)
    if request.method == "GET":
        return redirect("administration:person", pk=person.user_id)
    form = form_class(request.POST, **(form_kwargs() if form_kwargs else {}))
    if not form.is_valid():
        return render(request, "administration/person.html",
                      _person_context(request, person, **{name: form}), status=400)
    try:
        result = call(person, form.cleaned_data)
    except DomainError as exc:
        return render_domain_error(request, "administration/person.html",
                                   _person_context(request, person, **{name: form}), exc, form)
    if isinstance(result, AdminChange):
        return redirect("administration:change", pk=result.pk)
    return redirect("administration:person", pk=person.user_id)


@login_required
@require_http_methods(["GET", "POST"])
def deactivate(request, pk):
    return _action(request, pk, DeactivateForm, "deactivate_form", lambda p, d: services.deactivate_account(
        actor=request.user, user_id=p.user_id, reason=d["reason"], password=d["password"]))


@login_required
@require_http_methods(["GET", "POST"])
def reactivate(request, pk):
    return _action(request, pk, ReasonForm, "reason_form", lambda p, d: services.reactivate_account(
        actor=request.user, user_id=p.user_id, reason=d["reason"]))


@login_required
@require_POST
def reset_factor(request, pk):
    return _action(request, pk, ConfirmForm, "confirm_form", lambda p, d: services.reset_factor(
        actor=request.user, user_id=p.user_id))


@login_required
@require_POST
def end_sessions(request, pk):
    return _action(request, pk, ConfirmForm, "confirm_form", lambda p, d: services.end_sessions(
        actor=request.user, user_id=p.user_id))


@login_required
@require_http_methods(["GET", "POST"])
def grant_role(request, pk):
    return _action(request, pk, RoleForm, "role_form", lambda p, d: services.assign_role(
        actor=request.user, user_id=p.user_id, role=d["role"], reason=d["reason"]))


@login_required
@require_http_methods(["GET", "POST"])
def revoke_role(request, pk):
    return _action(request, pk, RoleForm, "revoke_form", lambda p, d: services.revoke_role(
        actor=request.user, user_id=p.user_id, role=d["role"], reason=d["reason"]))


@login_required
@require_http_methods(["GET", "POST"])
def change_post(request, pk):
    return _action(request, pk, PostForm, "post_form", lambda p, d: services.set_post(
        actor=request.user, user_id=p.user_id, secrecy_post=d["secrecy_post"], reason=d["reason"],
        password=d.get("password") or None))


@login_required
@require_http_methods(["GET", "POST"])
def change_department(request, pk):
    return _action(request, pk, DepartmentForm, "department_form", lambda p, d: services.set_department(
        actor=request.user, user_id=p.user_id, department_id=d["department_id"] or None, reason=d["reason"]),
        form_kwargs=lambda: {"departments": list(selectors.departments(user=request.user))})


@login_required
@require_http_methods(["GET", "POST"])
def new_account(request):
    refused = _guard(request)
    if refused:
        return refused
    departments = list(selectors.departments(user=request.user))
    form = AccountForm(request.POST or None, departments=departments)
    status = 200
    context = {"form": form, **_duties(request.user)}
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                person = services.create_account(actor=request.user, **data)
            except DomainError as exc:
                return render_domain_error(request, "administration/account_form.html", context, exc, form)
            return redirect("administration:person", pk=person.user_id)
        status = 400
    return render(request, "administration/account_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def departments(request):
    refused = _guard(request)
    if refused:
        return refused
    form = NewDepartmentForm(request.POST or None)
    context = {"form": form, "departments": selectors.departments(user=request.user), **_duties(request.user)}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.create_department(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                return render_domain_error(request, "administration/departments.html", context, exc, form)
            return redirect("administration:departments")
        status = 400
    return render(request, "administration/departments.html", context, status=status)


@login_required
def changes(request):
    refused = _guard(request)
    if refused:
        return refused
    rows = selectors.changes(user=request.user, params=request.GET)
    return render(request, "administration/changes.html", {
        "changes": rows[:500], "statuses": AdminChange.Status.choices, "kinds": AdminChange.Kind.choices,
        "status": request.GET.get("status", ""), "kind": request.GET.get("kind", ""), **_duties(request.user)})


@login_required
def change(request, pk):
    refused = _guard(request)
    if refused:
        return refused
    obj = selectors.change_get(user=request.user, pk=pk)
    return render(request, "administration/change.html", {
        "change": obj, "history": selectors.change_history(obj),
        "may_decide": obj.approval is not None and access.can(request.user, "decide_approval", obj.approval),
    })


@login_required
@require_http_methods(["GET", "POST"])
def new_policy(request):
    refused = _guard(request)
    if refused:
        return refused
    form = PolicyForm(request.POST or None)
    context = {"form": form, **_duties(request.user)}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                obj = services.request_policy_change(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                return render_domain_error(request, "administration/policy_form.html", context, exc, form)
            return redirect("administration:change", pk=obj.pk)
        status = 400
    return render(request, "administration/policy_form.html", context, status=status)


@login_required
def trail(request):
    refused = _guard(request)
    if refused:
        return refused
    try:
        rows = selectors.admin_trail(user=request.user, params=request.GET)
    except Refused as exc:
        return render(request, "administration/refused.html", {"refusal": str(exc.message)}, status=403)
    return render(request, "administration/trail.html", {
        "events": rows[:500], "action": request.GET.get("action", ""), "actor": request.GET.get("actor", ""),
        **_duties(request.user)})
