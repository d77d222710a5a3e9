"""Issue 17, item 5: closing an account is signed by the system administrator (password, plus the
one-time code where enrolled), in the API and on the page; without it nothing changes."""

from django.contrib.auth import get_user_model
from django.test import Client

from audit.models import Signature
from tests.factories import PASSWORD, enrol_totp, totp_code

from .conftest import api, snapshot


def _page(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _active(user):
    return get_user_model().objects.get(pk=user.pk).is_active


def test_deactivating_an_account_is_signed(org, admins):
    user = org.staff_none
    url = f"/api/v1/administration/people/{user.pk}/deactivate/"
    before = snapshot()
    for unsigned in ({"reason": "leave"}, {"reason": "leave", "password": "not-the-password"}):
        refused = api(admins.sys).post(url, unsigned, format="json")
        assert refused.status_code == 400 and "password" in refused.json(), refused.content
    refused = _page(admins.sys).post(f"/administration/people/{user.pk}/deactivate/", {"reason": "leave"})
    assert refused.status_code == 400 and 'type="password"' in refused.content.decode()
    assert snapshot()[1:] == before[1:] and _active(user)
    done = api(admins.sys).post(url, {"reason": "leave", "password": PASSWORD}, format="json")
    assert done.status_code == 200, done.content
    assert not _active(user)
    assert list(Signature.objects.filter(target_type="personnel.person", target_id=str(user.person.pk))
                .values_list("signer_id", "meaning")) == [(admins.sys.pk, "witnessed")]


def test_the_page_signs_with_the_code_of_an_enrolled_administrator(org, admins):
    device = enrol_totp(admins.sys)
    user = org.staff_none
    page = _page(admins.sys)
    refused = page.post(f"/administration/people/{user.pk}/deactivate/", {"reason": "leave", "password": PASSWORD})
    assert refused.status_code == 400 and _active(user)
    done = page.post(f"/administration/people/{user.pk}/deactivate/",
                     {"reason": "leave", "password": PASSWORD, "otp": totp_code(device)})
    assert done.status_code == 302 and not _active(user)
