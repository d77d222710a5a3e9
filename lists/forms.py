"""The bulk actions' forms: what each action needs besides the selected rows, and the one
signature (password, and the one-time code where enrolled: carriers.forms.NoControlCharsMixin)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carriers.destruction import selectors as destruction_selectors
from carriers.destruction.models import Method, Route
from carriers.forms import NoControlCharsMixin

from . import selectors

PASSWORD_LABEL = _("Your password (one signature for the whole batch)")


def password_field():
    return forms.CharField(label=PASSWORD_LABEL, widget=forms.PasswordInput, max_length=128)


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        person = getattr(user, "person", None)
        return f"{person.full_name} ({user.username})" if person else user.username


class HandoverBulkForm(NoControlCharsMixin, forms.Form):
    taker = PersonField(label=_("Hand over to"), queryset=None,
                        help_text=_("They count the carriers and sign to take them."))
    declared_count = forms.IntegerField(label=_("Carriers counted"), min_value=0, max_value=selectors.MAX_SELECTED,
                                        help_text=_("Count the carriers you hand over."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    password = password_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taker"].queryset = selectors.taker_choices(user=user)


class InventoryBulkForm(NoControlCharsMixin, forms.Form):
    inventory = forms.ModelChoiceField(label=_("Inventory in progress"), queryset=None)
    password = password_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inventory"].queryset = selectors.open_inventories(user=user)
        self.fields["inventory"].label_from_instance = lambda inv: _(
            "Inventory %(number)s: %(scope)s, opened %(date)s") % {
            "number": inv.pk, "scope": inv.get_scope_display(), "date": f"{inv.opened_at:%Y-%m-%d}"}


class DestructionBulkForm(NoControlCharsMixin, forms.Form):
    """What a destruction request needs besides its carriers (the selected ones)."""

    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    route = forms.ChoiceField(label=_("Where"), choices=Route.choices,
                              initial=Route.IN_HOUSE, widget=forms.RadioSelect)
    facility = forms.ModelChoiceField(label=_("Designated destruction facility"), queryset=None, required=False,
                                      help_text=_("Batches go to a designated facility."))
    password = password_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = destruction_selectors.facilities_for_request(user=user)


class AcknowledgeBulkForm(NoControlCharsMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False)
    password = password_field()


FORMS = {"handover": HandoverBulkForm, "inventory": InventoryBulkForm, "destruction": DestructionBulkForm,
         "acknowledge": AcknowledgeBulkForm}
