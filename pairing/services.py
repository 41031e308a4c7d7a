"""Writes of pairs and partnerships. Pages, the API, imports and the demo data all come through here,
so the seeds' rules are enforced in one place."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Branch, ExternalOrganization
from branches.periods import validate_year
from pairing.models import Pair, PairGrassroots, Partnership


@transaction.atomic
def save_pair(
    *,
    year: int,
    lead_branch: Branch,
    grassroots_branches: Sequence[Branch],
    name: str = "",
    pair: Pair | None = None,
) -> Pair:
    """Create or change a pair: one office/direct branch with one or two grassroots branches."""
    validate_year(year)
    errors: dict[str, list[str]] = {}
    grassroots = list(dict.fromkeys(grassroots_branches))
    if not lead_branch.is_pair_lead_kind:
        errors.setdefault("lead_branch", []).append(_("共建对子的一方必须是机关党支部或直属党支部。"))
    if not 1 <= len(grassroots) <= 2:
        errors.setdefault("grassroots_branches", []).append(_("每个共建对子结对一至两个基层党支部（“一对一”或“一对二”）。"))
    for branch in grassroots:
        if branch.kind != Branch.Kind.GRASSROOTS:
            errors.setdefault("grassroots_branches", []).append(
                _("“%(branch)s”不是基层党支部，不能作为结对的基层一方。") % {"branch": branch.name}
            )
    other_pairs = Pair.objects.filter(year=year)
    if pair is not None and pair.pk:
        other_pairs = other_pairs.exclude(pk=pair.pk)
    if other_pairs.filter(lead_branch=lead_branch).exists():
        errors.setdefault("lead_branch", []).append(
            _("“%(branch)s”在 %(year)s 年已有共建对子。") % {"branch": lead_branch.name, "year": year}
        )
    taken = PairGrassroots.objects.filter(pair__in=other_pairs, branch__in=grassroots).select_related("branch")
    for link in taken:
        errors.setdefault("grassroots_branches", []).append(
            _("“%(branch)s”在 %(year)s 年已与其他机关党支部结对。") % {"branch": link.branch.name, "year": year}
        )
    if errors:
        raise ValidationError(errors)

    if pair is None:
        pair = Pair(year=year)
    pair.year = year
    pair.lead_branch = lead_branch
    pair.name = name or _("%(lead)s—%(others)s") % {
        "lead": lead_branch.name, "others": "、".join(b.name for b in grassroots)
    }
    pair.full_clean()
    pair.save()
    PairGrassroots.objects.filter(pair=pair).exclude(branch__in=grassroots).delete()
    for branch in grassroots:
        PairGrassroots.objects.update_or_create(pair=pair, branch=branch, defaults={"year": year})
    return pair


@transaction.atomic
def save_partnership(
    *, year: int, branch: Branch, external_org: ExternalOrganization, partnership: Partnership | None = None
) -> Partnership:
    """Create or change a partnership; only with an outside unit where 5+ of the branch's members work."""
    validate_year(year)
    partnership = partnership or Partnership()
    partnership.year = year
    partnership.branch = branch
    partnership.external_org = external_org
    partnership.full_clean()
    partnership.save()
    return partnership


@transaction.atomic
def copy_pairs_from_year(*, source_year: int, target_year: int) -> list[Pair]:
    """Copy last year's pairs to a new year, skipping any branch already paired in the target year."""
    validate_year(target_year)
    created: list[Pair] = []
    for source in Pair.objects.filter(year=source_year).prefetch_related("grassroots_branches"):
        try:
            created.append(
                save_pair(year=target_year, lead_branch=source.lead_branch,
                          grassroots_branches=list(source.grassroots_branches.all()), name=source.name)
            )
        except ValidationError:
            continue
    return created
