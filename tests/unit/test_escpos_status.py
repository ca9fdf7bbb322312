"""DLE EOT status bytes: what the kiosk concludes from each printer state, and garbage refused."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.printer.errors import PrinterNotReady, PrinterProtocolError
from drivers.printer.status import (STATUS_FLAGS, STATUS_REQUEST, PrinterStatus, decode_status,
                                    encode_status_byte, fits_fixed_pattern)
from kiosk.wording import say
from sim.printer.states import PRINTER_STATES, status_bytes_for


def test_status_requests_are_dle_eot_n():
    assert STATUS_REQUEST == {1: b"\x10\x04\x01", 2: b"\x10\x04\x02", 3: b"\x10\x04\x03", 4: b"\x10\x04\x04"}


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_a_ready_printer_answers_0x12(n):
    assert encode_status_byte(n) == 0x12


@pytest.mark.parametrize("n, flag, byte", [
    (1, "offline", 0x1A), (1, "waiting_recovery", 0x32), (1, "feed_button", 0x52),
    (2, "cover_open", 0x16), (2, "feeding_by_button", 0x1A), (2, "paper_end_stop", 0x32), (2, "error", 0x52),
    (3, "recoverable_error", 0x16), (3, "cutter_error", 0x1A), (3, "unrecoverable_error", 0x32),
    (3, "auto_recoverable_error", 0x52),
    (4, "paper_near_end", 0x1E), (4, "paper_out", 0x72),
])
def test_each_flag_sets_its_documented_bits(n, flag, byte):
    assert encode_status_byte(n, **{flag: True}) == byte
    assert encode_status_byte(n, **{flag: False}) == 0x12


@given(st.sampled_from([1, 2, 3, 4]).flatmap(
    lambda n: st.tuples(st.just(n), st.dictionaries(st.sampled_from(sorted(STATUS_FLAGS[n])), st.booleans()))))
def test_every_flag_combination_keeps_the_fixed_pattern(n_flags):
    n, flags = n_flags
    assert fits_fixed_pattern(encode_status_byte(n, **flags))


def test_unknown_flag_or_n_is_refused():
    with pytest.raises(ValueError, match="cover_open"):
        encode_status_byte(1, cover_open=True)      # cover_open belongs to n=2
    with pytest.raises(ValueError):
        encode_status_byte(5)


EXPECTED = {
    "ok": dict(ready=True, online=True, paper="ok", cover_open=False, cutter_error=False),
    "paper_near_end": dict(ready=True, online=True, paper="near_end", cover_open=False, cutter_error=False),
    "paper_out": dict(ready=False, online=False, paper="out", cover_open=False, cutter_error=False),
    "cover_open": dict(ready=False, online=False, paper="ok", cover_open=True, cutter_error=False),
    "offline": dict(ready=False, online=False, paper="ok", cover_open=False, cutter_error=False),
    "cutter_error": dict(ready=False, online=False, paper="ok", cover_open=False, cutter_error=True),
}


@pytest.mark.parametrize("state", PRINTER_STATES)
def test_decoding_every_printer_state(state):
    status = decode_status(status_bytes_for(state))
    for attr, value in EXPECTED[state].items():
        assert getattr(status, attr) == value, attr
    # A citizen is told why exactly when no ticket can come out.
    assert bool(say(status.reason, "zh_CN")) == (not status.ready)
    assert bool(say(status.reason, "en")) == (not status.ready)


def test_reasons_are_plain_words():
    assert say(decode_status(status_bytes_for("paper_out")).reason, "zh_CN") == "打印纸用完了，请工作人员换纸"
    assert "盖子" in say(decode_status(status_bytes_for("cover_open")).reason, "zh_CN")
    assert "切纸" in say(decode_status(status_bytes_for("cutter_error")).reason, "zh_CN")
    assert "paper" in say(decode_status(status_bytes_for("paper_out")).reason, "en")


def test_paper_near_end_warns_staff_but_still_prints():
    status = decode_status(status_bytes_for("paper_near_end"))
    assert status.ready and say(status.reason, "zh_CN") == ""
    assert "快用完" in say(status.warning, "zh_CN") and say(status.warning, "en")


def test_paper_end_seen_by_the_offline_cause_alone_still_means_out():
    # Some printers have no roll sensor (n=4 always 0x12) but stop with "paper end" in n=2.
    status = decode_status({1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x12})
    assert status.paper == "out" and not status.ready


@pytest.mark.parametrize("garbage", [0x00, 0xFF, 0x13, 0x10, ord("O"), ord("K"), 0x92])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_a_byte_breaking_the_fixed_pattern_is_a_protocol_error(n, garbage):
    answers = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12, n: garbage}
    with pytest.raises(PrinterProtocolError) as e:
        decode_status(answers)
    assert f"DLE EOT {n}" in str(e.value) and say(e.value.message, "zh_CN")


def test_a_missing_answer_is_a_protocol_error():
    with pytest.raises(PrinterProtocolError, match="DLE EOT 3"):
        decode_status({1: 0x12, 2: 0x12, 4: 0x12})


@given(st.lists(st.integers(0, 255), min_size=4, max_size=4))
def test_any_four_bytes_decode_or_are_refused(raw):
    answers = dict(zip((1, 2, 3, 4), raw))
    if all(fits_fixed_pattern(b) for b in raw):
        assert isinstance(decode_status(answers), PrinterStatus)
    else:
        with pytest.raises(PrinterProtocolError):
            decode_status(answers)


def test_not_ready_error_carries_the_status_and_its_reason():
    status = decode_status(status_bytes_for("paper_out"))
    err = PrinterNotReady(status)
    assert err.status is status and not err.during_print
    assert say(err.message, "zh_CN") == say(status.reason, "zh_CN")
    assert say(err.message, "en") == say(status.reason, "en")
