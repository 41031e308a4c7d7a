"""A branch secretary on a phone: log in, log an activity with two photos, see it listed and counted."""

import re

import pytest
from django.utils import timezone
from PIL import Image

from branches.models import Role
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


def _photo(path, color) -> str:
    Image.new("RGB", (640, 480), color).save(path, format="PNG")
    return str(path)


def _count(page, testid: str) -> int:
    return int(page.get_by_test_id(testid).inner_text().strip())


def test_secretary_logs_an_activity_with_two_photos_on_a_phone(live_server, transactional_db, phone, tmp_path):
    today = timezone.localdate()
    kind = ActivityKindFactory(code="theme_day", name="主题党日")
    grassroots = grassroots_branch(code="G01", name="曲堤管理区党支部")
    lead = office_branch(code="O01", name="综合管理部党支部")
    PairFactory(year=today.year, lead_branch=lead, grassroots=[grassroots])
    member = MemberFactory(branch=grassroots, name="王建国")
    MemberFactory(branch=lead, name="李明")
    user_with_role(Role.Kind.SECRETARY, branch=grassroots, username="secretary")
    photos = [_photo(tmp_path / "合影.png", (183, 28, 28)), _photo(tmp_path / "签到.png", (20, 90, 160))]

    page = phone
    log_in(page, live_server, "secretary")
    page.wait_for_url(f"{live_server.url}/work/")
    assert "曲堤管理区党支部" in page.content()
    before_quarter, before_year = _count(page, "quarter-count"), _count(page, "year-count")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_role("link", name="登记活动").first.click()
    page.wait_for_url("**/work/activities/new/**")
    page.select_option("#id_kind", str(kind.pk))
    page.fill("#id_title", "联合开展主题党日")
    page.get_by_label("综合管理部党支部").check()
    page.check(f"#att_{member.pk}")
    page.fill("#id_location", "曲堤管理区会议室")
    page.fill("#id_summary", "重温入党誓词，交流生产难题。")
    page.set_input_files("#id_files", photos)
    page.locator("#ws-chosen-files li").nth(len(photos) - 1).wait_for()
    assert "合影.png" in page.inner_text("#ws-chosen-files")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/work/activities/\d+/$"))
    assert "活动“联合开展主题党日”已登记" in page.content()
    assert page.locator("img.thumb").count() == 2
    page.locator("img.thumb").last.scroll_into_view_if_needed()
    # The thumbnails load through the scoped evidence view.
    page.wait_for_function("Array.from(document.querySelectorAll('img.thumb')).every(i => i.complete && i.naturalWidth > 0)")

    page.goto(f"{live_server.url}/work/activities/")
    assert page.get_by_text("联合开展主题党日").count() == 1

    page.goto(f"{live_server.url}/work/")
    assert _count(page, "quarter-count") == before_quarter + 1
    assert _count(page, "year-count") == before_year + 1
    assert "共建活动 1 / 全年 4 项" in page.inner_text("main")
