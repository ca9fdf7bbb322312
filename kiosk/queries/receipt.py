"""A query's answer on paper: a receipt on the ticket printer, or an A4 page on the form
printer; both say 仅供查询 (for reference only), so nobody takes them for a certificate."""
from __future__ import annotations

from drivers.printer.ticket_layout import FeedBlock, PaperProfile, RuleBlock, TextBlock, TicketTemplate, compose_ticket
from kiosk.queries.plugin import Answer

MARK = "仅供查询 For reference only"


def _literal(text: str) -> str:         # the layout fills {fields}: an answer's braces are text
    return text.replace("{", "{{").replace("}", "}}")


def receipt_bytes(answer: Answer, title: str, hall_name: str, profile: PaperProfile) -> bytes:
    """ESC/POS bytes: the hall, the query, each row as `label：value` lines, and the mark."""
    lines: list = [TextBlock(text=_literal(hall_name), align="center", bold=True, height=2),
                   TextBlock(text=_literal(f"自助查询 · {title}"), align="center"),
                   TextBlock(text=f"【{MARK}】", align="center", bold=True),
                   RuleBlock(rule="-")]
    for row in answer.rows:
        for column in answer.columns:
            if row.get(column.key):
                lines.append(TextBlock(text=_literal(f"{column.label}：{row[column.key]}")))
        lines.append(RuleBlock(rule="-"))
    lines += [TextBlock(text=f"查询时间 Printed: {answer.asked_at:%Y-%m-%d %H:%M}", align="center"),
              TextBlock(text="仅供查询，不作为办事凭证", align="center"),
              TextBlock(text="Not valid as an official record", align="center"),
              FeedBlock(feed=1)]
    return compose_ticket(TicketTemplate(name="query", source="(query receipt)", lines=tuple(lines)), {}, profile)


def a4_pdf(answer: Answer, title: str, hall_name: str) -> bytes:
    from drivers.laser.form_pdf import draw_table
    return draw_table(f"{title}（仅供查询）",
                      [hall_name, f"查询时间：{answer.asked_at:%Y-%m-%d %H:%M}",
                       "本页仅供查询，不作为办事凭证。Not valid as an official record."],
                      [c.label for c in answer.columns],
                      [[row.get(c.key, "") for c in answer.columns] for row in answer.rows], "仅供查询")
