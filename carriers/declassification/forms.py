from django import forms
from django.utils.translation import gettext_lazy as _

from carriers.forms import NoControlCharsMixin, typed_when_long
from common.levels import Level

from . import selectors
from .models import Outcome


class CarrierField(forms.ModelChoiceField):
    def label_from_instance(self, carrier):
        ends = carrier.expires_on.isoformat() if carrier.expires_on else carrier.declassification_condition
        return f"{carrier.registry_number} · {carrier.marking} · {carrier.title} · {ends}"


class ReviewForm(NoControlCharsMixin, forms.Form):
    carrier = CarrierField(label=_("Carrier"), queryset=None)
    outcome = forms.ChoiceField(label=_("Proposed outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    new_level = forms.TypedChoiceField(
        label=_("New classification level"), choices=[("", "—"), *Level.choices], coerce=int, required=False,
        empty_value=None, help_text=_("For a downgrade only: a lower level. A carrier is never downgraded to unclassified."),
    )
    new_secrecy_years = forms.IntegerField(
        label=_("New secrecy period (years)"), min_value=0, max_value=100, required=False,
        help_text=_("For an extension (or with a downgrade): the whole period from its start, never beyond the statutory maximum for the level."),
    )
    new_secrecy_months = forms.IntegerField(label=_("New secrecy period (months)"), min_value=0, max_value=11,
                                            required=False)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = selectors.reviewable_carriers(user=user)
        typed_when_long(self, "carrier")


class ConditionMetForm(NoControlCharsMixin, forms.Form):
    carrier = CarrierField(label=_("Carrier"), queryset=None,
                           help_text=_("Carriers you may see whose declassification condition is not yet recorded as met."))
    met_on = forms.DateField(label=_("Met on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("How it was met"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = selectors.carriers_with_condition(user=user)
        typed_when_long(self, "carrier")
