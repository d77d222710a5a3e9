from django import forms
from django.utils.translation import gettext_lazy as _

from carriers import selectors as carrier_selectors
from carriers.forms import NoControlCharsMixin, split_numbers
from carriers.models import Carrier
from common.levels import Level

from . import selectors
from .models import Derivation
from .rules import CONDITION_MAX, MAX_COPIES, MAX_SOURCES

PASSWORD_LABEL = _("Your password (signature)")
DATE = forms.DateInput(attrs={"type": "date"})


class CarrierNumbersField(forms.CharField):
    """Registry numbers (one or more, separated by spaces, commas or new lines) of carriers the
    user may see; a number not visible is answered exactly as one that does not exist."""

    def __init__(self, *args, many=True, **kwargs):
        self.many = many
        kwargs.setdefault("max_length", 40 * MAX_SOURCES)
        super().__init__(*args, **kwargs)

    def resolve(self, value, user) -> list[Carrier]:
        numbers = split_numbers(value)
        if not numbers:
            raise forms.ValidationError(_("Give the registry number of at least one carrier."))
        if not self.many and len(numbers) > 1:
            raise forms.ValidationError(_("Give one registry number."))
        if len(numbers) > MAX_SOURCES:
            raise forms.ValidationError(_("Name at most %(max)d source carriers.") % {"max": MAX_SOURCES})
        found, missing = selectors.carriers_by_numbers(user=user, numbers=numbers)
        if missing:
            raise forms.ValidationError(
                _("No carrier with the registry number %(numbers)s.") % {"numbers": ", ".join(missing)}
            )
        return found


class CopyRequestForm(NoControlCharsMixin, forms.Form):
    source = CarrierNumbersField(
        label=_("Carrier to copy (registry number)"), many=False,
        help_text=_("The copies take its level, its secrecy period (the same end date) and its distribution scope."),
    )
    copies = forms.IntegerField(label=_("Number of copies"), min_value=1, max_value=MAX_COPIES)
    purpose = forms.CharField(label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_source(self):
        return self.fields["source"].resolve(self.cleaned_data.get("source"), self.user)[0]


class CopyExecuteForm(NoControlCharsMixin, forms.Form):
    container = forms.ModelChoiceField(
        label=_("Container"), queryset=None, help_text=_("Where the copies are kept; it must be fit for the level."),
    )
    quantity = forms.IntegerField(
        label=_("Number of copies"), min_value=1, max_value=MAX_COPIES, required=False,
        help_text=_("Empty: the approved quantity. More than approved is refused."),
    )
    password = forms.CharField(
        label=PASSWORD_LABEL, widget=forms.PasswordInput, max_length=128,
        help_text=_("You sign the registration of every copy: enter your password again."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["container"].queryset = carrier_selectors.containers_for_registration(user=user)


class DerivationForm(NoControlCharsMixin, forms.Form):
    """An extract/quotation or a compilation. Level and period left empty are inherited from the
    sources; the preview shows them before anything is submitted."""

    sources = CarrierNumbersField(
        label=_("Source carriers (registry numbers)"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separate them with spaces, commas or new lines."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    purpose = forms.CharField(label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    carrier_kind = forms.ChoiceField(label=_("Carrier kind"), choices=Carrier.Kind.choices, initial="paper")
    medium = forms.ChoiceField(
        label=_("Medium"), choices=[("", "—")] + list(Carrier.Medium.choices), required=False,
        help_text=_("Only for electronic media."),
    )
    level = forms.TypedChoiceField(
        label=_("Classification level"), choices=[("", _("Inherited (the highest of the sources)"))] + list(Level.choices),
        coerce=int, required=False, empty_value=None,
        help_text=_("It may be higher than the sources', never lower."),
    )
    secrecy_years = forms.IntegerField(label=_("Secrecy period (years)"), min_value=0, max_value=100, required=False,
                                       help_text=_("Empty: the period of the source that ends last."))
    secrecy_months = forms.IntegerField(label=_("Secrecy period (months)"), min_value=0, max_value=11, required=False)
    declassification_condition = forms.CharField(
        label=_("Declassification condition"), max_length=CONDITION_MAX, required=False,
        help_text=_("Empty: the sources' conditions; a source's condition is always kept."),
    )
    period_start = forms.DateField(label=_("Secrecy period starts"), required=False, widget=DATE,
                                   help_text=_("Empty: the start of the period of the source that ends last."))
    container = forms.ModelChoiceField(label=_("Container"), queryset=None, required=False,
                                       help_text=_("Extract: where it is kept; it must be fit for the level."))
    password = forms.CharField(label=PASSWORD_LABEL, widget=forms.PasswordInput, max_length=128, required=False,
                               help_text=_("Extract: you sign its registration."))

    TERMS = ("level", "secrecy_years", "secrecy_months", "declassification_condition", "period_start")

    def __init__(self, *args, user, kind, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if kind == Derivation.Kind.COMPILATION:
            del self.fields["container"]
            del self.fields["password"]
        else:
            self.fields["container"].queryset = carrier_selectors.containers_for_registration(user=user)

    def clean_sources(self):
        return self.fields["sources"].resolve(self.cleaned_data.get("sources"), self.user)

    def requested(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.TERMS} | {
            "declassification_condition": self.cleaned_data.get("declassification_condition") or ""}

    def service_arguments(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("sources", *self.TERMS)}
        return data | self.requested()


class MakeForm(NoControlCharsMixin, forms.Form):
    container = forms.ModelChoiceField(label=_("Container"), queryset=None,
                                       help_text=_("Where the compilation is kept; it must be fit for the level."))
    password = forms.CharField(label=PASSWORD_LABEL, widget=forms.PasswordInput, max_length=128,
                               help_text=_("You sign its registration: enter your password again."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["container"].queryset = carrier_selectors.containers_for_registration(user=user)


class LicenceForm(NoControlCharsMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit or department"), queryset=None)
    licensed = forms.BooleanField(label=_("Licensed to copy"), required=False, initial=True,
                                  help_text=_("Untick to record that the licence is withdrawn."))
    licensed_on = forms.DateField(label=_("Licensed on"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    licence_number = forms.CharField(label=_("Licence number"), max_length=100, required=False)
    may_copy_coded_telegrams = forms.BooleanField(
        label=_("Confidential department (may copy coded telegrams)"), required=False,
        help_text=_("Only a confidential department (机要部门) may copy coded telegrams."),
    )
    granted_by = forms.CharField(label=_("Granted by"), max_length=200)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.licence_unit_choices(user=user)
