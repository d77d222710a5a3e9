"""Classification levels (密级). Stored as small integers so that "at or above" is one SQL
comparison; the API speaks the glossary identifiers (TOP_SECRET, SECRET, CONFIDENTIAL)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.IntegerChoices):
    CONFIDENTIAL = 1, pgettext_lazy("classification level", "Confidential")
    SECRET = 2, pgettext_lazy("classification level", "Secret")
    TOP_SECRET = 3, pgettext_lazy("classification level", "Top Secret")


LEVEL_CODES = {level.value: level.name for level in Level}
LEVEL_BY_CODE = {level.name: level.value for level in Level}

# The marking text uses the statutory Chinese words whatever the interface language.
LEVEL_ZH = {Level.CONFIDENTIAL: "秘密", Level.SECRET: "机密", Level.TOP_SECRET: "绝密"}
LEVEL_EN = {Level.CONFIDENTIAL: "Confidential", Level.SECRET: "Secret", Level.TOP_SECRET: "Top Secret"}

NO_CLEARANCE = 0
CLEARANCE_LABELS = {0: _("No clearance"), **{level.value: level.label for level in Level}}
