from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "pairing"
    verbose_name = _("结对共建与党建共建")

    def ready(self) -> None:
        from pairing import signals  # noqa: F401 - connects the receivers
