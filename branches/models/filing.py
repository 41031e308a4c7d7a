"""Filing 备案 of annual plans with the organisation department: receipt 受理 or return 退回 with a reason.

The filing date is the system's: set when a plan is first submitted, kept through later edits. Shared
by the plans of all three modes (a department's key-work plan, a pair's or partnership's annual plan).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FilingReview(models.Model):
    class Review(models.TextChoices):
        SUBMITTED = "submitted", _("待受理")
        RECEIVED = "received", _("已受理")
        RETURNED = "returned", _("已退回")

    review_state = models.CharField(_("受理状态"), max_length=20, choices=Review.choices, default=Review.SUBMITTED)
    reviewed_at = models.DateTimeField(_("受理/退回时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("受理人"))
    return_reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        abstract = True

    def mark_submitted(self, *, today=None, user=None) -> None:
        """Before the owner saves: the first submission sets the filing date (and who filed); later edits keep
        it; a returned plan saved again is submitted again."""
        if getattr(self, "filed_on", None) is None:
            self.filed_on = today or timezone.localdate()
            if hasattr(self, "filed_by_id") and user is not None and getattr(user, "pk", None):
                self.filed_by = user
        if self.review_state == self.Review.RETURNED:
            self.review_state = self.Review.SUBMITTED
