"""表单自动套打: which forms the hall fills, and what goes into each field.

The layouts live in printer_templates/forms/ (drivers.laser.form_layout checks their geometry);
here each field's `source` is checked against what the kiosk can fill, each form's `items`
against the catalogue, and a citizen's card (and what they typed) becomes the form's values.
Values are personal data: they exist only while the form is previewed and printed.

Sources:
  identity.<name | sex | nation | birth_date | address | id_number | issuer | validity>
  agent.<name | sex | id_number | address>    the person filling it in for someone else (代办)
  session.<item_code | item_name | today>
  typed.<phone | former_name | ...>            what the citizen types on the screen
  handwriting                                  never printed: signed or dated by hand
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from drivers.card.errors import CardDataInvalid
from drivers.card.id_number import validate_id_number
from drivers.laser.form_layout import FormLayout, background_path, forms_directory, load_form
from drivers.printer.ticket_layout import TemplateError
from kiosk.config import ConfigError, HallSettings
from kiosk.session import Identity
from kiosk.wording import Sentence

PERSON_FIELDS = ("name", "sex", "nation", "birth_date", "address", "id_number", "issuer", "validity")
SESSION_FIELDS = ("item_code", "item_name", "today")
# Shown masked on the preview: the screen faces the hall, the paper only the citizen.
PERSONAL_FIELDS = {"name", "id_number", "address", "birth_date"}


@dataclass(frozen=True)
class Form:
    id: str
    layout: FormLayout
    background: Path

    @property
    def typed(self) -> list["Typed"]:
        """What the citizen is asked for (typed.<key>), in the form's order: a text to type, or
        a choice among the tick boxes that share the key."""
        found: dict[str, Typed] = {}
        for f in self.layout.fields.values():
            kind, _, key = f.source.partition(".")
            if kind != "typed" or f.style == "handwriting":     # never printed: nothing to ask
                continue
            if f.style == "check":
                entry = found.setdefault(key, Typed(key, "", []))
                entry.options.append((f.when, f.label))
            else:
                found.setdefault(key, Typed(key, f.label, []))
        return list(found.values())


@dataclass
class Typed:
    key: str
    label: str                          # a text field's caption ("" for a choice)
    options: list[tuple[str, str]]      # a choice: (value, the tick box's caption)


@dataclass
class FormData:
    """Everything one filling of a form needs (personal data: the session's, never logged)."""
    identity: Identity | None = None
    agent: Identity | None = None
    item_code: str = ""
    item_name: str = ""
    today: date | None = None
    typed: dict[str, str] = field(default_factory=dict)


def load_forms(settings: HallSettings, directory: Path | None = None) -> dict[str, Form]:
    """Every form of the hall, checked: a problem is a ConfigError naming the file and the field."""
    directory = directory or forms_directory()
    forms = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            layout = load_form(path)
        except TemplateError as e:
            raise ConfigError(e.file, e.key, e.problem) from None
        for name, f in layout.fields.items():
            if not _known_source(f.source):
                raise ConfigError(path, f"fields.{name}.source", f"unknown source '{f.source}' "
                                  f"(identity.<{'|'.join(PERSON_FIELDS)}>, agent.<...>, "
                                  f"session.<{'|'.join(SESSION_FIELDS)}>, typed.<name>, handwriting)")
        for i, code in enumerate(layout.items):
            if code not in settings.items:
                raise ConfigError(path, f"items.{i}", f"no service item '{code}' in catalogue.yaml")
        forms[path.stem] = Form(path.stem, layout, background_path(path, layout))
    return forms


def forms_for_item(forms: dict[str, Form], item_code: str) -> list[Form]:
    return [f for f in forms.values() if item_code in f.layout.items]


def _known_source(source: str) -> bool:
    if source == "handwriting":
        return True
    kind, _, name = source.partition(".")
    return (kind in ("identity", "agent") and name in PERSON_FIELDS or kind == "session" and name in SESSION_FIELDS
            or kind == "typed" and name.isidentifier())


def form_values(form: Form, data: FormData) -> dict[str, str]:
    """Field name → the text printed in it ("" when nothing is known: left for handwriting)."""
    values = {}
    for name, f in form.layout.fields.items():
        kind, _, key = f.source.partition(".")
        values[name] = ""               # handwriting, or nothing known
        if kind == "identity":
            values[name] = person_value(data.identity, key)
        elif kind == "agent":
            values[name] = person_value(data.agent, key)
        elif kind == "session":
            values[name] = {"item_code": data.item_code, "item_name": data.item_name,
                            "today": _chinese_date(data.today) if data.today else ""}[key]
        elif kind == "typed":
            values[name] = data.typed.get(key, "")
    return values


def person_value(identity: Identity | None, key: str) -> str:
    """One item of a card, as a form writes it."""
    if identity is None:
        return ""
    card = identity.card
    if key == "name":
        return identity.name
    if key == "id_number":
        return identity.id_number
    if key == "sex":
        return {"1": "男", "2": "女"}.get(identity.sex_code, "")
    if key == "birth_date":
        return _chinese_date(identity.birth_date) if identity.birth_date else ""
    if key == "nation":
        return getattr(card, "nation_name", "") or getattr(card, "nation", "").removesuffix("族")
    if key == "address":
        return getattr(card, "address", "")
    if key == "issuer":
        return getattr(card, "issuing_authority", "")
    if key == "validity":
        start, end = getattr(card, "valid_from", None), getattr(card, "valid_to", None)
        if not start or not end:
            return ""
        return f"{start:%Y.%m.%d}-{end:%Y.%m.%d}" if isinstance(end, date) else f"{start:%Y.%m.%d}-{end}"
    return ""


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


PHONE = re.compile(r"1\d{10}|0\d{2,3}-?\d{7,8}")     # a mobile, or a landline with its area code
WRONG_PHONE = Sentence("电话号码好像不对，请再看一下")
WRONG_ID_NUMBER = Sentence("身份证号码不对，请核对一下，特别是最后一位")


def check_typed(key: str, value: str) -> Sentence | None:
    """What is wrong with a typed value, in a citizen's words (None: fine, or empty)."""
    value = value.strip()
    if not value:
        return None
    if key.endswith("phone") and not PHONE.fullmatch(value):
        return WRONG_PHONE
    if key.endswith("id_number") and not typed_id_number_ok(value):
        return WRONG_ID_NUMBER
    return None


def typed_id_number_ok(text: str) -> bool:
    """A typed 公民身份号码: 17 digits, a real birth date and its GB 11643 check character."""
    try:
        validate_id_number(text)
    except CardDataInvalid:
        return False
    return True
