from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.levels import CLEARANCE_LABELS, NO_CLEARANCE


class Bilingual:
    """A row named in both interface languages; `name` follows the active language."""

    @property
    def name(self) -> str:
        lang = (get_language() or "zh-hans").lower()
        return self.name_en if lang.startswith("en") and self.name_en else self.name_zh


class Unit(Bilingual, models.Model):
    """An organ or unit (机关、单位) and, below it, its departments: one tree."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("Unit")
        DEPARTMENT = "department", _("Department")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="unit", parent__isnull=True) | Q(kind="department", parent__isnull=False),
                name="unit_tree_shape",
                violation_error_message=_("A unit has no parent; a department belongs to a unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def top_unit(self) -> "Unit":
        node = self
        while node.parent_id is not None:
            node = node.parent
        return node


class Person(models.Model):
    """The profile of a user: where they work and which secrecy post they hold."""

    class SecrecyPost(models.TextChoices):
        CORE = "core", _("Core")
        IMPORTANT = "important", _("Important")
        GENERAL = "general", _("General")
        NONE = "none", _("Not secret-related")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DEPARTED = "departed", _("Departed")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="person", verbose_name=_("user")
    )
    full_name = models.CharField(_("full name"), max_length=100)
    employee_number = models.CharField(_("employee number"), max_length=32, unique=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="members", verbose_name=_("unit"),
        limit_choices_to={"kind": Unit.Kind.UNIT},
    )
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="staff", null=True, blank=True,
        verbose_name=_("department"), limit_choices_to={"kind": Unit.Kind.DEPARTMENT},
    )
    secrecy_post = models.CharField(
        _("secrecy post"), max_length=16, choices=SecrecyPost.choices, default=SecrecyPost.NONE
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    otp_secret = models.CharField(
        _("one-time code secret"), max_length=64, blank=True, editable=False,
        help_text=_("Set when the person enrols an authenticator; signing then also needs its code."),
    )

    class Meta:
        ordering = ["employee_number"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name

    @property
    def clearance(self) -> int:
        """Highest level this person may access (0: none). Departed people have none."""
        if self.status != self.Status.ACTIVE:
            return NO_CLEARANCE
        return settings.REGISTRY["CLEARANCE_BY_POST"].get(self.secrecy_post, NO_CLEARANCE)

    @property
    def clearance_label(self):
        return CLEARANCE_LABELS[self.clearance]
