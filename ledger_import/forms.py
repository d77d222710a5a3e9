from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import rules


class UploadForm(forms.Form):
    file = forms.FileField(label=_("The ledger (Excel .xlsx or CSV)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, names) in rules.FIELDS.items():
            self.fields[f"map_{name}"] = forms.CharField(
                label=label, required=False, max_length=200,
                # the usual column name is Chinese in both languages: marked as such, so a reader (and a
                # screen reader) of the English page knows it is a name to look for, not untranslated text
                help_text=mark_safe(gettext("Column of the file (empty: recognised by its name, e.g. “%(name)s”).")
                                    % {"name": format_html('<span lang="zh-Hans">{}</span>', names[0])}),
            )

    def mapping(self) -> dict:
        return {name: self.cleaned_data.get(f"map_{name}", "").strip() for name in rules.FIELDS}


class ImportForm(forms.Form):
    password = forms.CharField(label=_("Your password, to sign the batch"), widget=forms.PasswordInput, max_length=256)
