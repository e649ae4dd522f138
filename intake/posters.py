"""Printable QR posters (A4 PDF) for grids, villages (communities) and
registered sites, one page each, so a township prints its batch at once.

Chinese text uses Noto Sans SC shipped inside the ``pylopdf-fonts-zh-cn``
package, embedded in the PDF, so nothing is downloaded and every viewer shows
it."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pylopdf_fonts_zh_cn
import qrcode
from fpdf import FPDF

FONT = Path(pylopdf_fonts_zh_cn.__file__).parent / "NotoSansSC-Regular.otf"
STEPS = (
    "1. 用手机扫描上方二维码",
    "2. 写下遇到的问题，留不留电话都可以",
    "3. 提交后保存回执编号，随时查看办理进度",
)


@dataclass(frozen=True)
class Poster:
    place: str  # the line under the heading: where this code hangs
    url: str  # what the code opens
    contacts: tuple[str, ...]  # the people to call, one line each
    footer: str


def grid_poster(grid, url: str) -> Poster:
    return Poster(f"{grid.village.name} · {grid.name}", url, _contacts(grid), f"网格编码 {grid.code}")


def site_poster(site, url: str) -> Poster:
    grid = site.grid
    return Poster(
        f"{site.name}（{grid.village.name} · {grid.name}）", url, _contacts(grid), site.address or grid.code
    )


def village_poster(village, url: str, grids: Iterable = ()) -> Poster:
    chiefs = [f"{g.name}网格长：{g.chief}" for g in grids if g.chief][:3]
    return Poster(village.name, url, tuple(chiefs), f"区划代码 {village.code}")


def _contacts(grid) -> tuple[str, ...]:
    lines = []
    if worker := grid.workers.first():
        lines.append(f"网格员：{worker}  工作电话：{worker.phone or '—'}")
    if grid.chief:
        lines.append(f"网格长：{grid.chief}")
    return tuple(lines)


def _qr_png(url: str) -> io.BytesIO:
    image = qrcode.make(url, box_size=12, border=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    return out


def posters_pdf(posters: Iterable[Poster]) -> bytes:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.add_font("NotoSansSC", fname=str(FONT))
    for poster in posters:
        pdf.add_page()
        pdf.set_font("NotoSansSC", size=30)
        pdf.set_y(22)
        pdf.cell(0, 14, "有事请扫码 · 一地也不跑", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("NotoSansSC", size=16)
        pdf.multi_cell(0, 9, poster.place, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.image(_qr_png(poster.url), x=45, y=60, w=120, h=120)
        pdf.set_y(188)
        pdf.set_font("NotoSansSC", size=14)
        for step in STEPS:
            pdf.cell(0, 9, step, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(230)
        pdf.set_font("NotoSansSC", size=15)
        for line in poster.contacts:
            pdf.cell(0, 9, line, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("NotoSansSC", size=10)
        pdf.set_y(270)
        pdf.cell(0, 6, f"{poster.footer} · 紧急情况请拨打 110 / 119 / 120", align="C")
    if pdf.page == 0:
        raise ValueError("no posters to print")
    return bytes(pdf.output())
