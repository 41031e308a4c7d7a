"""A report drafted from the records in the background: its Word file and, where LibreOffice is there, its PDF."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, Unit


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        SECRETARY = "secretary", _("党支部书记述职报告")
        UNIT_QUARTER = "unit_quarter", _("季度专题汇报")
        YEAR_END = "year_end", _("年度工作目标任务完成情况报告")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("报告"), max_length=20, choices=Kind.choices)
    year = models.PositiveIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), null=True, blank=True)
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("党支部"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("单位"))
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("错误信息"), blank=True)
    pdf_error = models.TextField(_("PDF 说明"), blank=True)
    docx = models.FileField(_("Word 文件"), upload_to="reports/%Y/", blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="reports/%Y/", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报告生成任务")
        verbose_name_plural = _("报告生成任务")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"

    @property
    def subject(self) -> str:
        if self.kind == self.Kind.SECRETARY and self.branch_id:
            return f"{self.branch.name} {self.year}"
        if self.kind == self.Kind.UNIT_QUARTER and self.unit_id:
            return f"{self.unit.name} {self.year}Q{self.quarter}"
        return str(self.year)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
