"""Which registry accounts come from the organisation's directory, and the runs of its sync."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectoryAccount(models.Model):
    """A registry account whose password the directory checks and whose name, employee number,
    e-mail and department the sync keeps (never its secrecy post or roles: the registry decides)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="directory_account", verbose_name=_("user")
    )
    dn = models.CharField(_("directory entry (DN)"), max_length=1000)
    groups = models.JSONField(_("directory groups"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen in the directory"), null=True, blank=True)
    # set when the sync closed the account (gone from or disabled in the directory)
    closed_at = models.DateTimeField(_("closed by the sync at"), null=True, blank=True)
    closed_reason = models.CharField(_("why the sync closed it"), max_length=32, blank=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("directory account")
        verbose_name_plural = _("directory accounts")

    def __str__(self) -> str:
        return self.dn[:200]


class SyncRun(models.Model):
    """One run of the scheduled sync: what it changed, or why the directory could not be read
    (then it changed nothing)."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    ok = models.BooleanField(_("succeeded"))
    error = models.CharField(_("error"), max_length=500, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("directory sync run")
        verbose_name_plural = _("directory sync runs")

    def __str__(self) -> str:
        return f"directory sync {self.started_at:%Y-%m-%d %H:%M}"
