from django import forms
from django.utils.translation import gettext_lazy as _

from carriers.forms import NoControlCharsMixin, typed_when_long

from . import selectors
from .models import ContainerAccess, Inventory

PASSWORD_HELP = _("You sign with it: enter your password again.")


def _person_label(user) -> str:
    person = getattr(user, "person", None)
    return f"{person.full_name} ({user.username})" if person else user.username


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{_person_label(user)} · {user.person.clearance_label}"


class CarrierField(forms.ModelChoiceField):
    def label_from_instance(self, carrier):
        return f"{carrier.registry_number} · {carrier.marking} · {carrier.title}"


class CarriersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, carrier):
        return f"{carrier.registry_number} · {carrier.marking} · {carrier.title}"


class ContainerField(forms.ModelChoiceField):
    def label_from_instance(self, container):
        return f"{container.code} {container.name} · {container.get_kind_display()} · {container.get_max_level_display()}"


class AccessForm(NoControlCharsMixin, forms.Form):
    action = forms.ChoiceField(label=_("What was done"), choices=ContainerAccess.Action.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class StoreForm(NoControlCharsMixin, forms.Form):
    """Put a carrier into this container (the container is the page's)."""

    carrier = CarrierField(label=_("Carrier"), queryset=None,
                           help_text=_("A carrier you hold (the secrecy office: any of the unit's)."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = selectors.storable_carriers(user=user)
        typed_when_long(self, "carrier")


class RetentionForm(NoControlCharsMixin, forms.Form):
    carrier = CarrierField(label=_("Carrier"), queryset=None, help_text=_("A carrier you hold in custody."))
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    ends_on = forms.DateField(label=_("Back in a container by"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = selectors.retainable_carriers(user=user)
        typed_when_long(self, "carrier")


class FilingForm(NoControlCharsMixin, forms.Form):
    archive = forms.ModelChoiceField(label=_("Archives"), queryset=None)
    carriers = CarriersField(label=_("Carriers"), queryset=None, widget=forms.CheckboxSelectMultiple,
                             help_text=_("Carriers you hold, to file."))
    declared_count = forms.IntegerField(label=_("Count"), min_value=1, max_value=100000,
                                        help_text=_("Count the carriers you hand over: the count must match the list."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    password = forms.CharField(label=_("Your password (signature)"), widget=forms.PasswordInput, max_length=128,
                               help_text=PASSWORD_HELP)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archive"].queryset = selectors.visible_archives(user=user).filter(is_active=True)
        self.fields["carriers"].queryset = selectors.storable_carriers(user=user).filter(
            holder_id=user.pk, status="in_custody")
        typed_when_long(self, "carriers")
        self.fields["carriers"].scan_action = "filing"  # the scan box (dashboard/scanning.py)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["archive_id"] = data.pop("archive").pk
        data["carriers"] = list(data["carriers"])
        return data


class AcceptFilingForm(NoControlCharsMixin, forms.Form):
    counted_count = forms.IntegerField(label=_("Your count"), min_value=0, max_value=100000)
    password = forms.CharField(label=_("Your password (signature)"), widget=forms.PasswordInput, max_length=128,
                               help_text=PASSWORD_HELP)


class ArchiveForm(NoControlCharsMixin, forms.Form):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    keeper = PersonField(label=_("Archives keeper"), queryset=None)
    container = ContainerField(label=_("Archives container"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keeper"].queryset = selectors.keeper_choices(user=user)
        self.fields["container"].queryset = selectors.storable_containers(user=user)


class InventoryForm(NoControlCharsMixin, forms.Form):
    scope = forms.ChoiceField(label=_("What to check"), choices=Inventory.Scope.choices)
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False,
                                        help_text=_("For a department's inventory."))
    container = ContainerField(label=_("Container"), queryset=None, required=False,
                               help_text=_("For a container's inventory."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = selectors.inventory_departments(user=user)
        self.fields["container"].queryset = selectors.storable_containers(user=user)


class ScanForm(NoControlCharsMixin, forms.Form):
    """Built for a barcode scanner that types the registry number followed by Enter."""

    registry_number = forms.CharField(
        label=_("Registry number"), max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false",
                                      "inputmode": "text", "class": "scan"}),
        help_text=_("Scan the label (or type the number and press Enter)."),
    )
    container = ContainerField(label=_("Seen in"), queryset=None, required=False, empty_label=_("Not in a container (with a person)"),
                               help_text=_("Kept for the next scans."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["container"].queryset = selectors.storable_containers(user=user)


class CloseForm(NoControlCharsMixin, forms.Form):
    password = forms.CharField(label=_("Your password (first signature)"), widget=forms.PasswordInput,
                               max_length=128, help_text=PASSWORD_HELP)
    second_signer = PersonField(label=_("Second signer"), queryset=None, required=False,
                                help_text=_("Another person, present, who signs with you."))
    second_password = forms.CharField(label=_("Second signer's password"), widget=forms.PasswordInput,
                                      max_length=128, required=False)
    second_otp = forms.CharField(label=_("Second signer's one-time code"), max_length=12, required=False,
                                 help_text=_("Only if they have enrolled an authenticator."))
    remedial_measures = forms.CharField(
        label=_("Remedial measures"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For missing carriers: what was done at once (recorded on each loss incident)."),
    )
    reported_to = forms.CharField(label=_("Reported to"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["second_signer"].queryset = selectors.second_signer_choices(user=user)
        self.order_fields(["password", "otp", "second_signer", "second_password", "second_otp"])

    def service_arguments(self) -> dict:
        from audit.services import SigningSecret

        data = dict(self.cleaned_data)
        data["second_password"] = SigningSecret(data.get("second_password") or "", otp=data.pop("second_otp", ""))
        return data


def container_choice(user, value):
    """The scan page's sticky container (?container=<id>), if the user may use it."""
    try:
        return selectors.storable_containers(user=user).filter(pk=int(value)).first()
    except (TypeError, ValueError, OverflowError):
        return None

