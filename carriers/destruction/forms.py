from django import forms
from django.utils.translation import gettext_lazy as _

from audit.services import SigningSecret
from carriers.forms import NoControlCharsMixin, split_numbers

from . import selectors
from .models import Method, Route

PASSWORD_LABEL = _("Your password (signature)")
NUMBERS_HELP = _("Registry numbers, one per line (a barcode scanner types them).")


class SignerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        person = getattr(user, "person", None)
        return f"{person.full_name} ({user.username})" if person else user.username


class DestructionRequestForm(NoControlCharsMixin, forms.Form):
    carriers = forms.CharField(label=_("Carriers to destroy"), widget=forms.Textarea(attrs={"rows": 4}),
                               max_length=20000, help_text=NUMBERS_HELP)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.ChoiceField(
        label=_("Method"), choices=Method.choices,
        help_text=_("Paper: shredding, pulping or burning. Hard disks, floppies, equipment: degaussing, then physical destruction. USB sticks, memory cards, optical discs: physical crushing."),
    )
    route = forms.ChoiceField(label=_("Where"), choices=Route.choices, initial=Route.IN_HOUSE, widget=forms.RadioSelect)
    facility = forms.ModelChoiceField(
        label=_("Designated destruction facility"), queryset=None, required=False,
        help_text=_("Batches go to a designated facility."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["facility"].queryset = selectors.facilities_for_request(user=user)
        self.fields["carriers"].scan_action = "destruction"  # the scan box (dashboard/scanning.py)

    def clean_carriers(self):
        numbers = split_numbers(self.cleaned_data["carriers"])
        if not numbers:
            raise forms.ValidationError(_("List at least one carrier."))
        found, missing = selectors.carriers_by_number(user=self.user, numbers=numbers)
        if missing:
            raise forms.ValidationError(_("Not found: %(numbers)s") % {"numbers": ", ".join(missing)})
        return found


class ExecuteForm(forms.Form):
    """The on-the-spot screen: the destroyer and the supervisor each pick themselves and type their
    own password (and one-time code, where enrolled)."""

    destroyer = SignerChoiceField(label=_("Destroyer"), queryset=None)
    destroyer_password = forms.CharField(label=_("Destroyer's password"), widget=forms.PasswordInput, max_length=128)
    destroyer_otp = forms.CharField(label=_("Destroyer's one-time code"), max_length=12, required=False,
                                    help_text=_("Only if enrolled."),
                                    widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
    supervisor = SignerChoiceField(label=_("Supervisor"), queryset=None)
    supervisor_password = forms.CharField(label=_("Supervisor's password"), widget=forms.PasswordInput, max_length=128)
    supervisor_otp = forms.CharField(label=_("Supervisor's one-time code"), max_length=12, required=False,
                                     help_text=_("Only if enrolled."),
                                     widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))

    def __init__(self, *args, user, level: int, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("destroyer", "supervisor"):
            self.fields[name].queryset = selectors.signers(user=user, level=level)
            self.fields[f"{name}_password"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        cleaned = super().clean()
        for role in ("destroyer", "supervisor"):
            otp = cleaned.pop(f"{role}_otp", "") or ""
            if cleaned.get(f"{role}_password"):
                cleaned[f"{role}_password"] = SigningSecret(cleaned[f"{role}_password"], otp=otp)
        return cleaned


class HandoverForm(NoControlCharsMixin, forms.Form):
    courier = SignerChoiceField(label=_("Courier"), queryset=None,
                                help_text=_("Who takes the batch to the facility and signs for it."))
    declared_count = forms.IntegerField(label=_("Number counted"), min_value=0, max_value=1000)
    password = forms.CharField(label=PASSWORD_LABEL, widget=forms.PasswordInput, max_length=128)

    def __init__(self, *args, user, level: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courier"].queryset = selectors.couriers(user=user, level=level).exclude(pk=user.pk)


class ReceiveForm(NoControlCharsMixin, forms.Form):
    counted_count = forms.IntegerField(label=_("Number counted"), min_value=0, max_value=1000)
    password = forms.CharField(label=PASSWORD_LABEL, widget=forms.PasswordInput, max_length=128)


class CertificateForm(NoControlCharsMixin, forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=100)
    issued_on = forms.DateField(label=_("Certificate date"), widget=forms.DateInput(attrs={"type": "date"}))
    received_by = forms.CharField(label=_("Received at the facility by"), max_length=150)
    carriers = forms.CharField(label=_("Carriers on the certificate"), widget=forms.Textarea(attrs={"rows": 4}),
                               max_length=20000, help_text=NUMBERS_HELP)
    password = forms.CharField(label=PASSWORD_LABEL, widget=forms.PasswordInput, max_length=128)

    def clean_carriers(self):
        return split_numbers(self.cleaned_data["carriers"])


class FacilityForm(NoControlCharsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    licence_number = forms.CharField(label=_("Licence number"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=300)
    valid_until = forms.DateField(label=_("Designation valid until"), widget=forms.DateInput(attrs={"type": "date"}))
