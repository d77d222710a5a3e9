"""Receivers: every failed login, token request, signing or password check reaches the audit trail
(after django-axes, connected first, has counted it)."""

import logging

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

log = logging.getLogger(__name__)

FACTOR_SENDER = "accounts.factors"  # a wrong code: audited there as account.factor_failed


@receiver(user_login_failed, dispatch_uid="accounts.record_login_failure")
def record_login_failure(sender, credentials=None, request=None, **kwargs):
    from . import lockout, services

    username = str((credentials or {}).get("username") or "")[:150]
    try:
        services.record_login_failure(
            username=username, channel=lockout.channel_of(request),
            ip=lockout.client_ip(request) if request is not None else None,
            actor=getattr(request, "accounts_actor", None), audit_failure=sender != FACTOR_SENDER,
        )
    except Exception:  # the refusal itself must still be answered; the failure to record is logged loudly
        log.exception("could not record a failed login on the audit trail")
