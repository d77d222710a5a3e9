"""The carrying demo data is made through the services and leaves one request in each state."""

from carriers.carrying.demo import seed_carrying
from carriers.carrying.models import CarryOutRequest


def test_seed_carrying(org, out):
    from tests.factories import register

    more = [register(org.secretary, container=org.cabinet, copy_number=f"00000{i}", scope_departments=[org.res])
            for i in (1, 2)]
    assert len(out + more) == 5
    assert seed_carrying(vars(org), org.password) == 3
    assert sorted(CarryOutRequest.objects.values_list("status", flat=True)) == ["carried_out", "returned", "submitted"]
    assert CarryOutRequest.objects.get(status="submitted").approval.status == "in_review"
