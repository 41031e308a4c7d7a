"""Evidence files are checked by content: type, size, count; images get upright thumbnails."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from pairing import uploads
from pairing.models import Activity, Evidence

from .conftest import office_bytes, upload

pytestmark = pytest.mark.django_db


def _post_activity(client, world, today, files, **extra):
    data = {"date": today.isoformat(), "kind": world.kind.pk, "title": "主题党日活动", "guest_count": 0,
            "files": files, **extra}
    return client.post(reverse("pairing:activity_create"), data)


def _errors(response) -> str:
    return " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)


def test_a_renamed_executable_is_refused_naming_the_file(client, world, today, files):
    client.force_login(world.users.secretary)
    response = _post_activity(client, world, today, [files.png("合影.png"), files.exe("现场照片.jpg")])
    assert response.status_code == 200
    assert "“现场照片.jpg”不是允许的类型" in _errors(response)
    assert not Activity.objects.filter(title="主题党日活动").exists()
    assert not Evidence.objects.exists()


def test_an_oversized_file_is_refused(client, world, today, files, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 100
    client.force_login(world.users.secretary)
    response = _post_activity(client, world, today, [files.png("大照片.png", size=(200, 200))])
    assert "“大照片.png”大小为" in _errors(response)
    assert "超过单个文件" in _errors(response)
    assert not Activity.objects.filter(title="主题党日活动").exists()


def test_too_many_files_are_refused(client, world, today, files, settings):
    settings.EVIDENCE_MAX_FILES = 2
    client.force_login(world.users.secretary)
    response = _post_activity(client, world, today, [files.png(f"p{i}.png") for i in range(3)])
    assert "最多上传 2 个佐证文件" in _errors(response)
    assert not Evidence.objects.exists()


def test_an_empty_form_says_what_to_fill_in_chinese(client, world):
    client.force_login(world.users.secretary)
    response = client.post(reverse("pairing:activity_create"), {})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"date", "kind", "title"} <= set(errors)
    assert "该字段是必填项。" in str(errors["title"])
    assert "请根据提示修改后再提交" in response.content.decode()


def test_valid_png_and_pdf_are_stored_under_random_names_with_a_thumbnail_for_the_png(client, world, today, files):
    client.force_login(world.users.secretary)
    response = _post_activity(client, world, today, [files.png("合影.png"), files.pdf("签到表.pdf")])
    activity = Activity.objects.get(title="主题党日活动")
    assert response.status_code == 302
    png, pdf = activity.evidence.order_by("id")
    assert (png.original_name, png.content_type) == ("合影.png", "image/png")
    assert (pdf.original_name, pdf.content_type) == ("签到表.pdf", "application/pdf")
    assert png.thumbnail and not pdf.thumbnail
    assert "合影" not in png.file.name and png.file.name.endswith(".png")
    with Image.open(png.thumbnail.path) as thumb:
        assert thumb.format == "JPEG"


def test_word_and_excel_files_are_accepted_by_their_package_content():
    assert uploads.check_file(upload("a.docx", office_bytes("word/"))).extension == ".docx"
    assert uploads.check_file(upload("a.xlsx", office_bytes("xl/"))).extension == ".xlsx"
    legacy = upload("旧表.xls", bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600)
    assert uploads.check_file(legacy).content_type == "application/vnd.ms-excel"


def test_a_plain_zip_renamed_docx_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.sh", "rm -rf /")
    with pytest.raises(ValidationError, match="不是允许的类型"):
        uploads.check_file(upload("方案.docx", buffer.getvalue()))


def test_a_truncated_image_is_refused():
    from .conftest import png_bytes

    with pytest.raises(ValidationError, match="已损坏"):
        uploads.check_file(upload("坏图.png", png_bytes()[:40]))


def test_the_thumbnail_is_upright_as_the_phone_held_it():
    from .conftest import png_bytes

    # A landscape JPEG whose EXIF says "rotate 90°" (orientation 6) is a portrait photo.
    checked = uploads.check_file(upload("竖拍.jpg", png_bytes(size=(80, 40), orientation=6)))
    thumbnail = uploads.make_thumbnail(checked)
    import io

    with Image.open(io.BytesIO(thumbnail.read())) as image:
        assert image.width < image.height


def test_evidence_is_added_to_an_existing_activity(client, world, files):
    activity = world.other_activity.__class__.objects.create(
        date=world.problem.raised_on, title="已有活动", kind=world.kind, owner_branch=world.grassroots)
    activity.branches.set([world.grassroots])
    client.force_login(world.users.secretary)
    response = client.post(reverse("pairing:evidence_add", args=[activity.pk]), {"files": [files.docx()]})
    assert response.status_code == 302
    assert activity.evidence.get().content_type.endswith("wordprocessingml.document")
    response = client.post(reverse("pairing:evidence_add", args=[activity.pk]), {"files": [files.exe()]}, follow=True)
    assert "不是允许的类型" in response.content.decode()
    assert activity.evidence.count() == 1
