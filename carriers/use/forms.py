from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carriers import selectors as carrier_selectors
from carriers.forms import NoControlCharsMixin, typed_when_long
from common.levels import Level

from . import selectors, services
from .models import ReadingPlace

PASSWORD_HELP = _("You sign with it: enter your password again.")


def _password():
    return forms.CharField(label=_("Your password (signature)"), widget=forms.PasswordInput, max_length=128,
                           help_text=PASSWORD_HELP)


class CarrierChoice(forms.ModelChoiceField):
    def label_from_instance(self, carrier):
        return f"{carrier.registry_number} · {carrier.marking} · {carrier.title}"


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        person = user.person
        department = f" · {person.department.name}" if person.department_id else ""
        return f"{person.full_name} ({user.username}){department} · {person.clearance_label}"


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return PersonChoice.label_from_instance(None, user)


class PlaceChoice(forms.ModelChoiceField):
    def label_from_instance(self, place):
        return f"{place.name} · {place.get_kind_display()} · {place.get_max_level_display()}"


class ReadingPlaceForm(NoControlCharsMixin, forms.Form):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReadingPlace.Kind.choices)
    max_level = forms.TypedChoiceField(label=_("Approved up to"), choices=Level.choices, coerce=int)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class ReadingSessionForm(NoControlCharsMixin, forms.Form):
    carrier = CarrierChoice(label=_("Carrier"), queryset=None)
    reader = PersonChoice(label=_("Reader"), queryset=None,
                          help_text=_("Active, cleared for the carrier's level and within its distribution scope."))
    place = PlaceChoice(label=_("Reading place"), queryset=None,
                        help_text=_("An office or reading room approved for the carrier's level."))
    started_at = forms.DateTimeField(label=_("From"), required=False, help_text=_("Empty: now."),
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ended_at = forms.DateTimeField(label=_("Until"), required=False, help_text=_("Empty: still reading."),
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)
    rules_told = forms.BooleanField(
        label=_("I have told the reader: no recording, photographing or keeping, and no communicating it over devices without confidentiality guarantees."),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = selectors.usable_carriers(user=user)
        typed_when_long(self, "carrier")
        self.fields["reader"].queryset = selectors.people_choices(user=user)
        self.fields["place"].queryset = selectors.places_for_reading(user=user)


class CirculationForm(NoControlCharsMixin, forms.Form):
    carrier = CarrierChoice(label=_("Carrier"), queryset=None)
    readers = PeopleChoice(
        label=_("Readers, in order"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Each must be within the carrier's distribution scope and cleared for its level."),
    )
    order = forms.CharField(label=_("Order it goes round"), max_length=2000, required=False,
                            help_text=_("User names separated by commas, e.g. zhang, li, wang. Empty: the order of the list."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = selectors.usable_carriers(user=user)
        typed_when_long(self, "carrier")
        self.fields["readers"].queryset = selectors.people_choices(user=user)

    def clean(self):
        cleaned = super().clean()
        readers = list(cleaned.get("readers") or [])
        order = [name.strip() for name in (cleaned.get("order") or "").split(",") if name.strip()]
        if order:
            by_name = {user.username: user for user in readers}
            if sorted(order) != sorted(by_name):
                self.add_error("order", _("Name exactly the readers chosen, each once."))
            else:
                readers = [by_name[name] for name in order]
        cleaned["readers"] = readers
        return cleaned

    def service_arguments(self) -> dict:
        return {"carrier": self.cleaned_data["carrier"], "readers": self.cleaned_data["readers"],
                "note": self.cleaned_data["note"]}


class SignForm(NoControlCharsMixin, forms.Form):
    password = _password()


class LoanForm(NoControlCharsMixin, forms.Form):
    carrier = CarrierChoice(label=_("Carrier"), queryset=None)
    borrower = PersonChoice(label=_("Borrower"), queryset=None, required=False,
                            help_text=_("Secrecy office only: the person who showed their credential. Empty: yourself."))
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    due_on = forms.DateField(label=_("Due back on"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, office: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = selectors.borrowable_carriers(user=user, for_others=office)
        typed_when_long(self, "carrier")
        self.fields["carrier"].scan_action = "loan"  # the scan box (dashboard/scanning.py)
        if office:
            self.fields["borrower"].queryset = selectors.people_choices(user=user)
        else:
            del self.fields["borrower"]
        today = timezone.localdate()
        self.fields["due_on"].help_text = _("Empty: in %(default)d days. At most %(max)d days.") % {
            "default": services.loan_default_days(), "max": services.loan_max_days()}
        self.fields["due_on"].widget.attrs["min"] = today.isoformat()

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["borrower"] = data.get("borrower") or None
        return data


class CountSignForm(NoControlCharsMixin, forms.Form):
    counted_count = forms.IntegerField(label=_("Your count"), min_value=0, max_value=100000,
                                       help_text=_("Count what you hand over or receive."))
    password = _password()


class LendForm(NoControlCharsMixin, forms.Form):
    declared_count = forms.IntegerField(label=_("Count"), min_value=1, max_value=100000, initial=1,
                                        help_text=_("Count what you hand over."))
    password = _password()


class TakeBackForm(CountSignForm):
    container = forms.ModelChoiceField(label=_("Container"), queryset=None, help_text=_("Where you put it away."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["container"].queryset = carrier_selectors.containers_for_registration(user=user)


class ExtensionForm(NoControlCharsMixin, forms.Form):
    due_on = forms.DateField(label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CancelForm(NoControlCharsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
