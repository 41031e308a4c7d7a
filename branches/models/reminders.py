"""A person's own choice not to be reminded of one kind of thing (in the app or by e-mail)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Every kind of reminder, as people choose to mute them (the key is Notification.kind).
REMINDER_KINDS = {
    "plan_missing": _("年度方案未备案"),
    "pair_behind": _("结对共建活动进度滞后"),
    "partnership_behind": _("党建共建活动进度滞后"),
    "tasks_overdue": _("领办任务逾期"),
    "exchange_missing": _("信息互通缺项"),
    "targets_behind": _("月度目标需跟进"),
    "rectification_due": _("整改事项到期或逾期"),
    "recheck_due": _("回头看到期"),
}


class MutedReminder(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="muted_reminders")
    kind = models.CharField(_("提醒类型"), max_length=40)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已关闭的提醒")
        verbose_name_plural = _("已关闭的提醒")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="muted_reminder_once")]

    def __str__(self) -> str:
        return f"{self.user} · {REMINDER_KINDS.get(self.kind, self.kind)}"
