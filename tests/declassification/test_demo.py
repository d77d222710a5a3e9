"""The secrecy-period demo data is made through the services: one review applied, one waiting,
one condition recorded as met."""

from carriers.declassification.demo import seed_declassification
from carriers.declassification.models import ConditionMet, DeclassificationReview


def test_seed_declassification(org, periods):
    assert seed_declassification(vars(org), org.password) == 2
    assert sorted(DeclassificationReview.objects.values_list("status", flat=True)) == ["applied", "submitted"]
    assert ConditionMet.objects.filter(carrier=periods.condition, closed_at__isnull=True).exists()
