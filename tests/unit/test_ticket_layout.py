"""The ticket layout (printer_templates/ticket.yaml) turned into ESC/POS bytes."""

import pytest
import yaml

from drivers.printer.raster import cells_of
from drivers.printer.ticket_layout import (PaperProfile, TemplateError, compose_ticket, example_fields, load_template,
                                           printable_in_font, wrap)
from kiosk.config import load_config

RASTER = b"\x1dv0"
QR_MODEL, QR_MODULE, QR_EC = b"\x1d(k\x04\x001A2\x00", b"\x1d(k\x03\x001C", b"\x1d(k\x03\x001E"
QR_PRINT = b"\x1d(k\x03\x001Q0"


@pytest.fixture(scope="module")
def template():
    return load_template()


@pytest.fixture
def profile():
    return PaperProfile()   # gb18030 text, GBK font, 576 dots, 48 columns, partial cut


def test_shipped_template_uses_the_fields_the_kiosk_supplies(template):
    assert template.fields == set(example_fields())
    # and the shipped kiosk profile is one compose_ticket accepts
    compose_ticket(template, example_fields(), PaperProfile(**load_config().profile_for_printer().model_dump()))


def test_ticket_is_gb18030_text_in_chinese_mode(template, profile):
    data = compose_ticket(template, example_fields(), profile)
    assert data.startswith(b"\x1b@")                    # ESC @: a clean start
    assert b"\x1c&" in data[:12]                         # FS &: 汉字 mode before any text
    for text in ("东莞松山湖政务服务中心", "社会保障卡申领", "受理 Application", "A012", "社会民生综合窗口"):
        assert text.encode("gb18030") in data, text
    assert RASTER not in data                            # nothing needed drawing as an image


def test_ticket_has_a_native_qr_code_of_the_ticket_id(template, profile):
    data = compose_ticket(template, example_fields(ticket_id="T-42-abc"), profile)
    store = b"\x1d(k" + bytes([len("T-42-abc") + 3, 0]) + b"1P0T-42-abc"
    positions = [data.index(part) for part in (QR_MODEL, QR_MODULE + b"\x06", QR_EC + b"1", store, QR_PRINT)]
    assert positions == sorted(positions)                # model, size, EC level, data, then print


def test_typical_ticket_fits_in_two_kilobytes(template, profile):
    busiest = example_fields(priority_mark="优先 Priority", reprint_mark="补打 Reprint",
                             appointment_mark="预约 Appointment 10:00-10:30",
                             item_name="企业开办（设立登记、公章刻制、申领发票、社保登记）一网通办",
                             window_group_name="企业开办专区 (7-9号窗口)")
    for fields in (example_fields(), busiest):
        assert len(compose_ticket(template, fields, profile)) <= 2048


@pytest.mark.parametrize("cut, command", [("partial", b"\x1dV\x01"), ("full", b"\x1dV\x00")])
def test_ticket_ends_with_feed_and_the_profiles_cut(template, cut, command):
    data = compose_ticket(template, example_fields(), PaperProfile(cut=cut))
    assert data.endswith(b"\x1bd\x06" + command)


@pytest.mark.parametrize("rare", ["䶮", "𠈌"])
def test_a_rare_character_rasterises_only_its_own_line(template, profile, rare):
    fields = example_fields(item_name=f"{rare}氏宗祠登记")
    data = compose_ticket(template, fields, profile)
    assert data.count(RASTER) == 1
    assert "宗祠".encode("gb18030") not in data           # that line went as an image...
    assert "东莞松山湖".encode("gb18030") in data          # ...every other line stays text
    assert "社会民生综合窗口".encode("gb18030") in data
    assert len(data) < 4096                              # one drawn line, not a drawn ticket


def test_a_printer_with_a_gb18030_font_prints_rare_characters_as_text(template):
    profile = PaperProfile(font_charset="gb18030")
    data = compose_ticket(template, example_fields(item_name="䶮𠈌"), profile)
    assert RASTER not in data and "䶮𠈌".encode("gb18030") in data


def test_font_check_follows_the_profile():
    assert printable_in_font("社会保障", "gb18030", "gbk")
    assert not printable_in_font("䶮", "gb18030", "gbk")
    assert not printable_in_font("镕", "gb18030", "gb2312")      # GBK has it, GB2312 does not
    assert printable_in_font("镕", "gb18030", "gbk")


def test_empty_notice_lines_are_left_out(template, profile):
    plain = compose_ticket(template, example_fields(), profile)
    assert "【".encode("gb18030") not in plain
    marked = compose_ticket(template, example_fields(reprint_mark="补打", priority_mark="优先"), profile)
    assert "【补打】".encode("gb18030") in marked and "【优先】".encode("gb18030") in marked


def test_a_field_cannot_smuggle_printer_commands(template, profile):
    data = compose_ticket(template, example_fields(item_name="办证\x1bi\x1dV\x00续"), profile)
    assert b"\x1bi" not in data and data.count(b"\x1dV") == 1


def test_a_missing_field_names_itself(template, profile):
    fields = example_fields()
    del fields["window_group_name"]
    with pytest.raises(TemplateError) as e:
        compose_ticket(template, fields, profile)
    assert e.value.key == "window_group_name"


def test_any_profile_like_object_is_accepted(template):
    profile = PaperProfile(encoding="gbk", font_charset="gbk", width_dots=384, chars_per_line=32, cut="full")
    data = compose_ticket(template, example_fields(), profile)
    assert "社会保障卡申领".encode("gbk") in data and data.endswith(b"\x1dV\x00")


@pytest.mark.parametrize("columns", [48, 32])
def test_long_lines_wrap_within_the_paper(columns):
    text = "办理事项 Service: 企业开办（设立登记、公章刻制、申领发票、社保登记）一网通办 one-stop service"
    lines = wrap(text, columns, "gb18030")
    assert len(lines) > 1
    assert all(sum(cells_of(c, "gb18030") for c in line) <= columns for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(not line.startswith(" ") for line in lines)


def test_latin_words_are_not_cut_in_half():
    assert wrap("Please watch the screens for your number", 20) == ["Please watch the", "screens for your", "number"]


# ---------------------------------------------------------------- template files a hall edits
def write_template(tmp_path, data, name="custom"):
    (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("data, key, words", [
    ({"lines": [{"text": "x"}], "colour": "red"}, "colour", "unknown key"),
    ({"lines": [{"text": "x", "allign": "center"}]}, "lines.0.allign", "unknown key"),
    ({"lines": [{"text": "x", "align": "middle"}]}, "lines.0.align", "center"),
    ({"lines": [{"text": "x", "qr": "y"}]}, "lines.0", "exactly one"),
    ({"lines": [{"text": "x", "width": 9}]}, "lines.0.width", "8"),
    ({"lines": [{"text": "{item name}"}]}, "lines.0.text", "plain field name"),
    ({"lines": []}, "lines", "at least one"),
])
def test_template_mistakes_name_file_and_key(tmp_path, data, key, words):
    with pytest.raises(TemplateError) as e:
        load_template("custom", write_template(tmp_path, data))
    assert e.value.file.endswith("custom.yaml")
    assert e.value.key == key and words in e.value.problem


def test_missing_template_and_odd_names_are_refused(tmp_path):
    with pytest.raises(TemplateError, match="not found"):
        load_template("nope", tmp_path)
    with pytest.raises(TemplateError):
        load_template("../config/kiosk")


def test_a_custom_template_is_used_as_written(tmp_path, profile):
    template = load_template("custom", write_template(tmp_path, {"cut": False, "lines": [
        {"text": "{number}", "align": "right", "width": 2, "height": 3, "bold": True}, {"feed": 2}]}))
    data = compose_ticket(template, {"number": "C007"}, profile)
    assert b"\x1ba\x02\x1d!\x12\x1bE\x01C007\n\x1bd\x02" in data
    assert b"\x1dV" not in data and b"\x1d(k" not in data
