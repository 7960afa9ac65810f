"""The HTML 通报 in a real browser: Debian's chromium, headless.

Chromium comes from the ``chromium`` fixture (Debian's, installed by the project's script
when missing).
The screenshot is read with zlib (no imaging library): it must not be blank, and the
page as the browser built it must name every department.
"""

from __future__ import annotations

import os
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from duban.reports import Dataset, Period, build_report, render_report

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


def browse(chromium: str, page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *extra,
                           page.as_uri()], capture_output=True, timeout=180, check=False,
                          env={**os.environ, "HOME": str(tmp)})


def png_pixels(data: bytes) -> tuple[int, int, list[bytes], int]:
    """(width, height, rows of raw pixels, bytes per pixel) of an 8-bit RGB/RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, []
    width = height = bpp = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev, strict=True))
        elif kind == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((left + prev[x]) >> 1)) & 255
        elif kind == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows, bpp


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, dataset: Dataset) -> Path:
    path = tmp_path_factory.mktemp("html") / "通报.html"
    path.write_bytes(render_report(dataset, Period.month("2026-11"), "html").data)
    return path


def test_screenshot_is_not_blank(chromium: str, page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    proc = browse(chromium, page, tmp_path, f"--screenshot={shot}", "--window-size=1200,1600")
    assert shot.exists(), proc.stderr.decode(errors="replace")[-2000:]
    width, height, rows, bpp = png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 1600)
    background = rows[0][:3]
    colours: set[bytes] = set()
    inked = 0
    for row in rows[::4]:  # every 4th row and column is plenty to judge
        for x in range(0, width * bpp, 4 * bpp):
            px = row[x:x + 3]
            colours.add(px)
            inked += px != background
    sampled = (height // 4) * (width // 4)
    assert inked / sampled > 0.02, "the page is (nearly) blank"
    assert len(colours) > 20
    reds = [px for px in colours if px[0] > 150 and px[1] < 80 and px[2] < 80]
    assert reds, "neither the red title nor the red bars were drawn"


def test_browser_shows_every_department(chromium: str, page: Path, tmp_path: Path,
                                        dataset: Dataset) -> None:
    proc = browse(chromium, page, tmp_path, "--dump-dom")
    dom = proc.stdout.decode("utf-8")
    assert "<svg" in dom, proc.stderr.decode(errors="replace")[-2000:]
    for name in build_report(dataset, Period.month("2026-11")).departments:
        assert name in dom
    assert dom.count('class="bar"') == 7
