from django import forms
from django.utils.translation import gettext_lazy as _

from carriers import selectors as carrier_selectors
from carriers.forms import NoControlCharsMixin, typed_when_long

from . import selectors
from .models import Scope

PASSWORD_LABEL = _("Your password (signature)")


class CarrierChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, carrier):
        return f"{carrier.registry_number} · {carrier.marking} · {carrier.title}"


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        person = getattr(user, "person", None)
        return f"{person.full_name} ({user.username})" if person else user.username


class CarryOutForm(NoControlCharsMixin, forms.Form):
    carriers = CarrierChoiceField(label=_("Carriers"), queryset=None, widget=forms.CheckboxSelectMultiple,
                                  help_text=_("Carriers in custody you may see, not already requested."))
    carrier_person = PersonField(label=_("Person carrying"), queryset=None, required=False,
                                 help_text=_("Empty: yourself. Active, cleared for every carrier and within its scope."))
    scope = forms.ChoiceField(label=_("Where to"), choices=Scope.choices, widget=forms.RadioSelect,
                              help_text=_("A foreign-affairs activity needs the head of the unit; abroad the strictest chain."))
    destination = forms.CharField(label=_("Destination"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    protective_measures = forms.CharField(
        label=_("Protective measures"), max_length=500,
        help_text=_("E.g. a locked case, carried in person at all times, two people travelling."),
    )
    expected_return = forms.DateField(label=_("Expected return"), widget=forms.DateInput(attrs={"type": "date"}))
    briefed = forms.BooleanField(
        label=_("The person carrying has been told the rules: no unrelated errands, no shops, entertainment or other public places."),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carriers"].queryset = selectors.carriers_to_carry(user=user)
        typed_when_long(self, "carriers")
        self.fields["carrier_person"].queryset = selectors.carrier_person_choices(user=user)


class CountSignForm(NoControlCharsMixin, forms.Form):
    declared_count = forms.IntegerField(label=_("Number of carriers counted"), min_value=1, max_value=100000)
    password = forms.CharField(label=PASSWORD_LABEL, widget=forms.PasswordInput, max_length=128)


class AcceptForm(NoControlCharsMixin, forms.Form):
    counted_count = forms.IntegerField(label=_("Number of carriers counted"), min_value=0, max_value=100000)
    password = forms.CharField(label=PASSWORD_LABEL, widget=forms.PasswordInput, max_length=128)


class CheckInAcceptForm(AcceptForm):
    container = forms.ModelChoiceField(label=_("Container"), queryset=None,
                                       help_text=_("Where the carriers are kept again; it must be fit for the level."))
    field_order = ["counted_count", "container", "password"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["container"].queryset = carrier_selectors.containers_for_registration(user=user)
