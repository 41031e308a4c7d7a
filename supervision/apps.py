from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("常态化督导")

    def ready(self) -> None:
        from branches.reminders import register_source
        from supervision.reminders import rectification_items

        register_source(rectification_items)
