import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common import access
from common.levels import Level
from personnel.models import Unit

from . import selectors
from .models import BasisKind, Carrier, Classifier, SecretMatterItem


class NoControlCharsMixin:
    """Refuses control characters in every text field. A form with a signing `password` also gets
    a one-time code field, and hands the services the password carrying that code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields and "otp" not in self.fields:
            self.fields["otp"] = forms.CharField(
                label=_("One-time code"), max_length=12, required=False,
                help_text=_("Only if you have enrolled an authenticator."),
                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            )

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str) and any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
                self.add_error(name, _("Control characters (such as NUL) are not allowed."))
        if "otp" in self.fields:
            otp = cleaned.pop("otp", "")
            if cleaned.get("password"):
                from audit.services import SigningSecret

                cleaned["password"] = SigningSecret(cleaned["password"], otp=otp)
        return cleaned


def split_numbers(text) -> list[str]:
    """Registry numbers as typed or scanned: one per line, or separated by spaces, commas or
    semicolons (Chinese ones too)."""
    return [n for n in re.split(r"[\s,;，；]+", text or "") if n]


class RegistryNumbersInput(forms.Textarea):
    """Registry numbers, one per line (a scanner types them): the data of a multiple carrier choice."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [number for value in values if isinstance(value, str) for number in split_numbers(value)]

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        if isinstance(value, (list, tuple)):
            return "\n".join(str(v) for v in value)
        return super().format_value(value)


def typed_when_long(form, name: str) -> None:
    """A carrier field offering more carriers than a person can pick from (a select of 100,000
    options took 30 s to draw at a large registry: bench/pages.py) becomes a box for registry
    numbers, typed or scanned (static/js/scan.js fills it), looked up on submission in the same
    choices (the field's queryset, through the gate), so nothing else changes: a number outside
    them is "not one of the available choices", whether it is missing or not visible."""
    field = form.fields[name]
    cap = int(settings.REGISTRY.get("CARRIER_CHOICE_CAP", 300))
    if field.queryset.order_by().values("pk")[: cap + 1].count() <= cap:
        return
    field.to_field_name = "registry_number"
    if isinstance(field, forms.ModelMultipleChoiceField):
        field.widget = RegistryNumbersInput(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"})
        hint = _("Registry numbers, one per line (a barcode scanner types them).")
    else:
        field.widget = forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"})
        hint = _("Registry number (scan the label)")
    field.help_text = format_lazy("{} {}", hint, field.help_text) if field.help_text else hint
    field.widget.is_required = field.required
    initial = form.initial.get(name)
    if isinstance(initial, (int, str)) and str(initial).isdigit():
        # a link that names the carrier by id (?carrier=12): shown as its number, when it is a choice
        form.initial[name] = field.queryset.filter(pk=int(initial)).values_list("registry_number", flat=True).first()


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        person = getattr(user, "person", None)
        return f"{person.full_name} ({user.username})" if person else user.username


class CarrierFactsForm(NoControlCharsMixin, forms.Form):
    """The facts every new carrier carries — kind, level, secrecy period — and its distribution
    scope within the unit; shared by registration and production requests."""

    SCOPE_FIELDS = ("scope_departments", "scope_people")

    kind = forms.ChoiceField(label=_("Kind"), choices=Carrier.Kind.choices)
    medium = forms.ChoiceField(
        label=_("Medium"), choices=[("", "—")] + list(Carrier.Medium.choices), required=False,
        help_text=_("Only for electronic media."),
    )
    level = forms.TypedChoiceField(label=_("Classification level"), choices=Level.choices, coerce=int)
    secrecy_years = forms.IntegerField(label=_("Secrecy period (years)"), min_value=0, max_value=100, required=False)
    secrecy_months = forms.IntegerField(label=_("Secrecy period (months)"), min_value=0, max_value=11, required=False)
    declassification_condition = forms.CharField(
        label=_("Declassification condition"), max_length=300, required=False,
        help_text=_("Instead of, or beyond, a period. Leave period and condition empty for the statutory longest period."),
    )
    scope_departments = forms.ModelMultipleChoiceField(
        label=_("Distribution scope: departments"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scope_people = PersonChoiceField(label=_("Distribution scope: people"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_departments"].queryset = access.restrict(
            Unit.objects.filter(kind=Unit.Kind.DEPARTMENT), user
        ).order_by("code")
        self.fields["scope_people"].queryset = access.restrict(
            get_user_model().objects.select_related("person"), user
        ).order_by("person__employee_number")

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["medium"] = data.get("medium") or ""
        for name in self.SCOPE_FIELDS:
            data[name] = list(data.get(name) or [])
        return data


class CarrierRegisterForm(CarrierFactsForm):
    field_order = [
        "kind", "medium", "is_coded_telegram", "title", "document_number", "originator", "level", "secrecy_years",
        "secrecy_months", "declassification_condition", "period_start", "basis_kind", "basis_item", "classifier",
        "classified_on", "copy_number", "copies_total", "container", "scope_departments", "scope_people", "password",
    ]

    is_coded_telegram = forms.BooleanField(label=_("Coded telegram"), required=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    originator = forms.CharField(label=_("Originator"), max_length=200)
    period_start = forms.DateField(
        label=_("Secrecy period starts"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today."),
    )
    copy_number = forms.CharField(label=_("Copy number"), max_length=6, required=False, help_text=_("Six digits, e.g. 000003."))
    copies_total = forms.IntegerField(label=_("Number of copies"), min_value=1, max_value=100000, initial=1)
    container = forms.ModelChoiceField(label=_("Container"), queryset=None)
    basis_kind = forms.ChoiceField(
        label=_("Basis of the level and period"), required=False,
        choices=[("", _("Received or already held: as its originator determined"))]
        + [c for c in BasisKind.choices if c[0] != BasisKind.PRODUCTION_APPROVAL],
        help_text=_("An original classification cites an item of the unit's list of secret matters and its classifier."),
    )
    basis_item = forms.ModelChoiceField(label=_("Item of the list of secret matters"), queryset=None, required=False)
    classifier = forms.ModelChoiceField(
        label=_("Classifier (person responsible for classification)"), queryset=None, required=False,
    )
    classified_on = forms.DateField(
        label=_("Classified on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today."),
    )
    password = forms.CharField(
        label=_("Your password (signature)"), widget=forms.PasswordInput, max_length=128,
        help_text=_("You sign this registration: enter your password again."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["container"].queryset = selectors.containers_for_registration(user=user)
        self.fields["basis_item"].queryset = access.restrict(
            SecretMatterItem.objects.filter(is_active=True), user).order_by("code")
        self.fields["classifier"].queryset = classifier_users(user)
        self.fields["classifier"].label_from_instance = PersonChoiceField.label_from_instance.__get__(
            self.fields["classifier"])

    def service_arguments(self) -> dict:
        data = super().service_arguments()
        for name in ("basis_kind", "basis_item", "classifier", "classified_on"):
            if not data.get(name):
                data.pop(name, None)
        return data


def classifier_users(user):
    """The people of the reader's unit designated as classifiers now."""
    designated = access.restrict(Classifier.objects.filter(revoked_at__isnull=True), user).values("user_id")
    return get_user_model().objects.filter(pk__in=designated).select_related("person").order_by(
        "person__employee_number")
