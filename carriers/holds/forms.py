from django import forms
from django.utils.translation import gettext_lazy as _

from carriers.forms import NoControlCharsMixin

from .models import Hold

MAX_NUMBERS = 5000


class HoldForm(NoControlCharsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Why the carriers are held"), choices=Hold.Kind.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to everyone who may open a held carrier, and in every refusal; never the secret content."),
    )
    carriers = forms.CharField(
        label=_("Carriers (registry numbers)"), max_length=200000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Separate several registry numbers with spaces, commas or new lines."),
    )
    incident = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1)

    def clean_carriers(self):
        raw = self.cleaned_data.get("carriers", "")
        numbers = list(dict.fromkeys(n for n in raw.replace(",", " ").split() if n))
        if not numbers:
            raise forms.ValidationError(_("List at least one carrier."))
        if len(numbers) > MAX_NUMBERS:
            raise forms.ValidationError(_("At most %(max)d carriers in one hold.") % {"max": MAX_NUMBERS})
        return numbers


class LiftForm(NoControlCharsMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is lifted"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    password = forms.CharField(
        label=_("Your password (signature)"), widget=forms.PasswordInput, max_length=128,
        help_text=_("You sign the lifting of this hold: enter your password again."),
    )
