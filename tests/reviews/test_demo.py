"""The demo (common.demo.seed) makes the data of issue 19 through the services: the list of secret
matters and classifiers cited by carriers, a hold in force and one lifted, an open holdings review
with answers and a spot check with a carrier found."""

from carriers.holds.models import Hold
from carriers.models import Carrier, Classifier, SecretMatterItem
from carriers.reviews.models import HoldingsReview, ReviewLine, SpotCheckLine
from common import demo


def test_the_demo_has_holds_basis_reviews_and_spot_checks(db):
    demo.seed()
    assert SecretMatterItem.objects.count() == 3 and Classifier.objects.filter(revoked_at__isnull=True).count() == 2
    assert Carrier.objects.filter(basis_kind="matter_item").count() >= 20
    assert Hold.objects.filter(lifted_at__isnull=True).count() == 1 and Hold.objects.filter(lifted_at__isnull=False).count() == 1
    assert HoldingsReview.objects.filter(closed_at__isnull=True).count() == 1
    assert ReviewLine.objects.exclude(answer="").count() == 3
    assert SpotCheckLine.objects.filter(found_at__isnull=False).count() == 1
