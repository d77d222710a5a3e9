from django import forms
from django.utils.translation import gettext_lazy as _

from carriers.forms import NoControlCharsMixin, typed_when_long
from common.levels import Level

from . import selectors
from .models import MeetingCopy

PASSWORD_HELP = _("You sign with it: enter your password again.")


def _person_label(user) -> str:
    person = getattr(user, "person", None)
    return f"{person.full_name} ({user.username})" if person else user.username


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{_person_label(user)} · {user.person.clearance_label}"


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        department = f" · {user.person.department.name}" if user.person.department_id else ""
        return f"{_person_label(user)}{department} · {user.person.clearance_label}"


class CarrierField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, carrier):
        return f"{carrier.registry_number} · {carrier.copy_number} · {carrier.marking} · {carrier.title}"


def _password():
    return forms.CharField(label=_("Your password (signature)"), widget=forms.PasswordInput, max_length=128,
                           help_text=PASSWORD_HELP)


def _count():
    return forms.IntegerField(label=_("Count"), min_value=1, max_value=100000,
                              help_text=_("Count the copies: the count must match the list."))


class VenueForm(NoControlCharsMixin, forms.Form):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    max_level = forms.TypedChoiceField(label=_("Approved up to"), choices=Level.choices, coerce=int)
    approval_reference = forms.CharField(
        label=_("Approval reference"), max_length=100, required=False,
        help_text=_("The number of the document approving this venue; empty while it is not approved."),
    )


class MeetingForm(NoControlCharsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    level = forms.TypedChoiceField(label=_("Classification level"), choices=Level.choices, coerce=int)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=None,
                                   help_text=_("Venues the secrecy office approved; each up to its level."))
    purpose = forms.CharField(label=_("Purpose"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    attendees = PeopleField(
        label=_("Attendees"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Only active people whose clearance reaches the meeting's level may attend."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = selectors.venue_choices(user=user)
        self.fields["attendees"].queryset = selectors.attendee_choices(user=user)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["attendees"] = list(data["attendees"])
        return data


# --- the actions on the meeting page; each form has its own prefix (one page, several forms) -----


class MeetingActionForm(NoControlCharsMixin, forms.Form):
    def __init__(self, *args, user, meeting, **kwargs):
        kwargs.setdefault("prefix", self.prefix_name)
        self.user, self.meeting = user, meeting
        super().__init__(*args, **kwargs)

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)


class AttendeesForm(MeetingActionForm):
    prefix_name = "attendees"
    attendees = PeopleField(label=_("Add attendees"), queryset=None, widget=forms.CheckboxSelectMultiple,
                            help_text=_("Only active people whose clearance reaches the meeting's level may attend."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        listed = [a.user_id for a in self.meeting.attendees.all()]
        self.fields["attendees"].queryset = selectors.attendee_choices(user=self.user).exclude(pk__in=listed)

    def service_arguments(self) -> dict:
        return {"users": list(self.cleaned_data["attendees"])}


class RemoveAttendeeForm(MeetingActionForm):
    prefix_name = "remove"
    attendee = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["attendee"].queryset = get_user_model().objects.filter(
            pk__in=[a.user_id for a in self.meeting.attendees.all()])

    def service_arguments(self) -> dict:
        return {"user": self.cleaned_data["attendee"]}


class SubmitForm(MeetingActionForm):
    prefix_name = "submit"
    purpose = forms.CharField(label=_("Purpose (for the approvers)"), max_length=1000, required=False)


class SignInForm(MeetingActionForm):
    prefix_name = "signin"
    attendee = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        # anyone of the unit: the rule refuses, with the reason, who is not on the list
        self.fields["attendee"].queryset = get_user_model().objects.filter(
            pk__in=selectors.attendee_choices(user=self.user).values("pk"))

    def service_arguments(self) -> dict:
        return {"user": self.cleaned_data.get("attendee")}


class DistributeForm(MeetingActionForm):
    prefix_name = "distribute"
    attendee = PersonField(label=_("To attendee"), queryset=None,
                           help_text=_("Copies are handed only to attendees on the approved list who signed in."))
    carriers = CarrierField(label=_("Copies"), queryset=None, widget=forms.CheckboxSelectMultiple,
                            help_text=_("Numbered copies you hold, at or below the meeting's level."))
    declared_count = _count()
    password = _password()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["attendee"].queryset = get_user_model().objects.filter(
            pk__in=selectors.attendee_choices(user=self.user).values("pk")).select_related("person")
        self.fields["carriers"].queryset = selectors.distributable_carriers(user=self.user, meeting=self.meeting)
        typed_when_long(self, "carriers")
        self.fields["carriers"].scan_action = "meeting"  # the scan box (dashboard/scanning.py)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["carriers"] = list(data["carriers"])
        return data


class ReceiveForm(MeetingActionForm):
    prefix_name = "receive"
    handover = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    counted_count = forms.IntegerField(label=_("Your count"), min_value=0, max_value=100000)
    container = forms.ModelChoiceField(label=_("Container"), queryset=None, required=False,
                                       help_text=_("For copies coming back or kept by the unit: where they are kept."))
    password = _password()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["container"].queryset = selectors.receiving_containers(user=self.user)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["handover_id"] = data.pop("handover")
        return data


def _my_carriers(form, states):
    ids = [c.carrier_id for c in selectors.my_copies(user=form.user, meeting=form.meeting, states=states)]
    from carriers import selectors as carrier_selectors

    return carrier_selectors.visible_carriers(user=form.user).filter(pk__in=ids).order_by("registry_number")


class ReturnForm(MeetingActionForm):
    prefix_name = "return"
    carriers = CarrierField(label=_("Copies to hand back"), queryset=None, widget=forms.CheckboxSelectMultiple)
    declared_count = _count()
    password = _password()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carriers"].queryset = _my_carriers(
            self, (MeetingCopy.State.RECEIVED, MeetingCopy.State.KEEP_APPROVED))
        self.fields["carriers"].scan_action = "return"

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["carriers"] = list(data["carriers"])
        return data


class PassToUnitForm(ReturnForm):
    prefix_name = "pass"
    taker = PersonField(label=_("Secrecy office member"), queryset=None,
                        help_text=_("Kept copies pass to the custody of your unit's secrecy office."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carriers"].label = _("Copies you may keep")
        self.fields["carriers"].queryset = _my_carriers(self, (MeetingCopy.State.KEEP_APPROVED,))
        self.fields["taker"].queryset = selectors.office_choices(user=self.user)


class KeepForm(MeetingActionForm):
    prefix_name = "keep"
    carriers = CarrierField(label=_("Copies the attendee may keep"), queryset=None, widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("Why"), max_length=500)
    password = _password()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from carriers import selectors as carrier_selectors

        ids = [c.carrier_id for c in self.meeting.visible_copies if c.state == MeetingCopy.State.RECEIVED]
        self.fields["carriers"].queryset = (carrier_selectors.visible_carriers(user=self.user).filter(pk__in=ids)
                                            .order_by("registry_number"))

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["carriers"] = list(data["carriers"])
        return data


class WithdrawForm(MeetingActionForm):
    prefix_name = "withdraw"
    handover = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    reason = forms.CharField(label=_("Why"), max_length=300)

    def service_arguments(self) -> dict:
        return {"handover_id": self.cleaned_data["handover"], "reason": self.cleaned_data["reason"]}


class CloseForm(MeetingActionForm):
    prefix_name = "close"
    missing = CarrierField(
        label=_("Declare missing"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Copies still with an attendee that cannot be found: they become lost and the secrecy office is alerted at once."),
    )
    missing_note = forms.CharField(label=_("What is known of the missing copies"), max_length=500, required=False)
    report_incident = forms.BooleanField(label=_("Also report a loss incident"), required=False)
    password = _password()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from carriers import selectors as carrier_selectors

        ids = [c.carrier_id for c in self.meeting.visible_copies
               if c.state in (MeetingCopy.State.RECEIVED, MeetingCopy.State.KEEP_APPROVED)]
        self.fields["missing"].queryset = (carrier_selectors.visible_carriers(user=self.user).filter(pk__in=ids)
                                           .order_by("registry_number"))

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["missing"] = [c.pk for c in data["missing"]]
        return data
