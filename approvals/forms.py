from django import forms
from django.utils.translation import gettext_lazy as _

from carriers.forms import NoControlCharsMixin
from common.levels import Level

from .models import PublicationReview


class ApproveForm(NoControlCharsMixin, forms.Form):
    reason = forms.CharField(label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    password = forms.CharField(label=_("Your password (signature)"), widget=forms.PasswordInput, max_length=128)


class RejectForm(NoControlCharsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the rejection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    password = forms.CharField(label=_("Your password (signature)"), widget=forms.PasswordInput, max_length=128)


class PublicationForm(NoControlCharsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    material_kind = forms.ChoiceField(label=_("Material"), choices=PublicationReview.MaterialKind.choices)
    outlet_type = forms.ChoiceField(label=_("Outlet"), choices=PublicationReview.Outlet.choices)
    outlet_name = forms.CharField(label=_("Outlet name"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    related_level = forms.TypedChoiceField(
        label=_("Highest level of the work it draws on"), choices=Level.choices, coerce=int
    )


class ReleaseForm(NoControlCharsMixin, forms.Form):
    note = forms.CharField(label=_("Release note"), max_length=300, required=False)
