"""The default e-mail backend of a newcomer's registry (make run): the console, without bodies.

Django's console backend prints every message whole, so the terminal running `make run` filled up
with digests and notices. This one prints one line per message (sender, how many recipients, the
subject) and the bodies only when asked: EMAIL_CONSOLE_BODIES=1. Production sets EMAIL_BACKEND to
an SMTP backend and never uses it."""

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class QuietConsoleBackend(ConsoleBackend):
    def write_message(self, message):
        if getattr(settings, "EMAIL_CONSOLE_BODIES", False):
            return super().write_message(message)
        recipients = len(message.recipients())
        self.stream.write(f"[e-mail] from {message.from_email} to {recipients} recipient(s): {message.subject} "
                          "(body not shown; EMAIL_CONSOLE_BODIES=1 shows it)\n")
        return None
