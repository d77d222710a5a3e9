from django import forms
from django.utils.translation import gettext_lazy as _

from carriers import selectors as carrier_selectors
from carriers.forms import NoControlCharsMixin, typed_when_long

from . import selectors
from .models import Channel, DispatchDiscrepancy
from .rules import RESOLUTIONS_BY_KIND


def _person_label(user) -> str:
    person = getattr(user, "person", None)
    return f"{person.full_name} ({user.username})" if person else user.username


class RecipientField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        person = user.person
        department = f" · {person.department.name}" if person.department_id else ""
        return f"{_person_label(user)} · {person.unit.name}{department}"


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{_person_label(user)} · {user.person.clearance_label}"


class CarrierField(forms.ModelMultipleChoiceField):
    """Each carrier with its number, marking, title and the other units it may be sent to."""

    def label_from_instance(self, carrier):
        units = ", ".join(unit.code for unit in carrier.scope_units.all())
        reach = f" → {units}" if units else ""
        return f"{carrier.registry_number} · {carrier.marking} · {carrier.title}{reach}"


class ApprovalField(forms.ModelChoiceField):
    def label_from_instance(self, approval):
        until = f" · {approval.valid_until:%Y-%m-%d}" if approval.valid_until else ""
        return f"#{approval.pk} · {approval.title} · {approval.get_level_display()}{until}"


PASSWORD_HELP = _("You sign with it: enter your password again.")


class DispatchForm(NoControlCharsMixin, forms.Form):
    recipient = RecipientField(
        label=_("Recipient"), queryset=None,
        help_text=_("The secrecy office of the receiving unit, or a person of it named in the carriers' distribution scope."),
    )
    carriers = CarrierField(
        label=_("Carriers"), queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=_("Carriers you hold. After the arrow: the other units their distribution scope reaches."),
    )
    declared_count = forms.IntegerField(
        label=_("Count"), min_value=1, max_value=100000,
        help_text=_("Count the carriers you hand over: the count must match the list."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.CONFIDENTIAL_COURIER)
    is_abroad = forms.BooleanField(label=_("To an address abroad"), required=False)
    destination = forms.CharField(label=_("Destination"), max_length=200, required=False,
                                  help_text=_("For a dispatch abroad: country and address."))
    approval = ApprovalField(
        label=_("Approval for carrying abroad"), queryset=None, required=False,
        help_text=_("Abroad, unless the diplomatic courier carries it: an approved request, used once."),
    )
    courier = PersonField(label=_("Courier"), queryset=None, required=False,
                          help_text=_("Hand delivery only: the cleared staff member who carries them."))
    route = forms.CharField(label=_("Route and means of transport"), max_length=300, required=False,
                            help_text=_("Hand delivery only: a safe route and means of transport."))
    protective_measures = forms.CharField(
        label=_("Protective measures"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Hand delivery only: e.g. sealed case, two people, no stops on the way."),
    )
    note = forms.CharField(label=_("Note"), max_length=400, required=False)
    password = forms.CharField(label=_("Your password (signature)"), widget=forms.PasswordInput, max_length=128,
                               help_text=PASSWORD_HELP)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = selectors.recipient_choices(user=user)
        self.fields["carriers"].queryset = selectors.dispatchable_carriers(user=user)
        typed_when_long(self, "carriers")
        self.fields["carriers"].scan_action = "dispatch"  # the scan box (dashboard/scanning.py)
        self.fields["approval"].queryset = selectors.abroad_approvals(user=user)
        self.fields["courier"].queryset = selectors.courier_choices(user=user)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["carriers"] = list(data["carriers"])
        return data


class ReceiveForm(NoControlCharsMixin, forms.Form):
    carriers = CarrierField(
        label=_("Carriers that arrived"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Tick each listed carrier you have in hand."),
    )
    counted_count = forms.IntegerField(label=_("Your count"), min_value=0, max_value=100000,
                                       help_text=_("Count everything that arrived."))
    unexpected = forms.CharField(
        label=_("Unlisted items that arrived"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: its number, marking and a description."),
    )
    discrepancy_note = forms.CharField(
        label=_("Discrepancy note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the count or the items differ from the list: the difference is then recorded and both secrecy offices are told."),
    )
    container = forms.ModelChoiceField(label=_("Container"), queryset=None, required=False,
                                       help_text=_("Where you keep what arrived."))
    password = forms.CharField(label=_("Your password (signature)"), widget=forms.PasswordInput, max_length=128,
                               help_text=PASSWORD_HELP)

    def __init__(self, *args, user, dispatch, **kwargs):
        super().__init__(*args, **kwargs)
        listed = [line["carrier"].pk for line in selectors.carrier_lines(dispatch=dispatch)]
        self.fields["carriers"].queryset = (
            carrier_selectors.visible_carriers(user=user).filter(pk__in=listed).prefetch_related("scope_units")
            .order_by("registry_number")
        )
        self.fields["container"].queryset = selectors.receiving_containers(user=user)
        self.fields["carriers"].scan_action = "receipt"

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["carriers"] = [c.pk for c in data["carriers"]]
        data["unexpected"] = [line.strip() for line in data["unexpected"].splitlines() if line.strip()]
        return data


class ResolveForm(NoControlCharsMixin, forms.Form):
    resolution = forms.ChoiceField(label=_("Resolution"), choices=DispatchDiscrepancy.Resolution.choices)
    note = forms.CharField(label=_("How it was resolved"), max_length=500)
    container = forms.ModelChoiceField(label=_("Container"), queryset=None, required=False,
                                       help_text=_("For a carrier found: where you keep it."))
    password = forms.CharField(label=_("Your password (signature)"), widget=forms.PasswordInput, max_length=128)

    def __init__(self, *args, user, discrepancy, **kwargs):
        kwargs.setdefault("auto_id", f"id_d{discrepancy.pk}_%s")
        super().__init__(*args, **kwargs)
        allowed = RESOLUTIONS_BY_KIND[discrepancy.kind]
        self.fields["resolution"].choices = [c for c in DispatchDiscrepancy.Resolution.choices if c[0] in allowed]
        self.fields["container"].queryset = selectors.receiving_containers(user=user)
        self.discrepancy = discrepancy
