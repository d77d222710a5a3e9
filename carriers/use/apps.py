from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UseConfig(AppConfig):
    name = "carriers.use"
    label = "use"
    verbose_name = _("Use")

    def ready(self):
        # audit action labels and demo seeding, registered with common (common.labels, common.demo)
        from common import demo

        from . import labels

        labels.register()
        demo.register_seeder("use", order=110, seed="carriers.use.demo.seed")
        # the overdue-loan check (alerts.checks) and the loan-extension approval hook; the access
        # policy of reading places, sessions, circulations and loans (common.access)
        from . import checks, policy, services  # noqa: F401

        policy.register()
