"""`kiosk-diag print-form`: a form filled from an ID card on a (simulated) SAM reader, written as a
PDF or printed through a real private cupsd, as a technician runs it next to the printer."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import uuid

import pdfplumber
import pytest

from sim.citizens import load_citizens
from sim.laser.cupsd import CupsUnavailable, PrivateCups, printed_pdf

pytestmark = pytest.mark.wire


@pytest.fixture
def sam_port(sam_reader):
    reader, port = sam_reader
    reader.place_card(load_citizens()["student_li"])        # 李𠈌: a character outside the BMP
    return port


def diag(*args):
    run = subprocess.run([sys.executable, "-m", "kiosk.diag", "print-form", *args], capture_output=True, text=True,
                         timeout=120, env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"})
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, json.loads(run.stdout)


def test_a_form_filled_from_the_card_is_written_as_a_pdf(sam_port, tmp_path):
    out = tmp_path / "form.pdf"
    code, result = diag("id_card_application", "--sam", sam_port, "--pdf", str(out))
    assert code == 0 and result["pdf"] == str(out) and result["render_ms"] > 0
    citizen = load_citizens()["student_li"]
    with pdfplumber.open(io.BytesIO(out.read_bytes())) as doc:
        text = doc.pages[0].dedupe_chars().extract_text()
    assert "居民身份证申领登记表" in text and citizen.name in text and citizen.address in text
    assert citizen.name not in json.dumps(result, ensure_ascii=False), "no personal data on stdout"


def test_printed_through_cups_it_reports_the_job_to_its_end(sam_port):
    try:
        cupsd = PrivateCups().start()
    except CupsUnavailable as e:
        pytest.fail(f"a private cupsd is needed for this test and could not start: {e}")
    queue = f"diag-{uuid.uuid4().hex[:8]}"
    started = time.time()
    try:
        cupsd.add_pdf_queue(queue)
        code, result = diag("residence_permit", "--sam", sam_port, "--queue", queue, "--server", cupsd.server)
    finally:
        cupsd.stop()
    assert code == 0 and result["state"] == "completed" and result["job_id"] >= 1
    made = printed_pdf("diag-residence_permit").stat()     # /root/PDF is shared: this run's file
    assert made.st_mtime >= started - 1 and made.st_size > 10_000


def test_an_unknown_form_or_missing_arguments_get_a_clear_answer(sam_port):
    code, result = diag("no_such_form", "--sam", sam_port, "--pdf", "/tmp/x.pdf")
    assert code == 2 and "id_card_application" in result["known"]
    run = subprocess.run([sys.executable, "-m", "kiosk.diag", "print-form", "id_card_application"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "needs one form name, --sam PORT" in run.stderr
