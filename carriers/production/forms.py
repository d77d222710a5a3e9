from django import forms
from django.utils.translation import gettext_lazy as _

from carriers import selectors as carrier_selectors
from carriers.forms import CarrierFactsForm, NoControlCharsMixin
from carriers.models import Disposition, IntermediateKind
from common.levels import Level

from . import selectors
from .rules import DESCRIPTION_MAX, MAX_COPIES

PASSWORD_LABEL = _("Your password (signature)")


class ProductionRequestForm(CarrierFactsForm):
    SCOPE_FIELDS = ("scope_departments", "scope_people", "scope_units")
    field_order = [
        "title", "kind", "medium", "level", "secrecy_years", "secrecy_months", "declassification_condition",
        "copies", "purpose", "place", "enterprise", "scope_departments", "scope_people", "scope_units",
    ]

    title = forms.CharField(label=_("Title"), max_length=300)
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
    scope_units = forms.ModelMultipleChoiceField(
        label=_("Distribution scope: other units"), queryset=None, required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["place"].queryset = selectors.places_for_request(user=user)
        self.fields["enterprise"].queryset = selectors.enterprises_for_request(user=user)
        self.fields["scope_units"].queryset = selectors.scope_unit_choices(user=user)


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
