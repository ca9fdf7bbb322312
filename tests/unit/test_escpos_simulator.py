"""The virtual printer's side of the wire: parsing, status answers, faults, what lands on paper."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.printer.commands import raster_image
from drivers.printer.status import STATUS_QUERY_ALL, fits_fixed_pattern
from drivers.printer.ticket_layout import PaperProfile, compose_ticket, example_fields, load_template
from sim.printer.escpos_parser import EscPosParser
from sim.printer.virtual_printer import KEEP_IMAGES, PRINTER_STATES, VirtualPrinter
from sim.scenario import ScenarioError, load_scenario

TICKET = compose_ticket(load_template(), example_fields(), PaperProfile())


@pytest.fixture
def printer(tmp_path):
    return VirtualPrinter(out_dir=tmp_path)


@pytest.mark.parametrize("state, answers", [
    ("ok", b"\x12\x12\x12\x12"),
    ("paper_near_end", b"\x12\x12\x12\x1e"),
    ("paper_out", b"\x1a\x32\x12\x7e"),     # the near-end sensor sees no paper either
    ("cover_open", b"\x1a\x16\x12\x12"),
    ("offline", b"\x1a\x12\x12\x12"),
    ("cutter_error", b"\x3a\x52\x1a\x12"),
])
def test_status_answers_are_byte_exact(state, answers):
    printer = VirtualPrinter(state=state)
    assert printer.feed(STATUS_QUERY_ALL) == answers


def test_a_received_ticket_is_printed_with_text_and_qr(printer, tmp_path):
    assert printer.feed(TICKET) == b""
    [ticket] = printer.printed
    assert ticket.png_path == tmp_path / "ticket-0001.png" and ticket.png_path.stat().st_size > 1000
    assert ticket.qr_payloads == [example_fields()["ticket_id"]]
    assert "A012" in ticket.text_lines and "办理事项 Service: 社会保障卡申领" in ticket.text_lines
    assert ticket.byte_count == len(TICKET) and ticket.rasters == 0
    assert ticket.image.width == 576


def test_bytes_split_anywhere_print_the_same_ticket(printer):
    whole = VirtualPrinter()
    whole.feed(TICKET)
    for i in range(len(TICKET)):
        printer.feed(TICKET[i:i + 1])
    [a], [b] = whole.printed, printer.printed
    assert a.text_lines == b.text_lines and a.qr_payloads == b.qr_payloads
    assert a.image.tobytes() == b.image.tobytes()


def test_status_query_in_the_middle_of_a_ticket_is_answered_at_once(printer):
    half = len(TICKET) // 2
    assert printer.feed(TICKET[:half] + b"\x10\x04\x04") == b"\x12"
    printer.feed(TICKET[half:])
    assert len(printer.printed) == 1 and printer.printed[0].byte_count == len(TICKET)


def test_a_raster_line_lands_on_paper(printer):
    data = b"\x1b@" + raster_image(2, 3, b"\xff\xff\x00\x00\x80\x01") + b"\x1dV\x01"
    printer.feed(data)
    [ticket] = printer.printed
    assert ticket.rasters == 1
    img = ticket.image
    ink = [(x, y) for y in range(img.height) for x in range(16) if img.getpixel((x, y)) < 128]
    top = min(y for _, y in ink)
    assert {(x, top) for x in range(16)} <= set(ink)                    # first row all black
    assert {(0, top + 2), (15, top + 2)} <= set(ink) and (7, top + 2) not in ink


def test_a_four_byte_gb18030_character_prints_as_one_wide_character(printer):
    printer.feed(b"\x1b@\x1c&" + "姓名：𠈌".encode("gb18030") + b"\n\x1dV\x01")
    assert printer.printed[0].text_lines == ["姓名：𠈌"]


@pytest.mark.parametrize("state", ["paper_out", "cover_open", "offline", "cutter_error"])
def test_a_stopped_printer_prints_nothing_and_resumes_after_ok(printer, state):
    printer.set_state(state)
    printer.feed(TICKET)
    assert printer.printed == []
    printer.set_state("ok")
    printer.feed(TICKET)
    assert len(printer.printed) == 1


def test_near_end_still_prints(printer):
    printer.set_state("paper_near_end")
    printer.feed(TICKET)
    assert len(printer.printed) == 1


def test_paper_runs_out_after_n_tickets_and_a_new_roll_brings_n_more():
    printer = VirtualPrinter(paper_out_after=2)
    for _ in range(3):
        printer.feed(TICKET)
    assert len(printer.printed) == 2 and printer.state == "paper_out"
    assert printer.feed(b"\x10\x04\x04") == b"\x7e"
    printer.set_state("ok")
    for _ in range(3):
        printer.feed(TICKET)
    assert len(printer.printed) == 4 and printer.state == "paper_out"


def test_cutter_jams_at_the_scripted_cut():
    printer = VirtualPrinter(cutter_error_after=2)
    printer.feed(TICKET + TICKET)
    assert len(printer.printed) == 2                     # the jammed ticket did print
    assert printer.state == "cutter_error"
    assert printer.feed(b"\x10\x04\x03") == b"\x1a"      # autocutter error bit
    printer.feed(TICKET)
    assert len(printer.printed) == 2


def test_near_end_sensor_trips_after_n_tickets():
    printer = VirtualPrinter(near_end_after=1)
    printer.feed(TICKET)
    assert printer.state == "paper_near_end"


def test_on_ticket_is_called_at_each_cut_and_may_change_state(printer):
    seen = []
    printer.on_ticket = lambda t: (seen.append(t), printer.set_state("cover_open"))
    printer.feed(TICKET)
    printer.feed(TICKET)
    assert len(seen) == 1 and printer.state == "cover_open"


def test_png_numbering_continues_after_files_already_there(tmp_path):
    VirtualPrinter(out_dir=tmp_path).feed(TICKET)
    second = VirtualPrinter(out_dir=tmp_path)
    second.feed(TICKET)
    assert second.printed[0].png_path.name == "ticket-0002.png"


def test_wait_for_tickets_times_out_clearly(printer):
    with pytest.raises(TimeoutError, match="0 of 1"):
        printer.wait_for_tickets(1, timeout=0.05)


def test_unknown_state_is_refused(printer):
    with pytest.raises(ValueError, match="paper_out"):
        printer.set_state("jammed")


def test_parser_skips_unknown_commands_and_keeps_going():
    ops = EscPosParser().feed(b"\x1b\x7fA\x1d\x7fB\x1c\x7fC\n")
    assert [op.args[0] for op in ops if op.kind == "char"] == ["A", "B", "C"]


def test_parser_refuses_an_absurd_raster_length_instead_of_waiting_forever():
    ops = EscPosParser().feed(b"\x1dv0\x00\xff\xff\xff\xffAB")
    assert [op.args[0] for op in ops if op.kind == "char"] == ["A", "B"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=64), max_size=12), st.sampled_from(PRINTER_STATES))
def test_random_bytes_never_crash_the_printer(chunks, state):
    printer = VirtualPrinter(state=state)
    for chunk in chunks:
        answer = printer.feed(chunk)
        assert all(fits_fixed_pattern(b) for b in answer)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=200))
def test_garbage_then_a_fresh_connection_still_prints(garbage):
    printer = VirtualPrinter()
    printer.feed(garbage)
    printer.connection_reset()
    printer.feed(TICKET)
    assert printer.printed[-1].qr_payloads == [example_fields()["ticket_id"]]


# ---------------------------------------------------------------- scenarios
def test_shipped_scenarios_load():
    from pathlib import Path
    files = sorted((Path(__file__).resolve().parents[2] / "sim" / "scenarios").glob("*.yaml"))
    assert files
    for f in files:
        assert load_scenario(f).printer.state in PRINTER_STATES


def test_scenario_drives_the_printer(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("printer:\n  paper_out_after: 1\n  state: paper_near_end\n", encoding="utf-8")
    printer = VirtualPrinter.from_scenario(load_scenario(f).printer)
    assert printer.state == "paper_near_end"
    printer.feed(TICKET + TICKET)
    assert len(printer.printed) == 1 and printer.state == "paper_out"


@pytest.mark.parametrize("text, key, words", [
    ("printer:\n  paper_out_afer: 3\n", "printer.paper_out_afer", "unknown key"),
    ("printr:\n  state: ok\n", "printr", "unknown key"),
    ("printer:\n  state: jammed\n", "printer.state", "paper_out"),
    ("printer: [1, 2\n", "line 2, column 1", "YAML"),
])
def test_scenario_mistakes_name_file_and_key(tmp_path, text, key, words):
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert e.value.file == str(f) and e.value.key == key and words in e.value.problem


def test_a_printer_running_all_day_keeps_only_the_newest_pictures_in_memory():
    printer = VirtualPrinter()
    for n in range(KEEP_IMAGES + 5):
        printer.feed(compose_ticket(load_template(), example_fields(number=f"A{n:03d}"), PaperProfile()))
    assert len(printer.printed) == KEEP_IMAGES + 5                       # every slip is still recorded...
    assert [t.image is not None for t in printer.printed] == [False] * 5 + [True] * KEEP_IMAGES
    assert "A000" in printer.printed[0].text_lines                       # ...with its text
