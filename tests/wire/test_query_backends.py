"""自助查询 plug-ins against the simulated back-ends over real HTTP: masked answers, and every
kind of bad answer refused with its own typed error and a calm sentence, never a hang."""
from __future__ import annotations

import logging
import os
import time
from datetime import datetime

import pdfplumber
import pytest

from drivers.printer.ticket_layout import PaperProfile
from kiosk.config import load_config
from kiosk.queries.plugin import NothingFound, Question, QueryRefused, QueryUnavailable, load_plugin, run
from kiosk.queries.receipt import a4_pdf, receipt_bytes
from kiosk.wording import say
from sim.kiosk_sim import with_queries_at
from sim.query_backends import CHEN, WANG, ZHANG, QueryBackends

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")      # Qt draws the A4 page; no display here


@pytest.fixture
def backends():
    server = QueryBackends()
    yield server
    server.stop()


@pytest.fixture
def queries(backends):
    config = with_queries_at(load_config(), backends)
    return {q.id: q for q in config.queries}


def ask(query, question: Question):
    return run(load_plugin(query), query, question, datetime(2026, 11, 26, 10, 30))


def test_case_progress_by_receipt_is_masked_and_a_wrong_phone_finds_nothing(queries):
    answer = ask(queries["case_progress"], Question(receipt_no="SL20261120-0012", phone_last4="8000"))
    [row] = answer.rows
    assert row["applicant"] == "张*国" and row["step"] == "制卡中"
    with pytest.raises(NothingFound) as e:
        ask(queries["case_progress"], Question(receipt_no="SL20261120-0012", phone_last4="1234"))
    assert say(e.value.message, "zh_CN").startswith("没有查到相关记录")


def test_payments_and_appointments_by_card_mask_what_their_columns_say(queries):
    payments = ask(queries["ssc_contributions"], Question(id_number=WANG))
    assert len(payments.rows) == 12 and payments.rows[0]["personal"] == "640.00"      # amounts as they are
    visits = ask(queries["my_appointments"], Question(id_number=ZHANG))
    assert [r["phone"] for r in visits.rows] == ["138****8000"] * 2


def test_someone_elses_records_are_refused_and_logged_masked(queries, backends, caplog):
    backends.wrong_person = True
    with caplog.at_level(logging.ERROR), pytest.raises(QueryRefused) as e:
        ask(queries["ssc_contributions"], Question(id_number=WANG))
    assert "为保护个人信息没有显示" in say(e.value.message, "zh_CN")
    assert CHEN not in caplog.text and WANG not in caplog.text and "4403**********1023" in caplog.text


def test_an_html_error_page_a_slow_and_a_dead_back_end_are_each_unavailable_in_time(queries, backends):
    query = queries["case_progress"].model_copy(update={"timeout_s": 0.5})
    question = Question(receipt_no="SL20261120-0012", phone_last4="8000")
    backends.garbage = True
    with pytest.raises(QueryUnavailable, match="not JSON"):
        ask(query, question)
    backends.garbage, backends.slow_s = False, 1.5
    started = time.monotonic()
    with pytest.raises(QueryUnavailable, match="ReadTimeout"):
        ask(query, question)
    assert time.monotonic() - started < 1.2
    backends.slow_s = 0
    backends.down()
    with pytest.raises(QueryUnavailable, match="ConnectionError"):
        ask(query, question)


@pytest.mark.parametrize("answer, error", [
    ([1, 2], QueryUnavailable),                                                   # not {subject, rows}
    ({"subject": {"id_number": WANG}, "rows": "all"}, QueryUnavailable),
    ({"subject": {"id_number": WANG}, "rows": [{"month": {"$gt": ""}}]}, QueryUnavailable),
    ({"subject": {}, "rows": [{"month": "2026-10"}]}, QueryRefused),               # whose is it? unknown
    ({"subject": {"id_number": WANG.lower()}, "rows": []}, NothingFound),
])
def test_answers_of_the_wrong_shape_never_reach_the_screen(queries, answer, error):
    class Province:
        def ask(self, question):
            return answer
    with pytest.raises(error):
        run(Province(), queries["ssc_contributions"], Question(id_number=WANG), datetime.now())


def test_printed_answers_say_for_reference_only(queries, tmp_path, qapp):     # Qt draws the A4 page
    answer = ask(queries["ssc_contributions"], Question(id_number=WANG))
    data = receipt_bytes(answer, "社保缴费记录", "东莞松山湖政务服务中心", PaperProfile())
    assert "仅供查询".encode("gb18030") in data and "640.00".encode() in data
    (tmp_path / "page.pdf").write_bytes(a4_pdf(answer, "社保缴费记录", "东莞松山湖政务服务中心"))
    with pdfplumber.open(tmp_path / "page.pdf") as pdf:
        text = pdf.pages[0].extract_text()
    assert "仅供查询" in text and "2026-10" in text and "640.00" in text
