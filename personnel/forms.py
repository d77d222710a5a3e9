"""HTML forms of the secrecy file, travel and departure pages; the same services as the API."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from carriers.forms import NoControlCharsMixin

from .models import Inspection, PassportMovement, Person, Pledge, TrainingRecord, TravelRequest

PASSWORD_LABEL = _("Your password (signature)")
DATE = forms.DateInput(attrs={"type": "date"})


def _password():
    return forms.CharField(label=PASSWORD_LABEL, max_length=256, widget=forms.PasswordInput(render_value=False))


class TrainingForm(NoControlCharsMixin, forms.Form):
    course = forms.CharField(label=_("Course"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    result = forms.ChoiceField(label=_("Result"), choices=TrainingRecord.Result.choices)
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=1, min_value=Decimal("0.1"),
                               max_value=Decimal("1000"))


class InspectionForm(NoControlCharsMixin, forms.Form):
    inspector = forms.CharField(label=_("Inspected by"), max_length=200)
    inspected_on = forms.DateField(label=_("Date"), widget=DATE)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Inspection.Outcome.choices)
    finding = forms.CharField(label=_("Finding"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PledgeForm(NoControlCharsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Pledge"), choices=Pledge.Kind.choices)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DATE)
    reference = forms.CharField(
        label=_("Where the paper original is kept"), max_length=100, required=False,
        help_text=_("Required when the secrecy office records a paper original."),
    )
    password = _password()


class PostForm(NoControlCharsMixin, forms.Form):
    secrecy_post = forms.ChoiceField(label=_("Secrecy post"), choices=Person.SecrecyPost.choices)
    since = forms.DateField(label=_("In the post since"), required=False, widget=DATE)
    password = _password()


class PassportForm(NoControlCharsMixin, forms.Form):
    direction = forms.ChoiceField(label=_("Movement"), choices=PassportMovement.Direction.choices)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    travel = forms.ModelChoiceField(label=_("For the trip"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, person, **kwargs):
        super().__init__(*args, **kwargs)
        from . import selectors

        self.fields["travel"].queryset = selectors.visible_travels(user=user).filter(traveller=person)


class TravelForm(NoControlCharsMixin, forms.Form):
    traveller = forms.ModelChoiceField(
        label=_("Traveller"), queryset=None, required=False,
        help_text=_("Leave empty for yourself. The secrecy office asks for people of its unit, also after they left "
                    "their post."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=TravelRequest.Kind.choices)
    destination = forms.CharField(label=_("Destination"), max_length=200)
    departs_on = forms.DateField(label=_("Departure date"), widget=DATE)
    returns_on = forms.DateField(label=_("Return date"), widget=DATE)
    purpose = forms.CharField(label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from . import selectors

        self.fields["traveller"].queryset = selectors.file_people(user=user).filter(
            secrecy_post__in=("core", "important", "general")).order_by("employee_number")


class TripForm(NoControlCharsMixin, forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DATE)
    came_back_on = forms.DateField(label=_("Came back on"), required=False, widget=DATE)


class DepartureForm(NoControlCharsMixin, forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person leaving"), queryset=None, required=False,
        help_text=_("Leave empty for yourself; the secrecy office asks for people of its unit."),
    )
    leaves_on = forms.DateField(label=_("Planned leaving date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    replacement = forms.ModelChoiceField(
        label=_("Replacement"), queryset=None, required=False,
        help_text=_("Takes over their approver roles and open approval steps."),
    )
    disengagement_months = forms.IntegerField(
        label=_("Disengagement period (months)"), min_value=0, max_value=120, required=False,
        help_text=_("Within the range for the post; empty: the longest (core 36, important 24, general 12 by "
                    "default)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        from common import access

        from . import selectors

        self.fields["person"].queryset = selectors.file_people(user=user).filter(
            status=Person.Status.ACTIVE, secrecy_post__in=("core", "important", "general")).order_by("employee_number")
        self.fields["replacement"].queryset = access.restrict(
            get_user_model().objects.filter(person__status=Person.Status.ACTIVE), user).order_by("username")


class CompleteForm(NoControlCharsMixin, forms.Form):
    password = _password()


class EndDisengagementForm(NoControlCharsMixin, forms.Form):
    password = _password()
