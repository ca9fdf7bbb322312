"""Typed loading of the YAML the hall edits (config/*.yaml).

Every problem is reported as a ConfigError that names the file, the key and what was expected,
so a technician can fix it without reading Python. `kiosk` turns it into a message and exit 2.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kiosk.hall.model import TicketKind

# libyaml's loader when available: the catalogue loads ten times faster than with pure Python.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(Exception):
    def __init__(self, file: Path | str, key: str, problem: str):
        self.file, self.key, self.problem = str(file), key, problem
        super().__init__(f"{self.file}: {key or '(top level)'}: {problem}")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- hall.yaml
class OpeningHours(Strict):
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]]
    open: time
    close: time

    @model_validator(mode="after")
    def _order(self):
        if self.close <= self.open:
            raise ValueError("close must be later than open")
        return self


class Department(Strict):
    code: str
    name: str
    name_en: str = ""


class WindowGroup(Strict):
    id: str
    name: str
    name_en: str = ""
    departments: list[str]


class Window(Strict):
    id: str
    name: str
    group: str
    # The departments whose business this window calls first (the staff seconded from them, the
    # hall's A角), before the rest of its group's queue: a comprehensive window keeps the
    # department's own pace for its citizens and helps the others when none of them waits.
    home: list[str] = Field(default_factory=list)


class HallInfo(Strict):
    id: str
    name: str
    name_en: str = ""
    opening_hours: list[OpeningHours]
    holidays: list[date] = Field(default_factory=list, description="dates the hall is closed (YYYY-MM-DD)")
    priority_age: int = 70
    # Priority must not starve the others: a walk-in who has waited this long is called before
    # 70+ citizens (appointments within their slot still come first). 0: never.
    walk_in_wait_bound_min: int = Field(default=30, ge=0, le=480)
    # Average minutes a window spends per ticket, by kind: the basis of every wait estimate.
    minutes_per_ticket: dict[TicketKind, float] = Field(
        default_factory=lambda: {TicketKind.ACCEPT: 12.0, TicketKind.CONSULT: 5.0, TicketKind.PICKUP: 3.0})
    # The hall's own clock: its day (and so the numbers' restart at A001) turns at its midnight,
    # whatever time zone the machine running the hall server is set to (servers often run UTC).
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (an IANA name such as Asia/Shanghai)") from None
        return v

    def clock(self) -> datetime:
        """Now on the hall's wall clock (naive: every time the hall stores is hall-local)."""
        from zoneinfo import ZoneInfo
        return datetime.now(ZoneInfo(self.timezone)).replace(tzinfo=None)


class AppointmentKey(Strict):
    """A key that appointment QR tokens may be signed with, found by the token's key id.

    HMAC-SHA256 keys are secrets shared with the booking system (only the hall verifies);
    Ed25519 keys are public keys, so a kiosk can verify offline without holding a secret."""
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")
    algorithm: Literal["hmac-sha256", "ed25519"]
    key: str = Field(description="base64url: the HMAC secret, or the Ed25519 public key")
    retired: bool = Field(default=False, description="kept so its tokens get a clear refusal, never accepted")


class AppointmentRules(Strict):
    check_in_early_min: int = Field(default=30, ge=0, description="how long before the slot a citizen may check in")
    check_in_late_min: int = Field(default=15, ge=0, description="how long after the slot starts before it lapses")
    keys: list[AppointmentKey] = Field(default_factory=list)


class PickupRules(Strict):
    """自助取件: how long a pickup code stays valid, how many wrong codes an order bears."""
    code_valid_days: int = Field(default=7, ge=1, le=90)
    wrong_codes_to_lock: int = Field(default=5, ge=1, le=20)
    # The key pickup codes are hashed with (HMAC-SHA256), base64url. Replace the demo key.
    code_key: str = Field(default="ZGVtby1waWNrdXAta2V5LXJlcGxhY2UtbWUtYmVmb3JlLWdvaW5nLWxpdmU",
                          min_length=32)


class HallFile(Strict):
    hall: HallInfo
    appointments: AppointmentRules = Field(default_factory=AppointmentRules)
    pickup: PickupRules = Field(default_factory=PickupRules)
    departments: list[Department]
    window_groups: list[WindowGroup]
    windows: list[Window]


# ---------------------------------------------------------------- catalogue.yaml
class ServiceItem(Strict):
    code: str
    name: str
    name_en: str = ""
    department: str
    kinds: list[TicketKind] = Field(default_factory=lambda: [TicketKind.ACCEPT, TicketKind.CONSULT])
    materials: list[str] = Field(default_factory=list)
    daily_cap: int | None = Field(default=None, ge=1)
    category: str = ""   # filled from the enclosing category by the loader


class Category(Strict):
    code: str
    name: str
    name_en: str = ""
    items: list[ServiceItem]


class CatalogueFile(Strict):
    categories: list[Category]


# ---------------------------------------------------------------- kiosk.yaml
class PrinterProfile(Strict):
    encoding: Literal["gb18030", "gbk", "gb2312"] = "gb18030"
    # The glyphs the printer's built-in font really has: characters outside it are rasterised.
    font_charset: Literal["gb18030", "gbk", "gb2312"] = "gbk"
    width_dots: int = 576        # 80 mm paper at 203 dpi
    chars_per_line: int = 48     # font A, ASCII columns
    cut: Literal["full", "partial"] = "partial"


class HallServer(Strict):
    """Where this kiosk's hall is when it is shared (kiosk-hall): the kiosk then holds a token,
    never database credentials, and trusts only the hall's CA."""
    url: str = Field(pattern=r"^https?://")
    token: str = Field(min_length=16, description="made by `kiosk-hall token create --kiosk ID`")
    ca_file: str = Field(default="", description="the hall's CA certificate (PEM); relative to the project")
    kiosk_number: int = Field(ge=1, le=99, description="this kiosk's number in its offline series: A-07-012 "
                                                       "is kiosk 7's twelfth offline number; one per kiosk")
    connect_timeout_s: float = Field(default=2.0, gt=0, le=30)
    read_timeout_s: float = Field(default=5.0, gt=0, le=60)


class VoiceSettings(Strict):
    """Spoken guidance (kiosk.speech): on by itself in 长辈模式, on the 读给我听 button elsewhere."""
    enabled: bool = Field(default=True, description="false: the kiosk never speaks (a quiet hall)")
    rate_wpm: int = Field(default=150, ge=80, le=300, description="speaking speed, words a minute "
                                                                  "(espeak-ng's own is 175; older citizens hear 140-160 best)")
    volume: int = Field(default=100, ge=0, le=200, description="espeak-ng's amplitude: 100 normal, 200 loudest")


class EvaluationUpload(Strict):
    """Where 好差评 evaluations go: the province's system, through a plug-in (kiosk.evaluation.upload)."""
    plugin: str = Field(default="http", description="http (the province's receiver), none (kept on this kiosk), "
                                                    "or package.module:Class for a province's own plug-in")
    url: str = Field(default="", description="the receiver's address, for the http plug-in")
    token: str = Field(default="", description="sent as a bearer token, when the province issues one")
    timeout_s: float = Field(default=5.0, gt=0, le=60)

    @model_validator(mode="after")
    def _url_for_http(self):
        if self.plugin == "http" and not re.match(r"^https?://", self.url):
            raise ValueError("the http plug-in needs url: http(s)://... (or plugin: none)")
        if self.plugin not in ("http", "none") and not re.fullmatch(r"[\w.]+:\w+", self.plugin):
            raise ValueError(f"plugin '{self.plugin}': http, none, or package.module:Class")
        return self


# The {fields} an evaluation QR code's address may use (ticket_qr_url).
EVALUATION_URL_FIELDS = ("hall_id", "kiosk_id", "ticket_id", "number", "item_code")


class EvaluationSettings(Strict):
    upload: EvaluationUpload = Field(default_factory=lambda: EvaluationUpload(plugin="none"))
    ticket_qr_url: str = Field(default="", description="printed on every ticket as a QR code to rate the "
                                                       "service later; {fields}: " + ", ".join(EVALUATION_URL_FIELDS))
    # Real-name evaluations keep only HMAC-SHA256(person_key, ID number): replace the demo key.
    person_key: str = Field(default="ZGVtby1ldmFsdWF0aW9uLWtleS1yZXBsYWNlLW1lLWJlZm9yZS1nb2luZy1saXZl",
                            min_length=32)

    @field_validator("ticket_qr_url")
    @classmethod
    def _known_fields(cls, v: str) -> str:
        import string
        for _, name, _, _ in string.Formatter().parse(v):
            if name is not None and name not in EVALUATION_URL_FIELDS:
                raise ValueError(f"unknown field {{{name}}} (known: {', '.join(EVALUATION_URL_FIELDS)})")
        return v


class LogSettings(Strict):
    """Where the log goes when the kiosk is not under systemd (there: the journal)."""
    dir: str = "var/log"            # relative to the config directory's parent
    max_kb: int = Field(default=1024, ge=64, description="one file's size before it is rotated")
    files: int = Field(default=5, ge=1, le=50, description="kiosk.log and its rotated copies kept")
    repeat_every_s: int = Field(default=300, ge=10, description="a repeating fault is logged at most this often")


class KioskInfo(Strict):
    id: str = "kiosk-1"
    database: str = "var/hall.sqlite"     # relative paths are relative to the config directory's parent
    hall_server: HallServer | None = None  # a shared hall (kiosk-hall); None: the embedded one in `database`
    idle_timeout_s: int = Field(default=60, ge=15)
    idle_warning_s: int = Field(default=10, ge=3)
    # 长辈模式 gives more time before the countdown home, and a longer warning to read it.
    elder_idle_timeout_s: int = Field(default=180, ge=30)
    elder_idle_warning_s: int = Field(default=30, ge=5)
    orientation: Literal["portrait", "landscape"] = "portrait"
    language: str = Field(default="zh_CN", description="the screens' language at rest: zh_CN, or one with a "
                                                       "catalogue in kiosk/wording/ (en, zh_HK)")
    technician_pin: str = Field(description="pbkdf2_sha256$iterations$salt$hash, see `kiosk-diag hash-pin`")
    # Hall staff who load the pickup lockers: staff id → hashed PIN (give each a PIN of their own:
    # the PIN says who deposited, opened or took a cell out of service in the locker audit).
    staff_pins: dict[str, str] = Field(default_factory=dict)
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    evaluation: EvaluationSettings = Field(default_factory=EvaluationSettings)
    logs: LogSettings = Field(default_factory=LogSettings)

    @field_validator("language")
    @classmethod
    def _known_language(cls, v: str) -> str:
        from kiosk import wording
        if v not in wording.languages():
            raise ValueError(f"no wording catalogue for '{v}' (known: {', '.join(wording.languages())})")
        return v

    @field_validator("technician_pin")
    @classmethod
    def _hashed(cls, v: str) -> str:
        return _hashed_pin(v)

    @field_validator("staff_pins")
    @classmethod
    def _staff_hashed(cls, v: dict[str, str]) -> dict[str, str]:
        for staff, pin in v.items():
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", staff):
                raise ValueError(f"staff id '{staff}': letters, digits, - and _ only")
            _hashed_pin(pin)
        return v


def _hashed_pin(v: str) -> str:
    if not re.fullmatch(r"pbkdf2_sha256\$\d+\$[0-9a-f]+\$[0-9a-f]{64}", v):
        raise ValueError("must be a hashed PIN (pbkdf2_sha256$...), never the PIN itself; "
                         "make one with `kiosk-diag hash-pin`")
    return v


class KioskFile(Strict):
    kiosk: KioskInfo
    # name → settings, each with its `driver:`; validated by that driver's settings (kiosk.roles)
    devices: dict[str, dict] = Field(default_factory=dict)
    printer_profiles: dict[str, PrinterProfile]


# ---------------------------------------------------------------- evaluation.yaml
LEVELS = ("very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied")   # 非常满意 … 非常不满意


class EvaluationTag(Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")
    name: str = Field(min_length=1, max_length=24)
    name_en: str = ""


class EvaluationFile(Strict):
    """The province's 好差评 content: a version, and the tags offered at each level."""
    version: str = Field(min_length=1, max_length=32)
    tags: dict[Literal[LEVELS], list[EvaluationTag]]

    @model_validator(mode="after")
    def _every_level(self):
        missing = [level for level in LEVELS if level not in self.tags]
        if missing:
            raise ValueError(f"tags: every level needs its list (missing: {', '.join(missing)})")
        for level, tags in self.tags.items():
            codes = [t.code for t in tags]
            if len(set(codes)) != len(codes):
                raise ValueError(f"tags.{level}: a tag code appears twice")
        return self


# ---------------------------------------------------------------- queries.yaml
class QueryColumn(Strict):
    key: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")
    label: str = Field(min_length=1)
    label_en: str = ""
    mask: Literal["none", "name", "id_number", "phone", "address", "amount"] = "none"


class QueryDef(Strict):
    """One 自助查询: what the citizen shows, where it is asked, and how the answer is shown."""
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    title: str = Field(min_length=1, max_length=16)
    title_en: str = ""
    identity: Literal["receipt", "id_card", "ssc_card", "any_card"]
    plugin: str = Field(default="http", pattern=r"^(http|[\w.]+:\w+)$")
    url: str = Field(default="", description="the back-end, for the http plug-in")
    token: str = ""
    timeout_s: float = Field(default=4.0, gt=0, le=30)
    print: Literal["receipt", "a4", "none"] = "receipt"
    columns: list[QueryColumn] = Field(min_length=1)

    @model_validator(mode="after")
    def _url_for_http(self):
        if self.plugin == "http" and not re.match(r"^https?://", self.url):
            raise ValueError("the http plug-in needs url: http(s)://...")
        return self


class QueriesFile(Strict):
    queries: list[QueryDef] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self):
        ids = [q.id for q in self.queries]
        if len(set(ids)) != len(ids):
            raise ValueError("queries: an id appears twice")
        return self


# ---------------------------------------------------------------- the whole configuration
class HallSettings(Strict):
    """What the hall core needs, and nothing of any kiosk: the hall, its windows, the catalogue
    and the appointment rules (hall.yaml and catalogue.yaml). A hall server loads only these."""
    directory: Path
    hall: HallInfo
    appointments: AppointmentRules = Field(default_factory=AppointmentRules)
    pickup: PickupRules = Field(default_factory=PickupRules)
    departments: dict[str, Department]
    window_groups: dict[str, WindowGroup]
    windows: list[Window]
    categories: list[Category]
    items: dict[str, ServiceItem]


class KioskConfig(HallSettings):
    """One kiosk's whole configuration: the hall's settings plus kiosk.yaml."""
    kiosk: KioskInfo
    devices: dict[str, Any]          # name → the settings model of its driver (kiosk.roles)
    printer_profiles: dict[str, PrinterProfile]
    evaluation: EvaluationFile = Field(       # evaluation.yaml (load_config always reads it)
        default_factory=lambda: EvaluationFile(version="-", tags={level: [] for level in LEVELS}))
    queries: list[QueryDef] = Field(default_factory=list)      # queries.yaml

    def hall_settings(self) -> HallSettings:
        """The hall's part alone, for the hall core (which must not depend on a kiosk's settings)."""
        return HallSettings(**{name: getattr(self, name) for name in HallSettings.model_fields})

    @property
    def database_path(self) -> Path:
        p = Path(self.kiosk.database)
        return p if p.is_absolute() else self.directory.parent / p

    @property
    def log_dir(self) -> Path:
        p = Path(self.kiosk.logs.dir)
        return p if p.is_absolute() else self.directory.parent / p

    def devices_of(self, kind: str) -> dict[str, Any]:
        """The configured devices playing this part ("ticket_printer", "camera", ...) by name."""
        from kiosk.roles import kind_of
        return {name: settings for name, settings in self.devices.items() if kind_of(settings) == kind}

    def with_devices(self, **changes) -> KioskConfig:
        """This configuration with some devices' settings replaced (None: the device removed)."""
        devices = {**self.devices, **changes}
        return self.model_copy(update={"devices": {n: s for n, s in devices.items() if s is not None}})

    def profile_for_printer(self) -> PrinterProfile:
        printer = next(iter(self.devices_of("ticket_printer").values()), None)
        return self.printer_profiles[printer.profile if printer is not None else "gb18030-80mm"]


def read_yaml(path: Path, model: type[BaseModel], error: type[ConfigError] = ConfigError):
    """Load one YAML file into `model`; any problem raises `error(file, key, problem)`."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)
    except FileNotFoundError:
        raise error(path, "", "file not found") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise error(path, where, f"not valid YAML: {getattr(e, 'problem', e)}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise error(path, "", "expected a mapping of keys at the top level")
    return validate(model, raw, path, error=error)


def validate(model: type[BaseModel], raw: dict, path: Path, prefix: str = "",
             error: type[ConfigError] = ConfigError):
    """`raw` as `model`; a problem raises `error(file, key, problem)`, the key under `prefix`."""
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        key = prefix + ".".join(str(p) for p in err["loc"])
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            known = _known_keys(model, err["loc"][:-1])
            msg = "unknown key (check the spelling" + (f"; known here: {', '.join(known)})" if known else ")")
        elif err["type"] == "missing":
            msg = "required key is missing"
        more = f" (and {len(e.errors()) - 1} more problems)" if len(e.errors()) > 1 else ""
        raise error(path, key, msg + more) from None


def _known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed where an unknown one was found, to suggest the right spelling."""
    for part in loc:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


def config_directory(directory: Path | str | None = None) -> Path:
    return Path(directory or os.environ.get("KIOSK_CONFIG_DIR") or DEFAULT_CONFIG_DIR).resolve()


def load_config(directory: Path | str | None = None) -> KioskConfig:
    """The hall's settings and this kiosk's (kiosk.yaml), checked together."""
    hall = load_hall_settings(directory)
    directory = hall.directory
    kiosk_file = read_yaml(directory / "kiosk.yaml", KioskFile)
    devices = load_devices(directory / "kiosk.yaml", kiosk_file.devices)
    for name, settings in devices.items():
        if getattr(settings, "profile", None) is not None and settings.profile not in kiosk_file.printer_profiles:
            raise ConfigError(directory / "kiosk.yaml", f"devices.{name}.profile",
                              f"unknown printer profile '{settings.profile}'")
    return KioskConfig(**dict(hall), kiosk=kiosk_file.kiosk, devices=devices,
                       printer_profiles=kiosk_file.printer_profiles,
                       evaluation=read_yaml(directory / "evaluation.yaml", EvaluationFile),
                       queries=read_yaml(directory / "queries.yaml", QueriesFile).queries)


def load_hall_settings(directory: Path | str | None = None) -> HallSettings:
    """hall.yaml and catalogue.yaml, cross-checked (departments, groups, items, key ids, keys)."""
    directory = config_directory(directory)
    hall_file = read_yaml(directory / "hall.yaml", HallFile)
    cat_file = read_yaml(directory / "catalogue.yaml", CatalogueFile)

    departments = {d.code: d for d in hall_file.departments}
    groups = {g.id: g for g in hall_file.window_groups}
    for i, g in enumerate(hall_file.window_groups):
        for d in g.departments:
            if d not in departments:
                raise ConfigError(directory / "hall.yaml", f"window_groups.{i}.departments",
                                  f"unknown department '{d}'")
    for i, w in enumerate(hall_file.windows):
        if w.group not in groups:
            raise ConfigError(directory / "hall.yaml", f"windows.{i}.group", f"unknown window group '{w.group}'")
        for d in w.home:
            if d not in groups[w.group].departments:
                raise ConfigError(directory / "hall.yaml", f"windows.{i}.home",
                                  f"department '{d}' is not served by the window's group '{w.group}'")

    served = {d for g in groups.values() for d in g.departments}
    items: dict[str, ServiceItem] = {}
    categories = []
    for ci, cat in enumerate(cat_file.categories):
        filled = []
        for ii, item in enumerate(cat.items):
            key = f"categories.{ci}.items.{ii}"
            if item.department not in departments:
                raise ConfigError(directory / "catalogue.yaml", key + ".department",
                                  f"unknown department '{item.department}' (not in hall.yaml)")
            if item.department not in served:
                raise ConfigError(directory / "catalogue.yaml", key + ".department",
                                  f"no window group serves department '{item.department}'")
            if item.code in items:
                raise ConfigError(directory / "catalogue.yaml", key + ".code", f"duplicate item code '{item.code}'")
            if not item.kinds:
                raise ConfigError(directory / "catalogue.yaml", key + ".kinds", "at least one ticket kind is needed")
            item = item.model_copy(update={"category": cat.code})
            items[item.code] = item
            filled.append(item)
        categories.append(cat.model_copy(update={"items": filled}))

    key_ids = [k.id for k in hall_file.appointments.keys]
    for i, key_id in enumerate(key_ids):
        if key_ids.index(key_id) != i:
            raise ConfigError(directory / "hall.yaml", f"appointments.keys.{i}.id", f"duplicate key id '{key_id}'")

    settings = HallSettings(directory=directory, hall=hall_file.hall, appointments=hall_file.appointments,
                            pickup=hall_file.pickup,
                            departments=departments, window_groups=groups, windows=hall_file.windows,
                            categories=categories, items=items)
    from kiosk.hall.tokens import KeyRing
    KeyRing.from_config(settings)    # a key that cannot be loaded is a configuration error now, not at a scan
    return settings


def load_devices(path: Path, raw: dict[str, dict]) -> dict[str, BaseModel]:
    """Each device's settings, validated by its driver's model. An unknown or missing `driver:`,
    a second device of a kind the kiosk has one of, or no device of a kind it needs, names the
    file and the key."""
    from kiosk.roles import drivers
    known = drivers()
    devices: dict[str, BaseModel] = {}
    taken: dict[str, str] = {}                      # single kind → the device that plays it
    for name, entry in raw.items():
        if not isinstance(entry, dict):
            raise ConfigError(path, f"devices.{name}", "expected the device's settings (driver: ... and its keys)")
        driver = known.get(entry.get("driver", ""))
        if driver is None:
            what = f"unknown driver '{entry['driver']}'" if entry.get("driver") else "required key is missing"
            raise ConfigError(path, f"devices.{name}.driver", f"{what} (known: {', '.join(sorted(known))})")
        if driver.single and driver.kind in taken:
            raise ConfigError(path, f"devices.{name}", f"a kiosk has one {driver.kind}; "
                              f"devices.{taken[driver.kind]} is already one")
        if driver.single:
            taken[driver.kind] = name
        devices[name] = validate(driver.settings, entry, path, prefix=f"devices.{name}.")
    for kind in sorted({d.kind for d in known.values() if d.required} - set(taken)):
        offered = ", ".join(sorted(d.driver for d in known.values() if d.kind == kind))
        raise ConfigError(path, "devices", f"a kiosk needs a {kind} (driver: {offered})")
    return devices


# ---------------------------------------------------------------- technician PIN
def hash_pin(pin: str, iterations: int = 200_000, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    _, iterations, salt, digest = stored.split("$")
    candidate = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(candidate.hex(), digest)
