from django import forms
from django.utils.translation import gettext_lazy as _

from .checks import kind_choices
from .models import Alert, Severity


class AlertFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False,
                                 choices=[("", _("Any severity")), *Severity.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("active", _("Open or acknowledged")), *Alert.Status.choices, ("", _("Any status"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *kind_choices()]


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False,
                              widget=forms.TextInput(attrs={"size": 40}))
    # a broken audit chain is closed only by an auditor's signature (alerts.services): the password
    # (and the one-time code, where enrolled) typed to sign; ignored for every other alert
    password = forms.CharField(label=_("Password"), required=False, strip=False, widget=forms.PasswordInput)
    otp = forms.CharField(label=_("One-time code"), max_length=16, required=False)
