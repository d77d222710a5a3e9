"""HTML forms of the administration pages (issue 15); the same services as the API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.models import ApproverRole, RequestKind
from carriers.forms import NoControlCharsMixin
from common.levels import Level
from personnel.models import Person
from personnel.roles import ROLE_LABELS

from . import rules


def _reason(required=True):
    return forms.CharField(label=_("Reason"), max_length=2000, required=required,
                           widget=forms.Textarea(attrs={"rows": 2}))


def role_choices():
    return [(role, ROLE_LABELS[role]) for role in rules.GRANTABLE_ROLES]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Name, login or employee number"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", "—")])
    post = forms.ChoiceField(label=_("Secrecy post"), required=False,
                             choices=[("", "—"), *Person.SecrecyPost.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *Person.Status.choices])
    account = forms.ChoiceField(label=_("Account"), required=False,
                                choices=[("", "—"), ("active", _("Active")), ("inactive", _("Deactivated"))])
    department = forms.ChoiceField(label=_("Department"), required=False, choices=[("", "—")])

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—"), *role_choices()]
        self.fields["department"].choices = [("", "—"), *((str(d.pk), str(d.name)) for d in departments)]


class AccountForm(NoControlCharsMixin, forms.Form):
    username = forms.CharField(label=_("Login name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    employee_number = forms.CharField(label=_("Employee number"), max_length=32)
    department_id = forms.ChoiceField(label=_("Department"), required=False, choices=[("", "—")])
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(label=_("Initial password"), max_length=256,
                               widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department_id"].choices = [("", "—"), *((str(d.pk), str(d.name)) for d in departments)]


class ReasonForm(NoControlCharsMixin, forms.Form):
    reason = _reason()


class RoleForm(NoControlCharsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=())
    reason = _reason(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices()


class DeactivateForm(ReasonForm):
    password = forms.CharField(label=_("Your password (signature)"), max_length=256,
                               widget=forms.PasswordInput(render_value=False))


class PostForm(NoControlCharsMixin, forms.Form):
    secrecy_post = forms.ChoiceField(label=_("Secrecy post"), choices=Person.SecrecyPost.choices)
    reason = _reason(required=False)
    password = forms.CharField(
        label=_("Your password (signature)"), max_length=256, required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Needed to lower a post: that removes a clearance."),
    )


class DepartmentForm(NoControlCharsMixin, forms.Form):
    department_id = forms.ChoiceField(label=_("Department"), required=False, choices=[("", "—")])
    reason = _reason(required=False)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department_id"].choices = [("", "—"), *((str(d.pk), str(d.name)) for d in departments)]


class NewDepartmentForm(NoControlCharsMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=16)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)


class PolicyForm(NoControlCharsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Request kind"), choices=RequestKind.choices)
    variant = forms.CharField(label=_("Variant"), max_length=32, required=False)
    level = forms.TypedChoiceField(label=_("Classification level"), choices=Level.choices, coerce=int)
    steps = forms.MultipleChoiceField(label=_("Steps, in this order"), choices=ApproverRole.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    delete = forms.BooleanField(label=_("Delete this policy instead"), required=False)
    reason = _reason()


class ConfirmForm(NoControlCharsMixin, forms.Form):
    reason = _reason(required=False)


class SettingForm(NoControlCharsMixin, forms.Form):
    """A technical setting's new value (common.tunables: its range is checked by the service)."""

    value = forms.IntegerField(label=_("New value"), min_value=-(2**31), max_value=2**31 - 1)
    reason = _reason()
