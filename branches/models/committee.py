"""A branch's committee 支委: party members of the branch holding a committee post."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from branches.models.org import Branch, Member
from config.concurrency import VersionedModel


class CommitteeMember(VersionedModel):
    class Post(models.TextChoices):
        SECRETARY = "secretary", _("书记")
        DEPUTY = "deputy", _("副书记")
        ORGANISATION = "organisation", _("组织委员")
        PUBLICITY = "publicity", _("宣传委员")
        DISCIPLINE = "discipline", _("纪检委员")
        YOUTH = "youth", _("青年委员")
        MEMBER = "member", _("委员")

    branch = models.ForeignKey(Branch, verbose_name=_("党支部"), on_delete=models.CASCADE, related_name="committee")
    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="committee_posts")
    post = models.CharField(_("职务"), max_length=20, choices=Post.choices, default=Post.MEMBER)
    since = models.DateField(_("任职时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("支委")
        verbose_name_plural = _("支委")
        ordering = ["branch", "post", "member__employee_no"]
        constraints = [models.UniqueConstraint(fields=["branch", "member"], name="committee_member_once")]

    def __str__(self) -> str:
        return f"{self.branch} · {self.get_post_display()} · {self.member}"

    def clean(self) -> None:
        if self.member_id and self.branch_id and self.member.branch_id != self.branch_id:
            raise ValidationError({"member": _("支委必须是本支部党员。")})
