"""The registers app's access policy (registers/policy.py): every model registered with the gate;
a background export or chain verification is seen by whoever asked for it, nobody else."""

from django.apps import apps

from common import access
from registers.models import ChainVerification, RegisterExport


def test_every_model_of_the_app_has_a_policy():
    for model in apps.get_app_config("registers").get_models():
        assert access.policy_for(model) is not None, model


def test_jobs_are_seen_by_whoever_asked_for_them(org):
    export = RegisterExport.objects.create(requester=org.secretary, register="carrier-ledger", language="en")
    check = ChainVerification.objects.create(requester=org.auditor)
    assert list(access.restrict(RegisterExport.objects.all(), org.secretary)) == [export]
    assert list(access.restrict(ChainVerification.objects.all(), org.auditor)) == [check]
    for who in ("clerk", "auditor", "other_secretary", "departed"):
        assert not access.restrict(RegisterExport.objects.all(), getattr(org, who)).exists(), who
    for who in ("secretary", "clerk", "departed"):
        assert not access.restrict(ChainVerification.objects.all(), getattr(org, who)).exists(), who
