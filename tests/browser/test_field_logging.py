"""Logging an activity from the field on a 375 px phone, on a weak or missing network: an entry sent
offline waits on the phone and is sent once when the network returns, with all its photos; taps on
a slow network make one record; an upload cut off half-way saves nothing; a draft survives closing
the tab."""

import os
import re
import time

import pytest
from django.conf import settings
from django.db import OperationalError
from PIL import Image

from branches.models import Role
from pairing.models import Activity, Evidence
from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, PHONE, log_in, needs_chromium
from tests.factories import ActivityKindFactory, MemberFactory, grassroots_branch, user_with_role

pytestmark = [pytest.mark.browser, needs_chromium]
# An activity's own page (not /work/activities/new/, which the form is on).
RECORD_PAGE = re.compile(r".*/work/activities/\d+/$")

SLOW_UPLOAD = {"offline": False, "latency": 150, "downloadThroughput": 500_000 / 8, "uploadThroughput": 500_000 / 8}


@pytest.fixture
def field(transactional_db, tmp_path):
    kind = ActivityKindFactory(code="theme_day", name="主题党日")
    branch = grassroots_branch(code="G01", name="曲堤管理区党支部")
    members = [MemberFactory(branch=branch, name=name) for name in ("王建国", "李红梅", "张立新")]
    user_with_role(Role.Kind.SECRETARY, branch=branch, username="secretary")
    photos = []
    for index, color in enumerate([(183, 28, 28), (30, 90, 160), (20, 130, 60)]):
        path = tmp_path / f"现场{index + 1}.jpg"
        # A phone photo: 4000x3000 with detail, about 3 MB, so that shrinking it matters.
        image = Image.effect_noise((4000, 3000), 60).convert("RGB")
        image.paste(color, (0, 0, 800, 600))
        image.save(path, format="JPEG", quality=95)
        photos.append(str(path))
    return type("Field", (), {"kind": kind, "branch": branch, "members": members, "photos": photos})


@pytest.fixture
def context():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(**PHONE)
        context.set_default_timeout(20000)
        yield context
        context.close()
        browser.close()


def _stored_files() -> set[str]:
    found = set()
    for folder, _dirs, names in os.walk(settings.MEDIA_ROOT):
        found |= {os.path.join(folder, n) for n in names}
    return found


def _open_form(page, live_server):
    """Log in, let the service worker take the pages over, then open the activity form."""
    log_in(page, live_server, "secretary")
    page.wait_for_url(f"{live_server.url}/work/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now served through the worker, so kept for offline use
    page.goto(f"{live_server.url}/work/activities/new/")
    page.wait_for_selector("input[data-submission-key]:not([data-renew])", state="attached")


def _fill(page, field, title):
    page.select_option("#id_kind", str(field.kind.pk))
    page.fill("#id_title", title)
    page.fill("#id_location", "曲堤 3 号井场")


def _wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError:  # SQLite's shared test database is busy with the server's write: ask again
            pass
        time.sleep(0.25)
    return False


def test_offline_entry_waits_on_the_phone_and_is_sent_once_with_all_its_photos(live_server, field, context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _open_form(page, live_server)
    _fill(page, field, "井场主题党日（离线）")
    page.check(f"#att_{field.members[0].pk}")
    # Three shots in a row add up; the sign-in sheet is marked as such.
    page.set_input_files("#id_files_camera", field.photos[0])
    page.set_input_files("#id_files_camera", field.photos[1])
    page.set_input_files("#id_files_sign_in", field.photos[2])
    page.locator("#ws-chosen-files li").nth(2).wait_for()
    assert page.locator("#ws-chosen-files select").nth(2).input_value() == "sign_in"

    context.set_offline(True)
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("#ws-queued:not([hidden])")
    assert page.locator("#app-outbox").is_visible()
    assert "待发送 1" in page.locator("#app-outbox").inner_text()
    assert not Activity.objects.exists()

    # Every page says what waits, also opened offline from the last visit.
    page.goto(f"{live_server.url}/work/")
    page.wait_for_selector("#app-outbox:not([hidden])")
    page.goto(f"{live_server.url}/work/outbox/")
    page.wait_for_selector("#ws-outbox li")
    assert "井场主题党日（离线）" in page.locator("#ws-outbox").inner_text()
    assert not Activity.objects.exists()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    assert _wait_for(lambda: Activity.objects.filter(title="井场主题党日（离线）").exists())
    page.wait_for_selector("#app-outbox", state="hidden")
    page.evaluate("App.flush()")  # sending again after it went through creates nothing more
    time.sleep(1)
    activity = Activity.objects.get(title="井场主题党日（离线）")
    evidence = list(activity.evidence.order_by("id"))
    assert [e.kind for e in evidence] == ["photo", "photo", "sign_in"]
    assert list(activity.attendees.all()) == [field.members[0]]
    for item in evidence:  # shrunk on the phone: long side 2000 px, JPEG
        with Image.open(item.file.path) as stored:
            assert stored.format == "JPEG" and max(stored.size) == 2000
        assert item.size < 1_500_000
    assert Activity.objects.count() == 1
    assert errors == []


def test_three_taps_on_a_slow_network_make_one_record(live_server, field, context):
    page = context.new_page()
    _open_form(page, live_server)
    _fill(page, field, "三次点击")
    page.set_input_files("#id_files", field.photos[:2])
    page.locator("#ws-chosen-files li").nth(1).wait_for()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_UPLOAD)
    save = page.locator("form.ws-activity-form button[type=submit]")
    save.click()
    for _ in range(2):
        save.dispatch_event("click")
        page.evaluate("document.querySelector('form.ws-activity-form').requestSubmit()")
    page.wait_for_selector("#ws-progress:not([hidden])")
    assert save.is_disabled()
    page.wait_for_url(RECORD_PAGE, timeout=60000)
    assert "活动“三次点击”已登记" in page.content()
    assert Activity.objects.filter(title="三次点击").count() == 1
    assert Evidence.objects.filter(activity__title="三次点击").count() == 2


def test_an_upload_cut_off_half_way_saves_no_record_and_no_file(live_server, field, context):
    page = context.new_page()
    _open_form(page, live_server)
    _fill(page, field, "上传中断")
    page.set_input_files("#id_files", field.photos)
    page.locator("#ws-chosen-files li").nth(2).wait_for()
    before = _stored_files()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_UPLOAD)
    page.get_by_role("button", name="保存").click()
    bar = page.locator("#ws-progress .progress-bar")
    assert _wait_for(lambda: int(bar.get_attribute("aria-valuenow") or 0) >= 40, seconds=60)
    page.click("#ws-cancel")  # the upload stops half-way: the server gets a body cut short
    page.wait_for_selector("#ws-send-error:not([hidden])")
    assert "没有保存任何内容" in page.inner_text("#ws-send-error")
    time.sleep(2)
    assert not Activity.objects.filter(title="上传中断").exists()
    assert not Evidence.objects.exists()
    assert _stored_files() == before

    # What was typed and chosen is still there: sent again whole, it is saved once with its photos.
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "uploadThroughput": -1,
                                                  "downloadThroughput": -1})
    assert page.input_value("#id_title") == "上传中断"
    page.locator("form.ws-activity-form button[type=submit]").click()
    page.wait_for_url(RECORD_PAGE, timeout=60000)
    assert Activity.objects.filter(title="上传中断").count() == 1
    assert Evidence.objects.filter(activity__title="上传中断").count() == 3


def test_a_draft_survives_closing_the_tab(live_server, field, context):
    page = context.new_page()
    _open_form(page, live_server)
    _fill(page, field, "草稿里的活动")
    page.fill("#id_summary", "学习党章，交流井场安全经验")
    page.check(f"#att_{field.members[1].pk}")
    page.set_input_files("#id_files_camera", field.photos[0])
    page.locator("#ws-chosen-files li").nth(0).wait_for()
    page.wait_for_timeout(600)
    page.close()

    again = context.new_page()
    again.goto(f"{live_server.url}/work/activities/new/")
    again.wait_for_selector("#ws-draft-notice:not([hidden])")
    assert again.input_value("#id_title") == "草稿里的活动"
    assert again.input_value("#id_summary") == "学习党章，交流井场安全经验"
    assert again.is_checked(f"#att_{field.members[1].pk}")
    assert again.locator("#ws-chosen-files li").count() == 1
    again.get_by_role("button", name="保存").click()
    again.wait_for_url(RECORD_PAGE)
    activity = Activity.objects.get(title="草稿里的活动")
    assert activity.evidence.count() == 1
    again.goto(f"{live_server.url}/work/activities/new/")
    again.wait_for_timeout(500)
    assert again.input_value("#id_title") == ""  # saved: the draft is gone
    assert again.locator("#ws-draft-notice").is_hidden()
