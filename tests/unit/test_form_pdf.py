"""Filled application forms as PDF, checked the way a ruler would: every character read back by
pdfplumber (not by our renderer) lands inside its field's box within 0.2 mm, ID digits sit in the
middle of their cells, the fonts are embedded, rare characters keep their text, and a bad
template is refused naming its file and field."""
from __future__ import annotations

import io
import os
from datetime import date

import pdfplumber
import pikepdf
import pytest
import yaml

from drivers.laser.form_layout import forms_directory, load_form
from drivers.laser.form_pdf import Calibration, render_form
from kiosk.config import ConfigError, load_hall_settings
from kiosk.forms import FormData, form_values, load_forms, typed_id_number_ok

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
PT_MM = 25.4 / 72
TOLERANCE_MM = 0.2
ID_FORM = forms_directory() / "id_card_application.yaml"
VALUES = {"name": "张䶮𠈌", "sex": "男", "nation": "汉", "birth_date": "1956年7月8日",
          "id_number": "440305195607081023", "address": "广东省东莞市松山湖高新技术产业开发区科技十路创新科技园5栋1203房",
          "issuer": "东莞市公安局", "validity": "2016.03.01-长期", "first": "GA001", "expired": "GA001",
          "lost": "GA001", "phone": "13800138000", "item": "居民身份证申领"}


@pytest.fixture
def layout(qapp):
    return load_form(ID_FORM)


def chars_of(pdf: bytes) -> list[dict]:
    """Every character on the page: text, font and its box in mm from the top-left corner."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        return [{"text": c["text"], "font": c["fontname"], "x0": c["x0"] * PT_MM, "x1": c["x1"] * PT_MM,
                 "top": c["top"] * PT_MM, "bottom": c["bottom"] * PT_MM} for c in page.chars if c["text"].strip()]


def inside(char: dict, box, tolerance: float = TOLERANCE_MM) -> bool:
    x, y, w, h = box
    return (char["x0"] >= x - tolerance and char["x1"] <= x + w + tolerance
            and char["top"] >= y - tolerance and char["bottom"] <= y + h + tolerance)


def by_field(layout, chars) -> dict[str, str]:
    """Which field's box holds each character (by its centre), read in writing order."""
    found: dict[str, list[dict]] = {}
    for c in chars:
        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        name = next(n for n, f in layout.fields.items()
                    if f.box_mm[0] <= cx <= f.box_mm[0] + f.box_mm[2] and f.box_mm[1] <= cy <= f.box_mm[1] + f.box_mm[3])
        found.setdefault(name, []).append(c)
    return {n: "".join(c["text"] for c in sorted(cs, key=lambda c: (round(c["top"]), c["x0"])))
            for n, cs in found.items()}


def test_every_character_lands_inside_its_box_and_reads_back_as_typed(layout):
    form = render_form(layout, VALUES)
    chars = chars_of(form.pdf)
    expected = {n: v for n, v in VALUES.items() if v and layout.fields[n].style != "check"} | {"first": "√"}
    assert by_field(layout, chars) == expected
    for name, f in layout.fields.items():
        for c in chars:
            if (c["x0"] + c["x1"]) / 2 > f.box_mm[0] and (c["x0"] + c["x1"]) / 2 < f.box_mm[0] + f.box_mm[2] \
                    and f.box_mm[1] < (c["top"] + c["bottom"]) / 2 < f.box_mm[1] + f.box_mm[3]:
                assert inside(c, f.box_mm), f"{name}: {c['text']!r} at {c} leaves {f.box_mm}"
    assert form.notes == {"address": "wrapped"}


def test_id_digits_sit_in_the_middle_of_their_cells(layout):
    chars = [c for c in chars_of(render_form(layout, VALUES).pdf) if layout.fields["id_number"].box_mm[1]
             < (c["top"] + c["bottom"]) / 2 < sum(layout.fields["id_number"].box_mm[1::2])]
    x, _, width, _ = layout.fields["id_number"].box_mm
    cell = width / 18
    assert "".join(c["text"] for c in chars) == VALUES["id_number"]
    for i, c in enumerate(chars):
        assert abs((c["x0"] + c["x1"]) / 2 - (x + (i + 0.5) * cell)) <= TOLERANCE_MM, f"digit {i + 1} off its cell"


def test_fonts_are_embedded_and_rare_characters_come_from_the_fallback_with_their_text(layout):
    pdf = render_form(layout, VALUES).pdf
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for font in doc.pages[0].Resources.Font.values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, f"{font.BaseFont} not embedded"
    name = [c for c in chars_of(pdf) if c["text"] in "张䶮𠈌"]
    assert "".join(c["text"] for c in name) == "张䶮𠈌"
    assert "HanaMin" in name[2]["font"], "𠈌 (outside the BMP) is drawn from HanaMin"
    assert "⺠" not in "".join(c["text"] for c in chars_of(pdf)), "no Kangxi radicals in the text layer"


def test_a_long_address_shrinks_and_wraps_and_one_too_long_is_noted_never_cut(layout):
    longer = "广东省东莞市松山湖高新技术产业开发区科技十路创新科技园5栋1203房" * 2
    form = render_form(layout, VALUES | {"address": longer})
    assert by_field(layout, chars_of(form.pdf))["address"] == longer
    assert form.notes["address"] in ("wrapped", "too_long")
    far_too_long = longer * 4
    form = render_form(layout, VALUES | {"address": far_too_long})
    assert form.notes["address"] == "too_long"
    assert "".join(c["text"] for c in chars_of(form.pdf)).count("松山湖") == 8, "every character printed"


def test_a_character_no_font_has_leaves_the_field_for_handwriting(layout):
    form = render_form(layout, VALUES | {"name": "张\U0002FFFD"})
    assert form.notes["name"] == "no_glyph"
    assert "name" not in by_field(layout, chars_of(form.pdf))


def test_calibration_moves_and_scales_the_whole_page(layout):
    plain = chars_of(render_form(layout, VALUES).pdf)
    moved = chars_of(render_form(layout, VALUES, calibration=Calibration(dx_mm=2.0, dy_mm=-1.5, scale=1.01)).pdf)
    assert len(plain) == len(moved)
    for a, b in zip(plain, moved):
        assert abs(b["x0"] - (a["x0"] * 1.01 + 2.0)) <= TOLERANCE_MM
        assert abs(b["top"] - (a["top"] * 1.01 - 1.5)) <= TOLERANCE_MM


def test_on_blank_paper_the_form_itself_is_printed_under_the_data_on_an_a4_page(layout):
    form = render_form(layout, VALUES, background=ID_FORM.parent / "backgrounds" / layout.background)
    with pdfplumber.open(io.BytesIO(form.pdf)) as doc:
        page = doc.pages[0]
        assert abs(page.width * PT_MM - 210) <= 0.5 and abs(page.height * PT_MM - 297) <= 0.5
        text = page.dedupe_chars().extract_text()     # the bold title is drawn twice, a hair apart
    assert "居民身份证申领登记表" in text and "公民身份号码" in text and "东莞市公安局" in text
    data_only = render_form(layout, VALUES)
    assert "居民身份证申领登记表" not in "".join(c["text"] for c in chars_of(data_only.pdf)), \
        "pre-printed paper gets the data only"


def test_values_come_from_the_card_and_the_session(qapp):
    from kiosk.identity import identity_from_id_card
    from sim.card.sam_cards import card_for
    from sim.citizens import load_citizens
    form = load_forms(load_hall_settings())["id_card_application"]
    citizen = card_for(load_citizens()["elder_zhang"])
    values = form_values(form, FormData(identity=identity_from_id_card(citizen), item_code="GA002",
                                        item_name="居民身份证换领", today=date(2026, 11, 26), typed={"phone": "13800138000"}))
    assert values["name"] == citizen.name and values["id_number"] == citizen.id_number
    assert values["address"] == citizen.address and values["nation"] == citizen.nation_name
    assert values["sex"] in ("男", "女") and values["expired"] == "GA002" and values["phone"] == "13800138000"
    assert values["signature"] == "" and values["agent_name"] == ""


@pytest.mark.parametrize("change, key, problem", [
    (lambda d: d["fields"]["name"].update(box_mm=[200, 40, 45, 13]), "fields.name.box_mm", "outside the A4 page"),
    (lambda d: d["fields"]["sex"].update(box_mm=[80, 40, 15, 13]), "fields.sex.box_mm", "overlaps fields.name"),
    (lambda d: d["fields"]["name"].update(source="identity.nickname"), "fields.name.source", "unknown source"),
    (lambda d: d.update(background="nope.pdf"), "background", "no file"),
    (lambda d: d["items"].append("XX999"), "items.3", "no service item 'XX999'"),
    (lambda d: d["fields"]["id_number"].pop("cells"), "fields.id_number", "needs `cells`"),
])
def test_a_bad_template_names_its_file_and_field(tmp_path, qapp, change, key, problem):
    data = yaml.safe_load(ID_FORM.read_text(encoding="utf-8"))
    change(data)
    (tmp_path / "backgrounds").mkdir()
    (tmp_path / "backgrounds" / "id_card_application.pdf").write_bytes((ID_FORM.parent / "backgrounds" /
                                                                        "id_card_application.pdf").read_bytes())
    (tmp_path / "id_card_application.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_forms(load_hall_settings(), tmp_path)
    assert e.value.file.endswith("id_card_application.yaml") and e.value.key == key and problem in e.value.problem


def test_a_typed_id_number_must_carry_its_check_character():
    assert typed_id_number_ok("440305195607081023") and typed_id_number_ok("440305195612081028")
    assert typed_id_number_ok(" 11010519491231002x ")       # lower-case x, spaces around: as typed
    assert not typed_id_number_ok("440305195607081021")      # check character wrong
    assert not typed_id_number_ok("44030519561308102X")      # right check character, but no 13th month
    assert not typed_id_number_ok("4403051956070810")


CITIZENS = ("elder_zhang", "young_wang", "student_li", "hk_resident_ho", "foreign_smith")


@pytest.mark.parametrize("citizen_key", CITIZENS)
def test_the_five_forms_fill_from_every_kind_of_card_and_land_in_their_boxes(qapp, citizen_key):
    from kiosk.identity import identity_from_id_card
    from sim.card.sam_cards import card_for
    from sim.citizens import load_citizens
    identity = identity_from_id_card(card_for(load_citizens()[citizen_key]))
    forms = load_forms(load_hall_settings())
    assert len(forms) >= 5 and "id_card_application" in forms
    for form in forms.values():
        data = FormData(identity=identity, item_code=form.layout.items[0], item_name="测试事项",
                        today=date(2026, 11, 26), typed={"phone": "13800138000", "reason": "rent"})
        values = form_values(form, data)
        rendered = render_form(form.layout, values)
        printed = {n: v for n, v in values.items() if v and form.layout.fields[n].style != "check"}
        ticked = {n: "√" for n, v in values.items() if form.layout.fields[n].style == "check"
                  and v == form.layout.fields[n].when}
        chars = chars_of(rendered.pdf)
        assert by_field(form.layout, chars) == printed | ticked, form.id
        assert identity.name in printed.values(), f"{form.id}: the name is on the form"
        for c in chars:
            box = next(f.box_mm for f in form.layout.fields.values() if inside(c, f.box_mm, tolerance=5))
            assert inside(c, box), f"{form.id}: {c['text']!r} leaves its box {box}"


def test_a_scanned_background_covers_the_page_and_one_of_other_proportions_is_refused(tmp_path, qapp):
    from PIL import Image
    data = yaml.safe_load(ID_FORM.read_text(encoding="utf-8"))
    (tmp_path / "backgrounds").mkdir()
    Image.new("RGB", (2480, 3508), "white").save(tmp_path / "backgrounds" / "scan.png")     # A4 at 300 dpi
    Image.new("RGB", (2550, 3300), "white").save(tmp_path / "backgrounds" / "letter.png")   # US Letter
    data["background"] = "scan.png"
    (tmp_path / "id_card_application.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    form = load_forms(load_hall_settings(), tmp_path)["id_card_application"]
    rendered = render_form(form.layout, VALUES, background=form.background)
    with pikepdf.open(io.BytesIO(rendered.pdf)) as doc:
        images = list(doc.pages[0].get_images())
    assert len(images) == 1, "the scan is under the data"
    assert by_field(form.layout, chars_of(rendered.pdf))["name"] == VALUES["name"]
    data["background"] = "letter.png"
    (tmp_path / "id_card_application.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="not the proportions of A4"):
        load_forms(load_hall_settings(), tmp_path)
