from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HoldsConfig(AppConfig):
    name = "carriers.holds"
    label = "holds"
    verbose_name = _("Holds")

    def ready(self):
        # who sees and may do what (carriers/holds/policy.py) on the access gate; audit action labels
        from . import labels, policy

        policy.register()
        labels.register()

        from common import demo

        demo.register_seeder("holds", order=130, seed="carriers.holds.demo.seed")
