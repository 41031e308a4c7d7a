from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from branches.params import IdPathConverter, YearPathConverter


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("组织与党建+业务")

    def ready(self) -> None:
        register_converter(IdPathConverter, "id")
        register_converter(YearPathConverter, "year")
        from branches import freshness

        freshness.connect()
