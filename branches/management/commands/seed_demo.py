"""`python manage.py seed_demo [--if-empty]`: the demo organisation and a year of records."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from branches.demo import DEMO_PASSWORD, build_demo, count_rows, seed_other_apps
from branches.models import Branch


class Command(BaseCommand):
    help = _("生成演示数据：组织架构、党员、结对共建、党建共建、党建+业务及一年的活动记录（可重复运行）。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-empty", action="store_true", help=_("数据库中已有党支部时不做任何事。"))

    def handle(self, *args, if_empty: bool = False, **options) -> None:
        if if_empty and Branch.objects.exists():
            self.stdout.write(_("数据库中已有党支部，跳过演示数据。"))
            return
        started = time.monotonic()
        with transaction.atomic():
            demo = build_demo()
            missing = seed_other_apps(stdout=self.stdout)
        for module_name in missing:
            self.stdout.write(_("未找到 %(module)s，跳过该部分演示数据。") % {"module": module_name})

        self.stdout.write(self.style.SUCCESS(_("演示数据已就绪（%(year)s 年度，截至 %(today)s）：") % {
            "year": demo.year, "today": demo.today.isoformat()}))
        for label, number in count_rows():
            self.stdout.write(f"  {label}: {number}")
        self.stdout.write("")
        self.stdout.write(_("演示账号（密码均为 %(password)s）：") % {"password": DEMO_PASSWORD})
        header = (_("用户名"), _("角色"), _("范围"), _("密码"))
        rows = [header, *((username, role, scope, DEMO_PASSWORD) for username, role, scope in demo.logins)]
        widths = [max(_display_width(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            self.stdout.write("  " + "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)))
        self.stdout.write(_("用时 %(seconds).1f 秒。") % {"seconds": time.monotonic() - started})


def _display_width(text: str) -> int:
    """Width in terminal columns: Chinese characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def _pad(text: str, width: int) -> str:
    return str(text) + " " * (width - _display_width(text))
