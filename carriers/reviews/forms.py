from django import forms
from django.utils.translation import gettext_lazy as _

from carriers.forms import NoControlCharsMixin
from common.levels import Level

from . import rules
from .models import ReviewLine


class OpenReviewForm(NoControlCharsMixin, forms.Form):
    days = forms.IntegerField(label=_("Days the holders have to answer"), min_value=1,
                              max_value=rules.MAX_REVIEW_DAYS, initial=30)
    note = forms.CharField(label=_("Note to the holders"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(NoControlCharsMixin, forms.Form):
    answer = forms.ChoiceField(label=_("Answer"), choices=ReviewLine.Answer.choices)
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False,
                             help_text=_("Required to keep a carrier: why you still need it."))


class DrawForm(NoControlCharsMixin, forms.Form):
    """How many carriers of each level to draw."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level in Level:
            self.fields[f"level_{level.value}"] = forms.IntegerField(
                label=_("Carriers classified %(level)s") % {"level": level.label}, min_value=0,
                max_value=rules.MAX_SAMPLE, initial=0, required=False)

    def strata(self) -> dict:
        return {level.value: self.cleaned_data.get(f"level_{level.value}") or 0 for level in Level}


class ScanForm(NoControlCharsMixin, forms.Form):
    registry_number = forms.CharField(label=_("Registry number (scan the label)"), max_length=40,
                                      widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))
