from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionKey(models.Model):
    """A create request already answered: the key its client made, and the answer to give again.

    The row is written in the same transaction as the record the request creates, so it exists
    exactly when the record does; a resend with the same key gets the stored answer instead of a
    second record (`config.idempotency`).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("提交人"))
    key = models.CharField(_("提交编号"), max_length=64)
    path = models.CharField(_("提交地址"), max_length=300)
    status = models.PositiveSmallIntegerField(_("应答状态"), null=True)
    location = models.CharField(_("跳转地址"), max_length=500, blank=True)
    body = models.BinaryField(_("应答内容"), blank=True, default=b"")
    content_type = models.CharField(_("应答类型"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("提交记录")
        verbose_name_plural = _("提交记录")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="submission_key_once_per_user")]

    def __str__(self) -> str:
        return self.key
