"""Pair names made from their branches follow a branch's new name, however the branch was renamed (console,
import, API)."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from branches.models import Branch
from pairing.services import rename_pairs_after_branch


@receiver(pre_save, sender=Branch, dispatch_uid="pairing.branch_old_name")
def remember_old_name(sender, instance: Branch, raw=False, **kwargs) -> None:
    instance._old_name = None
    if instance.pk and not raw:
        instance._old_name = Branch.objects.filter(pk=instance.pk).values_list("name", flat=True).first()


@receiver(post_save, sender=Branch, dispatch_uid="pairing.branch_renamed")
def follow_branch_name(sender, instance: Branch, created=False, raw=False, **kwargs) -> None:
    old_name = getattr(instance, "_old_name", None)
    if not created and not raw and old_name and old_name != instance.name:
        rename_pairs_after_branch(branch=instance, old_name=old_name)
