"""Bar charts as PNG for the reports, drawn with Pillow. Labels are codes and numbers (ASCII), so they
render without a CJK font; the Chinese caption is the document's own text under the picture."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from PIL import Image, ImageDraw, ImageFont

COLOURS = ["#c0392b", "#d35400", "#2e86c1", "#28b463", "#7d3c98", "#566573"]


def bars(labels: Sequence[str], series: Sequence[Sequence[float | Decimal]], *, width: int = 1200,
         height: int = 560) -> bytes:
    """Grouped bars: one group per label, one bar per series, the value written above each bar."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=20)
    left, right, top, bottom = 70, 20, 30, 60
    values = [float(v) for s in series for v in s] or [0.0]
    peak = max(max(values), 1.0)
    draw.line((left, top, left, height - bottom), fill="black", width=2)
    draw.line((left, height - bottom, width - right, height - bottom), fill="black", width=2)
    for step in range(5):
        value = peak * step / 4
        y = height - bottom - (height - top - bottom) * step / 4
        draw.line((left - 5, y, width - right, y), fill="#dddddd")
        draw.text((5, y - 10), f"{value:.0f}", fill="black", font=font)
    n = max(len(labels), 1)
    slot = (width - left - right) / n
    bar = max(4.0, slot * 0.8 / max(len(series), 1))
    for i, label in enumerate(labels):
        x0 = left + slot * i + slot * 0.1
        for k, s in enumerate(series):
            value = float(s[i]) if i < len(s) else 0.0
            h = (height - top - bottom) * value / peak
            x = x0 + bar * k
            draw.rectangle((x, height - bottom - h, x + bar - 2, height - bottom), fill=COLOURS[k % len(COLOURS)])
            draw.text((x, height - bottom - h - 22), f"{value:g}", fill="black", font=font)
        draw.text((x0, height - bottom + 10), str(label), fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
