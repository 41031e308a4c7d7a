"""An image is refused by its pixel count before anything is decoded: the 17.5 KB PNG of 12000x12000
pixels that took 2 GB in a web worker is refused with a Chinese message, costing the worker almost
no memory."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from pairing.models import Activity, Evidence

from .bomb import png_bomb
from .conftest import upload

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
MESSAGE = "图片“巨图.png”有 12000×12000 像素，超过每张 5000 万像素的上限，已拒绝。请缩小后再上传。"


def test_the_bomb_is_17_5_kb():
    assert 17_000 < len(png_bomb()) < 18_500


def test_the_activity_form_refuses_it_in_chinese_and_keeps_what_was_typed(client, world, today):
    client.force_login(world.users.secretary)
    response = client.post(reverse("pairing:activity_create"), {
        "date": today.isoformat(), "kind": world.kind.pk, "title": "井场学习", "guest_count": 0,
        "files": [upload("巨图.png", png_bomb(), "image/png")]})
    assert response.status_code == 200
    page = response.content.decode()
    assert MESSAGE in page
    assert 'value="井场学习"' in page
    assert not Activity.objects.filter(title="井场学习").exists()
    assert not Evidence.objects.exists()


def test_the_api_refuses_it_with_the_same_message(world, today):
    activity = Activity.objects.create(owner_branch=world.grassroots, date=today, kind=world.kind, title="补传")
    api = APIClient()
    api.force_authenticate(world.users.secretary)
    answer = api.post("/api/evidence/", {"activity": activity.pk, "files": [upload("巨图.png", png_bomb())]})
    assert answer.status_code == 400
    assert MESSAGE in json.dumps(answer.json(), ensure_ascii=False)
    assert not Evidence.objects.exists()


WORKER = """
import io, json, os, resource, sys
sys.path.insert(0, {root!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pairing import uploads
from tests.workspace.bomb import png_bomb
bombs = [SimpleUploadedFile("巨图.png", png_bomb(), content_type="image/png") for _ in range(9)]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
messages = []
for bomb in bombs:  # what the service does with each file: check it, then make its thumbnail
    try:
        uploads.make_thumbnail(uploads.check_file(bomb))
    except ValidationError as exc:
        messages += exc.messages
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"grew_kb": after - before, "messages": messages}}))
"""


def test_nine_bombs_in_one_request_cost_the_worker_under_100_mb():
    """Peak memory of a fresh process handling nine bombs (what one request may carry) as the service
    does, measured around that alone; decoding one takes over 140 MB."""
    run = subprocess.run([sys.executable, "-c", WORKER.format(root=str(ROOT))], capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert len(result["messages"]) == 9 and result["messages"][0] == MESSAGE
    assert result["grew_kb"] < 100 * 1024
