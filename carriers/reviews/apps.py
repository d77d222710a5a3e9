from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "carriers.reviews"
    label = "reviews"
    verbose_name = _("Holdings reviews and spot checks")

    def ready(self):
        # who sees and may do what (policy.py) on the access gate; the scheduled checks (checks.py)
        from . import checks, labels, policy  # noqa: F401

        policy.register()
        labels.register()

        from common import demo

        demo.register_seeder("reviews", order=140, seed="carriers.reviews.demo.seed")
