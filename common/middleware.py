"""Response headers for every page and API answer (settings.MIDDLEWARE)."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Nothing the registry answers is kept by a browser or a proxy: pages, API answers, registers
    and errors all carry `Cache-Control: no-store` (titles and registry numbers are classified
    metadata, and a shared or stolen computer must not hold them in its cache). Static files are
    answered by WhiteNoise above this middleware and keep their own caching; the path check covers
    a static file served another way (runserver --insecure, DEBUG)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.static_prefix):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private; Expires now
        return response


# the views whose form posts are the registry's actions (a module of one of these packages);
# Django's own (the language switch) and the login pages say what they did themselves
ACTION_VIEW_PREFIXES = ("carriers.", "meetings.", "approvals.", "personnel.", "incidents.", "alerts.",
                        "administration.", "registers.", "audit.", "dashboard.", "lists.", "directory.")


class ActionMessageMiddleware:
    """Every action says what happened (issue 18, item 6): a form post of a registry page that
    succeeded (answered by a redirect) and queued no message of its own gets a general one, shown
    on the next page. Views that say more (\"Carrier X is registered and signed.\") keep theirs.
    Below the messages middleware, so the message is stored with the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST" and response.status_code in (301, 302, 303) and self._is_action(request):
            storage = getattr(request, "_messages", None)
            if storage is not None and not getattr(storage, "_queued_messages", None):
                from django.contrib import messages
                from django.utils.translation import gettext

                messages.success(request, gettext("Done: the change is saved and recorded."))
        return response

    @staticmethod
    def _is_action(request) -> bool:
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if user is None or not user.is_authenticated or match is None:
            return False
        module = getattr(match.func, "__module__", "") or ""
        return module.startswith(ACTION_VIEW_PREFIXES)
