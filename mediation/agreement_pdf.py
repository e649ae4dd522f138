"""The mediation agreement (人民调解协议书) as an A4 PDF, with the contents
the People's Mediation Law asks for (第二十九条): the parties' basic facts;
the main facts of the dispute, what is in dispute and each side's
responsibility; what the parties agreed, and how, when and where it is
performed — then signature lines for every party and the mediator and the
committee's seal. One copy per party plus one for the committee's file,
each marked whose it is. Chinese is embedded (Noto Sans SC from
``pylopdf-fonts-zh-cn``), so the document prints the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF

from intake.posters import FONT

FAMILY = "NotoSansSC"


@dataclass(frozen=True)
class PartyLine:
    side: str  # 申请人 / 被申请人 / 第三人
    name: str
    details: str  # gender, age, ethnicity, occupation, address, ID (masked)
    organisation: bool = False  # signs with its seal, not a fingerprint


@dataclass(frozen=True)
class ObligationLine:
    party: str
    what: str
    due: str


@dataclass(frozen=True)
class AgreementDocument:
    number: str
    committee: str
    mediator: str
    title: str  # the dispute type
    parties: list[PartyLine]
    facts: str
    terms: str
    obligations: list[ObligationLine]
    performance: str
    partial: bool
    date: str  # the signing date, or blank lines for a draft


def copies_of(doc: AgreementDocument) -> list[str]:
    """Whose each copy is: one per party, then the file copy."""
    return [f"{p.side} {p.name} 收执" for p in doc.parties] + [f"{doc.committee} 存档"]


def render(doc: AgreementDocument) -> bytes:
    pdf = FPDF(format="A4", unit="mm")
    pdf.add_font(FAMILY, fname=str(FONT))
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=20)
    copies = copies_of(doc)
    for k, owner in enumerate(copies, start=1):
        pdf.add_page()
        _copy(pdf, doc, f"第{k}份，共{len(copies)}份 · {owner}")
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FAMILY, size=12)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=11)


def _para(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 6.5, text, new_x="LMARGIN", new_y="NEXT")


def _copy(pdf: FPDF, doc: AgreementDocument, owner: str) -> None:
    pdf.set_font(FAMILY, size=9)
    pdf.cell(0, 5, owner, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=20)
    pdf.cell(0, 12, "人民调解协议书", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=11)
    pdf.cell(0, 7, doc.number, align="R", new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, "一、当事人基本情况")
    for p in doc.parties:
        _para(pdf, f"{p.side}：{p.name}，{p.details}")
    _heading(pdf, f"二、纠纷主要事实、争议事项及各方责任（{doc.title}）")
    _para(pdf, doc.facts)
    _heading(
        pdf,
        "三、经"
        + doc.committee
        + "主持调解，当事人自愿达成如下协议"
        + ("（部分达成）" if doc.partial else ""),
    )
    _para(pdf, doc.terms)
    _heading(pdf, "四、履行事项")
    pdf.set_font(FAMILY, size=10)
    widths = (34, 96, 36)
    for cells in [("履行方", "履行事项", "履行期限"), *((o.party, o.what, o.due) for o in doc.obligations)]:
        _row(pdf, widths, cells)
    pdf.set_font(FAMILY, size=11)
    _heading(pdf, "五、履行方式、地点、期限")
    _para(pdf, doc.performance)
    pdf.ln(1)
    _para(
        pdf,
        "本协议经人民调解委员会调解达成，具有法律约束力，当事人应当按照约定履行。"
        "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
        "双方当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认。"
        f"本协议一式{len(doc.parties) + 1}份，当事人各执一份，人民调解委员会留存一份。",
    )
    pdf.ln(4)
    for p in doc.parties:
        how = "盖章" if p.organisation else "签名或按指印"
        pdf.cell(
            0,
            10,
            f"{p.side}（{how}）：{p.name}  ____________    日期：__________",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.cell(0, 10, f"人民调解员（签名）：{doc.mediator}  ____________", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.cell(0, 10, f"{doc.committee}（印章）", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, doc.date or "____年____月____日", align="R", new_x="LMARGIN", new_y="NEXT")


def _row(pdf: FPDF, widths: tuple[int, ...], cells: tuple[str, ...]) -> None:
    """A table row whose cells wrap and share the tallest height."""
    line = 6
    lines = [
        len(pdf.multi_cell(w - 2, line, text, dry_run=True, output="LINES"))
        for w, text in zip(widths, cells, strict=True)
    ]
    height = line * max(lines)
    if pdf.will_page_break(height):
        pdf.add_page()
    x, y = pdf.get_x(), pdf.get_y()
    for w, text in zip(widths, cells, strict=True):
        pdf.rect(x, y, w, height)
        pdf.set_xy(x + 1, y)
        pdf.multi_cell(w - 2, line, text)
        x += w
    pdf.set_xy(pdf.l_margin, y + height)
