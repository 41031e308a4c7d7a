"""PDF from the Word file with LibreOffice headless, where it is installed (`soffice`)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 180


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes) -> bytes:
    binary = soffice()
    if binary is None:
        raise ValidationError(_("服务器未安装 LibreOffice，暂不能生成 PDF；Word 文件可正常下载。"))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(docx)
        # A profile of its own: parallel conversions do not share (and lock) one user profile.
        profile = Path(folder) / "profile"
        result = subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", folder, str(source)], capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        pdf = Path(folder) / "report.pdf"
        if result.returncode != 0 or not pdf.exists():
            raise ValidationError(_("PDF 转换失败：%(error)s") % {
                "error": result.stderr.decode(errors="replace")[-500:]})
        return pdf.read_bytes()
