from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "annual"
    verbose_name = _("年度考核")
