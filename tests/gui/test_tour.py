"""The screenshot tour: what a person opens to see every screen and every printed ticket."""
import json

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from kiosk.config import load_config
from kiosk.hall.sqlite_hall import SqliteHall
from sim.tour import run_tour

pytestmark = pytest.mark.gui


def test_tour_shows_every_screen_and_a_scannable_ticket(tmp_path):
    run_tour(tmp_path, ssc_reader=False)     # the machine's one vpcd slot may be another test's
    manifest = json.loads((tmp_path / "tour.json").read_text(encoding="utf-8"))
    screens = {e["screen"]: e for e in manifest if "screen" in e}
    tickets = [e for e in manifest if "ticket" in e]
    for wanted in ("home_card_prompt", "categories", "items", "search_sbk", "kind", "printing", "done",
                   "printing_interrupted", "home_paper_out", "identified", "done_priority", "done_reprint", "card_error",
                   "idle_countdown", "pin_pad", "technician", "technician_test_read", "technician_timeline", "home_en",
                   "evaluate", "evaluate_reason_needed", "evaluated", "evaluate_elder", "evaluate_en",
                   "queries", "query_receipt", "query_result", "query_payments", "queries_en"):
        assert wanted in screens, f"the tour has no {wanted} screen"
    for entry in manifest:
        with Image.open(tmp_path / entry["file"]) as image:
            assert image.width >= 576 and image.getbbox() is not None      # a real, non-empty picture

    issued = screens["done"]["ticket_number"]
    ticket = next(t for t in tickets if t["ticket_number"] == issued)
    with Image.open(tmp_path / ticket["file"]) as image:
        payloads = [code.data.decode() for code in decode(image)]
    # The QRs on the paper scan to the ticket id, and to this ticket's 好差评 page.
    assert sorted(payloads) == sorted([ticket["ticket_id"], f"https://hcp.example.gov.cn/rate?hall=dg-ssl"
                                                            f"&ticket={ticket['ticket_id']}"])

    hall = SqliteHall(load_config(), tmp_path / "sim" / "hall.sqlite")
    try:
        known = hall.ticket(ticket["ticket_id"])
    finally:
        hall.close()
    assert known.number == issued
    assert known.window_group_name and known.item_name
