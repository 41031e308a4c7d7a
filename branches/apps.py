from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("组织与党建+业务")

    def ready(self) -> None:
        from branches import freshness

        freshness.connect()
