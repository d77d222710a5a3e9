"""Confidentiality by construction (issue 13): every model that names a carrier, a person or an
approval request has an access policy registered by its own app, the gate fails closed for a model
nobody registered, and common/ imports no domain app."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from common import access

ROOT = Path(__file__).resolve().parent.parent.parent
# the models everything else points at; a row with a foreign key to one of them can name a carrier,
# a person or a request and so needs a policy
SENSITIVE = {"carriers.carrier", settings.AUTH_USER_MODEL.lower(), "personnel.person", "approvals.approvalrequest"}
# framework tables that are not the registry's data and never served by it
FRAMEWORK_APPS = {"admin", "auth", "contenttypes", "sessions", "guardian", "authtoken", "axes", "knox",
                  "otp_totp", "otp_static", "django_otp"}


def _points_at_sensitive(model) -> bool:
    for field in model._meta.get_fields():
        if isinstance(field, (models.ForeignKey, models.OneToOneField, models.ManyToManyField)) and not field.auto_created:
            if field.related_model is not None and field.related_model._meta.label_lower in SENSITIVE:
                return True
    return False


def _project_models():
    for model in apps.get_models(include_auto_created=False):
        if model._meta.app_config.label in FRAMEWORK_APPS:
            continue
        yield model


def test_every_model_naming_a_carrier_person_or_request_has_a_registered_policy():
    registered = set(access._POLICIES)
    missing = sorted(
        model._meta.label_lower
        for model in _project_models()
        if (_points_at_sensitive(model) or model._meta.label_lower in SENSITIVE)
        and model._meta.label_lower not in registered
    )
    assert not missing, f"models without a registered access policy (add them to their app's policy.py): {missing}"
    # and no central table of restrictors is left behind
    assert not (ROOT / "common" / "legacy_access.py").exists()


def test_user_model_has_a_policy():
    assert settings.AUTH_USER_MODEL.lower() in access._POLICIES


def test_the_gate_fails_closed_for_a_model_nobody_registered(org):
    from django.contrib.contenttypes.models import ContentType

    assert ContentType._meta.label_lower not in access._POLICIES
    assert not access.restrict(ContentType.objects.all(), org.secretary).exists()


def test_registering_a_model_twice_is_refused():
    with pytest.raises(RuntimeError):
        access.register("carriers.carrier", lambda queryset, user: queryset)


def test_unknown_action_is_refused(org):
    with pytest.raises(ValueError):
        access.can(org.secretary, "no_such_action")


def test_common_imports_no_domain_app():
    domain = {"carriers", "personnel", "approvals", "audit", "alerts", "meetings", "incidents", "registers", "accounts"}
    offenders = []
    for path in sorted((ROOT / "common").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in domain:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert not offenders, "\n".join(offenders)
