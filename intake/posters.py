"""Printable QR posters (A4 PDF): one per grid, or every grid of a township.

Chinese text uses Noto Sans SC shipped inside the ``pylopdf-fonts-zh-cn``
package, embedded in the PDF, so nothing is downloaded and every viewer shows
it."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pylopdf_fonts_zh_cn
import qrcode
from fpdf import FPDF

from regions.models import Grid

FONT = Path(pylopdf_fonts_zh_cn.__file__).parent / "NotoSansSC-Regular.otf"
STEPS = (
    "1. 用手机扫描上方二维码",
    "2. 写下遇到的问题，留不留电话都可以",
    "3. 提交后保存回执编号，随时查看办理进度",
)


def _qr_png(url: str) -> io.BytesIO:
    image = qrcode.make(url, box_size=12, border=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    return out


def posters_pdf(grids: Iterable[Grid], url_for) -> bytes:
    """``url_for(grid)`` gives the absolute URL the grid's code opens."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.add_font("NotoSansSC", fname=str(FONT))
    pages = 0
    for grid in grids:
        pages += 1
        pdf.add_page()
        pdf.set_font("NotoSansSC", size=30)
        pdf.set_y(22)
        pdf.cell(0, 14, "有事请扫码 · 一地也不跑", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("NotoSansSC", size=16)
        pdf.cell(0, 10, f"{grid.village.name} · {grid.name}", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.image(_qr_png(url_for(grid)), x=45, y=60, w=120, h=120)
        pdf.set_y(188)
        pdf.set_font("NotoSansSC", size=14)
        for step in STEPS:
            pdf.cell(0, 9, step, align="C", new_x="LMARGIN", new_y="NEXT")
        worker = grid.workers.first()
        pdf.set_y(230)
        pdf.set_font("NotoSansSC", size=15)
        if worker:
            pdf.cell(
                0,
                9,
                f"网格员：{worker}  工作电话：{worker.phone or '—'}",
                align="C",
                new_x="LMARGIN",
                new_y="NEXT",
            )
        if grid.chief:
            pdf.cell(0, 9, f"网格长：{grid.chief}", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("NotoSansSC", size=10)
        pdf.set_y(270)
        pdf.cell(0, 6, f"网格编码 {grid.code} · 紧急情况请拨打 110 / 119 / 120", align="C")
    if pages == 0:
        raise ValueError("no grids to print")
    return bytes(pdf.output())
