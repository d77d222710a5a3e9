from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from carriers.forms import NoControlCharsMixin

from .models import Incident, IncidentStep


class IncidentReportForm(NoControlCharsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What kind of incident"), choices=Incident.Kind.choices)
    summary = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Describe what happened; never write the secret content itself."))
    occurred_at = forms.DateTimeField(label=_("When it happened (or was noticed)"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    carriers = forms.CharField(label=_("Carriers concerned (registry numbers)"), required=False, max_length=2000,
                               help_text=_("Separate several registry numbers with spaces or commas."))
    last_seen = forms.CharField(label=_("When and where last seen"), max_length=500, required=False)
    concerns = forms.ModelChoiceField(label=_("Person concerned"), required=False, queryset=get_user_model().objects.none(),
                                      help_text=_("Whose act it was, if known: your own or someone else's."))
    remedial_measures = forms.CharField(label=_("What you have already done to limit the harm"), required=False,
                                        max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    anonymous = forms.BooleanField(label=_("Report anonymously to the secrecy office"), required=False,
                                   help_text=_("Your name is recorded nowhere; you will not see the report afterwards."))

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["concerns"].queryset = people
            self.fields["concerns"].label_from_instance = lambda u: getattr(getattr(u, "person", None), "full_name", u.username)

    def clean_carriers(self):
        raw = self.cleaned_data.get("carriers", "")
        return [n for n in raw.replace(",", " ").split() if n]


class IncidentStepForm(NoControlCharsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What was done"), choices=[c for c in IncidentStep.Kind.choices if c[0] != "close"])
    text = forms.CharField(label=_("Details"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    happened_at = forms.DateTimeField(label=_("When"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class IncidentCloseForm(NoControlCharsMixin, forms.Form):
    conclusion = forms.CharField(label=_("Conclusion"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    password = forms.CharField(label=_("Your password (signature)"), max_length=256,
                               widget=forms.PasswordInput(render_value=False))
