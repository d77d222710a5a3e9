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
