from django.urls import reverse

from tests.factories import PASSWORD


def test_login_page_logs_in_with_the_right_password(client, org):
    response = client.post(reverse("login"), {"username": org.secretary.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated


def test_login_page_refuses_a_wrong_password(client, org):
    response = client.post(reverse("login"), {"username": org.secretary.username, "password": "wrong"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
