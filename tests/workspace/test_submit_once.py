"""A create form or API create sent again with its key makes one record; a record and its files are
saved together or not at all; a body cut short saves nothing."""

import io
import os
import uuid

import pytest
from django.conf import settings
from django.test.client import ClientHandler, encode_multipart
from django.urls import reverse
from rest_framework.test import APIClient

from pairing import services, uploads
from pairing.models import Activity, Evidence

pytestmark = pytest.mark.django_db

CREATE = "/work/activities/new/"


def _stored_files() -> set[str]:
    found = set()
    for folder, _dirs, names in os.walk(settings.MEDIA_ROOT):
        found |= {os.path.join(folder, n) for n in names}
    return found


def _form(world, today, files=(), key=None, **extra):
    data = {"date": today.isoformat(), "kind": world.kind.pk, "title": "井场主题党日", "guest_count": 0,
            "files": list(files), **extra}
    if key is not None:
        data["submission_key"] = key
    return data


def test_a_form_sent_three_times_with_its_key_makes_one_activity_with_its_photos(client, world, today, files):
    client.force_login(world.users.secretary)
    key = uuid.uuid4().hex
    answers = [client.post(CREATE, _form(world, today, [files.png("合影.png"), files.pdf()], key=key))
               for _ in range(3)]
    activity = Activity.objects.get(title="井场主题党日")
    assert [a.status_code for a in answers] == [302, 302, 302]
    assert {a["Location"] for a in answers} == {reverse("pairing:activity_detail", args=[activity.pk])}
    assert activity.evidence.count() == 2
    page = client.get(answers[-1]["Location"])
    assert "这份表单已经提交过，没有重复保存。" in page.content.decode()


def test_a_new_key_makes_a_new_record(client, world, today):
    client.force_login(world.users.secretary)
    client.post(CREATE, _form(world, today, key=uuid.uuid4().hex))
    client.post(CREATE, _form(world, today, key=uuid.uuid4().hex))
    assert Activity.objects.filter(title="井场主题党日").count() == 2


def test_a_refused_form_gives_its_key_back_for_the_corrected_one(client, world, today):
    client.force_login(world.users.secretary)
    key = uuid.uuid4().hex
    refused = client.post(CREATE, _form(world, today, key=key, title=""))
    assert refused.status_code == 200
    assert f'value="{key}"' in refused.content.decode()  # the page shown again keeps the key
    saved = client.post(CREATE, _form(world, today, key=key))
    assert saved.status_code == 302
    assert Activity.objects.filter(title="井场主题党日").count() == 1


def test_another_persons_key_is_theirs_alone(client, world, today):
    key = uuid.uuid4().hex
    client.force_login(world.users.secretary)
    client.post(CREATE, _form(world, today, key=key))
    client.force_login(world.users.committee)
    answer = client.post(CREATE, _form(world, today, key=key))
    assert Activity.objects.filter(title="井场主题党日").count() == 2
    assert answer["Location"] != reverse("pairing:activity_detail",
                                         args=[Activity.objects.filter(title="井场主题党日").order_by("id").first().pk])


def test_the_form_page_carries_a_key_that_the_phone_replaces(client, world):
    client.force_login(world.users.secretary)
    page = client.get(CREATE).content.decode()
    assert 'name="submission_key"' in page and "data-renew" in page
    assert "js/forms.js" in page


def test_api_create_with_an_idempotency_key_makes_one_record(world, today):
    api = APIClient()
    api.force_authenticate(world.users.secretary)
    payload = {"owner_branch": world.grassroots.pk, "date": today.isoformat(), "title": "接口活动",
               "kind": world.kind.pk}
    key = uuid.uuid4().hex
    answers = [api.post("/api/activities/", payload, format="json", HTTP_IDEMPOTENCY_KEY=key) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert Activity.objects.filter(title="接口活动").count() == 1
    assert answers[0].json()["id"] == answers[2].json()["id"]
    assert answers[2]["Idempotent-Replayed"] == "true"
    assert not answers[0].has_header("Idempotent-Replayed")
    bad = api.post("/api/activities/", payload, format="json", HTTP_IDEMPOTENCY_KEY="short")
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()


def test_api_evidence_upload_with_a_key_is_stored_once(world, today, files):
    activity = Activity.objects.create(owner_branch=world.grassroots, date=today, kind=world.kind, title="补传")
    api = APIClient()
    api.force_authenticate(world.users.secretary)
    key = uuid.uuid4().hex
    for _ in range(2):
        answer = api.post("/api/evidence/", {"activity": activity.pk, "files": [files.png()],
                                             "file_kinds": ["sign_in"]}, HTTP_IDEMPOTENCY_KEY=key)
        assert answer.status_code == 201
    assert list(activity.evidence.values_list("kind", flat=True)) == ["sign_in"]


def test_each_file_keeps_the_type_it_was_sent_with(client, world, today, files):
    client.force_login(world.users.secretary)
    client.post(CREATE, _form(world, today, [files.png("现场.png"), files.png("签到.png"), files.pdf()],
                              file_kinds=["photo", "sign_in", ""]))
    kinds = list(Evidence.objects.order_by("id").values_list("original_name", "kind"))
    assert kinds == [("现场.png", "photo"), ("签到.png", "sign_in"), ("签到表.pdf", "document")]
    page = client.get(reverse("pairing:activity_detail", args=[Evidence.objects.first().activity_id]))
    assert "签到表" in page.content.decode() and "现场照片" in page.content.decode()


def test_a_failure_after_the_files_were_written_leaves_no_file_and_no_record(world, today, files, monkeypatch):
    before = _stored_files()
    real = uploads.make_thumbnail
    calls = []

    def thumbnail_then_fail(checked):
        calls.append(checked)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(checked)

    monkeypatch.setattr(uploads, "make_thumbnail", thumbnail_then_fail)
    with pytest.raises(RuntimeError):
        services.log_activity(user=world.users.secretary, branch=world.grassroots,
                              data={"date": today, "kind": world.kind, "title": "断电", "branches": [],
                                    "attendees": []},
                              files=[files.png("一.png"), files.png("二.png")])
    assert not Activity.objects.filter(title="断电").exists()
    assert _stored_files() == before


def _raw_post(client, path: str, data: dict, *, cut: int | None = None):
    """Send a multipart body through Django's handler as a WSGI server would pass it, optionally only
    the first `cut` bytes of it (the phone lost its signal), with the announced length of the whole."""
    boundary = "BoUnDaRy"
    body = encode_multipart(boundary, data)
    sent = body if cut is None else body[:cut]
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SERVER_NAME": "testserver", "SERVER_PORT": "80",
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}", "CONTENT_LENGTH": str(len(body)),
        "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
        "wsgi.input": io.BytesIO(sent), "wsgi.url_scheme": "http", "REMOTE_ADDR": "127.0.0.1",
    }
    return ClientHandler(enforce_csrf_checks=False)(environ), len(body)


def test_an_upload_cut_off_half_way_saves_no_record_and_no_file(client, world, today, files):
    client.force_login(world.users.secretary)
    data = _form(world, today, key=uuid.uuid4().hex)
    data["files"] = files.png("大合影.png", size=(600, 400))
    whole, length = _raw_post(client, CREATE, dict(data))
    assert whole.status_code == 302  # the same request sent whole saves
    Activity.objects.filter(title="井场主题党日").delete()
    before = _stored_files()

    data["submission_key"] = uuid.uuid4().hex
    data["files"] = files.png("大合影.png", size=(600, 400))
    answer, _ = _raw_post(client, CREATE, data, cut=length // 2)
    assert answer.status_code == 400
    assert "上传没有完成" in answer.content.decode()
    assert not Activity.objects.filter(title="井场主题党日").exists()
    assert not Evidence.objects.exists()
    assert _stored_files() == before
