"""Check that every uploaded file the database refers to is still in storage.

Walks every model's FileField/ImageField (evidence photos, sign-in sheets, plan documents,
supervision files, ...), prints each missing file in Chinese and exits non-zero if any is missing.
Run it after restoring a backup (see docs/production.md) and from time to time by cron.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def file_fields_by_model() -> list[tuple[type[models.Model], list[models.FileField]]]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed or hasattr(model, "instance_type"):
            continue  # proxies repeat their concrete model; history tables keep superseded file names
        fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if fields:
            found.append((model, fields))
    return found


class Command(BaseCommand):
    help = gettext_lazy("检查数据库中引用的每个上传文件（佐证材料等）是否存在于存储中；有缺失时列出并以非零状态退出。")

    def handle(self, *args, **options) -> None:
        checked = 0
        missing = 0
        for model, fields in file_fields_by_model():
            names = [f.attname for f in fields]
            not_empty = Q()
            for name in names:
                not_empty |= ~Q(**{name: ""}) & Q(**{f"{name}__isnull": False})
            rows = model._base_manager.filter(not_empty).order_by("pk").values_list("pk", *names)
            for pk, *values in rows.iterator(chunk_size=2000):
                for field, value in zip(fields, values, strict=True):
                    if not value:
                        continue
                    checked += 1
                    if not field.storage.exists(value):
                        missing += 1
                        self.stdout.write(_("缺失文件：%(model)s #%(pk)s 的“%(field)s”：%(name)s") % {
                            "model": model._meta.verbose_name, "pk": pk,
                            "field": field.verbose_name, "name": value,
                        })
        summary = _("共检查 %(checked)s 个文件，缺失 %(missing)s 个。") % {"checked": checked, "missing": missing}
        if missing:
            self.stdout.write(summary)
            raise CommandError(_("有 %(missing)s 个文件缺失，请从备份恢复媒体目录。") % {"missing": missing})
        self.stdout.write(self.style.SUCCESS(summary))
