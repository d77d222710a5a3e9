"""Forms of the list of secret matters and of the classifiers (kept by the secrecy office)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from common import access
from common.levels import Level

from .forms import NoControlCharsMixin, PersonChoiceField


class MatterItemForm(NoControlCharsMixin, forms.Form):
    code = forms.CharField(label=_("Item number"), max_length=32)
    title_zh = forms.CharField(label=_("Matter (Chinese)"), max_length=300)
    title_en = forms.CharField(label=_("Matter (English)"), max_length=300, required=False)
    level = forms.TypedChoiceField(label=_("Highest level it fixes"), choices=Level.choices, coerce=int)
    secrecy_years = forms.IntegerField(label=_("Secrecy period it fixes (years)"), min_value=1, max_value=100,
                                       required=False)


class ReasonForm(NoControlCharsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class RevokeForm(NoControlCharsMixin, forms.Form):
    """Revoking a designation is signed: the reason, the password again (and the one-time code)."""

    reason = forms.CharField(label=_("Reason"), max_length=2000)
    password = forms.CharField(label=_("Your password (signature)"), widget=forms.PasswordInput, max_length=128)


class DesignationForm(NoControlCharsMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=None)
    max_level = forms.TypedChoiceField(label=_("Highest level of their authority"), choices=Level.choices, coerce=int)
    reference = forms.CharField(label=_("Designation document"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = access.restrict(
            get_user_model().objects.select_related("person"), user).order_by("person__employee_number")
        self.fields["user"].label_from_instance = PersonChoiceField.label_from_instance.__get__(self.fields["user"])
