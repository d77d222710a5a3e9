"""Every action says what happened (issue 18, item 6): a successful form post of a registry page
that queued no message of its own shows a general one on the next page; one that says more keeps
only its own; the language switch and refused posts say nothing of the kind."""

from django.test import Client

DONE = "Done: the change is saved and recorded."


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_action_without_its_own_message_gets_the_general_one(org):
    web = login(org.clerk)
    resp = web.post(f"/storage/containers/{org.cabinet.pk}/",
                    {"which": "access", "access-action": "opened", "access-note": "取件"}, follow=True)
    assert resp.status_code == 200 and DONE in resp.content.decode()
    # shown once
    assert DONE not in web.get(f"/storage/containers/{org.cabinet.pk}/").content.decode()


def test_an_action_with_its_own_message_keeps_only_it(org):
    html = login(org.clerk).post("/notices/read/", follow=True).content.decode()
    assert "There were no unread notices." in html and DONE not in html


def test_no_general_message_for_the_language_switch_or_a_refusal(org):
    web = login(org.clerk)
    html = web.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True).content.decode()
    assert DONE not in html
    resp = web.post(f"/storage/containers/{org.cabinet.pk}/", {"which": "access", "access-action": "bogus"})
    assert resp.status_code == 400 and DONE not in resp.content.decode()


def test_a_decision_says_it_is_signed_and_the_buttons_differ(client, org):
    from tests.approvals.test_api_html import submit

    request = submit(org)
    client.force_login(org.head_res)
    page = client.get(f"/approvals/{request.pk}/").content.decode()
    assert '<button type="submit" class="approve">' in page and '<button type="submit" class="reject">' in page
    html = client.post(f"/approvals/{request.pk}/approve/", {"password": org.password}, follow=True).content.decode()
    assert "Your approval is signed and recorded." in html and DONE not in html
