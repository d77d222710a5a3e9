"""Identity writes: completing a login, changing a password, unlocking an account.

Every write is one function, keyword-only arguments, one transaction, its audit row inside.
"""

from django.contrib.auth import login as django_login


def complete_login(request, user):
    """The password step succeeded for ``user``: finish the login.

    This is the hook for the second factor: a later step may, instead of logging in here,
    remember the pending user in the session and redirect to the code page. It returns the
    ``HttpResponse`` to send, or ``None`` when the login is complete and the caller redirects
    to the success URL.
    """
    django_login(request, user)
    return None
