from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from carriers import selectors as carrier_selectors
from carriers.forms import NoControlCharsMixin, PersonChoiceField
from carriers.models import Carrier, Disposition, IntermediateKind
from common import access
from common.levels import Level
from personnel.models import Unit

from . import selectors
from .rules import DESCRIPTION_MAX, MAX_COPIES

PASSWORD_LABEL = _("Your password (signature)")


class ProductionRequestForm(NoControlCharsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Carrier.Kind.choices)
    medium = forms.ChoiceField(
        label=_("Medium"), choices=[("", "—")] + list(Carrier.Medium.choices), required=False,
        help_text=_("Only for electronic media."),
    )
    level = forms.TypedChoiceField(label=_("Classification level"), choices=Level.choices, coerce=int)
    secrecy_years = forms.IntegerField(label=_("Secrecy period (years)"), min_value=0, max_value=100, required=False)
    secrecy_months = forms.IntegerField(label=_("Secrecy period (months)"), min_value=0, max_value=11, required=False)
    declassification_condition = forms.CharField(
        label=_("Declassification condition"), max_length=300, required=False,
        help_text=_("Instead of, or beyond, a period. Leave period and condition empty for the statutory longest period."),
    )
    copies = forms.IntegerField(
        label=_("Number of copies"), min_value=1, max_value=MAX_COPIES,
        help_text=_("Exactly this many copies are made once approved; no more."),
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    place = forms.ModelChoiceField(
        label=_("Production place"), queryset=None, required=False,
        help_text=_("A place of this unit approved for classified production; or choose an outside enterprise."),
    )
    enterprise = forms.ModelChoiceField(
        label=_("Outside enterprise"), queryset=None, required=False,
        help_text=_("Only an enterprise licensed for the level; never a self-employed individual."),
    )
    scope_departments = forms.ModelMultipleChoiceField(
        label=_("Distribution scope: departments"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scope_people = PersonChoiceField(label=_("Distribution scope: people"), queryset=None, required=False)
    scope_units = forms.ModelMultipleChoiceField(
        label=_("Distribution scope: other units"), queryset=None, required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = selectors.places_for_request(user=user)
        self.fields["enterprise"].queryset = selectors.enterprises_for_request(user=user)
        self.fields["scope_departments"].queryset = access.restrict(
            Unit.objects.filter(kind=Unit.Kind.DEPARTMENT), user
        ).order_by("code")
        self.fields["scope_people"].queryset = access.restrict(
            get_user_model().objects.select_related("person"), user
        ).order_by("person__employee_number")
        self.fields["scope_units"].queryset = selectors.scope_unit_choices(user=user)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["medium"] = data.get("medium") or ""
        for name in ("scope_departments", "scope_people", "scope_units"):
            data[name] = list(data.get(name) or [])
        return data


class RunForm(NoControlCharsMixin, forms.Form):
    container = forms.ModelChoiceField(
        label=_("Container"), queryset=None, help_text=_("Where the copies are kept; it must be fit for the level."),
    )
    password = forms.CharField(
        label=PASSWORD_LABEL, widget=forms.PasswordInput, max_length=128,
        help_text=_("You sign the registration of every copy: enter your password again."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["container"].queryset = carrier_selectors.containers_for_registration(user=user)


class IntermediateForm(NoControlCharsMixin, forms.Form):
    intermediate_kind = forms.ChoiceField(label=_("Intermediate material"), choices=IntermediateKind.choices)
    disposition = forms.ChoiceField(label=_("Disposition"), choices=Disposition.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_MAX, required=False,
        help_text=_("E.g. second revision, misprinted pages 3-5."),
    )
    container = forms.ModelChoiceField(
        label=_("Container"), queryset=None, required=False,
        help_text=_("Where it is kept until used or destroyed; empty: the run's container."),
    )
    password = forms.CharField(label=PASSWORD_LABEL, widget=forms.PasswordInput, max_length=128)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["container"].queryset = carrier_selectors.containers_for_registration(user=user)


class PlaceForm(NoControlCharsMixin, forms.Form):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    approval_reference = forms.CharField(
        label=_("Approval reference"), max_length=100, required=False,
        help_text=_("The number of the document approving this place; empty while it is not approved."),
    )
    max_level = forms.TypedChoiceField(label=_("Approved up to"), choices=Level.choices, coerce=int)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class EnterpriseForm(NoControlCharsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    licence_number = forms.CharField(label=_("Licence number"), max_length=100, required=False)
    licensed_level = forms.TypedChoiceField(
        label=_("Licensed up to"), choices=[("", "—")] + list(Level.choices), coerce=int, required=False,
        empty_value=None,
    )
    licence_valid_until = forms.DateField(
        label=_("Licence valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_individual = forms.BooleanField(
        label=_("Self-employed individual"), required=False,
        help_text=_("Classified production is never entrusted to a self-employed individual."),
    )
