from accounts.lockout import _current_request


class CurrentRequestMiddleware:
    """Keeps the request being answered within reach of code that has none (signing
    re-authentication deep in a service): its lockout counts the client's address too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
