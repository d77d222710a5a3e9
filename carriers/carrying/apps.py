from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarryingConfig(AppConfig):
    name = "carriers.carrying"
    label = "carrying"
    verbose_name = _("Carrying out")
