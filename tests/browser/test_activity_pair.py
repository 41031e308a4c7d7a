"""On a 375 px phone, choosing the pair of a joint activity ticks the partner branch and opens its roster."""

import re

import pytest
from django.utils import timezone
from PIL import Image

from branches.models import Role
from pairing.models import Activity
from tests.browser.conftest import log_in, needs_chromium
from tests.factories import (
    ActivityKindFactory,
    MemberFactory,
    PairFactory,
    grassroots_branch,
    office_branch,
    user_with_role,
)

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]
# An activity's own page (not /work/activities/new/, which the form is on).
RECORD_PAGE = re.compile(r".*/work/activities/\d+/$")


def test_choosing_the_pair_ticks_its_partner_branch(live_server, transactional_db, phone, tmp_path):
    today = timezone.localdate()
    kind = ActivityKindFactory(code="theme_day", name="主题党日")
    grassroots = grassroots_branch(code="G01", name="曲堤管理区党支部")
    lead = office_branch(code="O01", name="综合管理部党支部")
    pair = PairFactory(year=today.year, lead_branch=lead, grassroots=[grassroots])
    MemberFactory(branch=grassroots, name="王建国")
    partner_member = MemberFactory(branch=lead, name="李明")
    user_with_role(Role.Kind.SECRETARY, branch=grassroots, username="secretary")
    photo = tmp_path / "合影.png"
    Image.new("RGB", (640, 480), (183, 28, 28)).save(photo, format="PNG")

    page = phone
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "secretary")
    page.wait_for_url(f"{live_server.url}/work/")
    page.goto(f"{live_server.url}/work/activities/new/")

    partner = page.get_by_label("综合管理部党支部")
    roster = page.locator(f'details[data-branch="{lead.pk}"]')
    assert not partner.is_checked() and roster.get_attribute("open") is None
    page.select_option("#id_joint", f"pair:{pair.pk}")
    assert partner.is_checked()
    assert roster.get_attribute("open") is not None  # the partner's roster opens to tick its members
    page.select_option("#id_joint", "")  # back to the branch's own activity: the tick goes again
    assert not partner.is_checked()
    page.select_option("#id_joint", f"pair:{pair.pk}")
    assert partner.is_checked()

    page.select_option("#id_kind", str(kind.pk))
    page.fill("#id_title", "联合开展主题党日")
    page.check(f"#att_{partner_member.pk}")
    page.set_input_files("#id_files", [str(photo)])
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(RECORD_PAGE)
    assert "活动“联合开展主题党日”已登记" in page.content()
    activity = Activity.objects.get(title="联合开展主题党日")
    assert activity.pair == pair and set(activity.branches.all()) == {grassroots, lead}
    assert list(activity.attendees.all()) == [partner_member] and activity.evidence.count() == 1
    assert errors == []
