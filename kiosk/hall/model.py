"""Plain dataclasses that cross the hall service boundary.

Everything the kiosk sends to or gets from "the hall" is one of these: no ORM rows, no Qt types,
so the embedded SQLite hall, an HTTP hall and a PostgreSQL hall can all speak the same language.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from kiosk import wording
from kiosk.wording import NOTHING, Sentence


class TicketKind(str, enum.Enum):
    """The three kinds of queue ticket a hall issues; each has its own number series."""

    ACCEPT = "accept"      # 受理: hand in an application
    CONSULT = "consult"    # 咨询: ask a question
    PICKUP = "pickup"      # 取件: collect a finished document

    @property
    def prefix(self) -> str:
        return {"accept": "A", "consult": "C", "pickup": "P"}[self.value]

    @property
    def label_zh(self) -> str:
        return {"accept": "受理", "consult": "咨询", "pickup": "取件"}[self.value]

    @property
    def label_en(self) -> str:
        return {"accept": "Application", "consult": "Enquiry", "pickup": "Collection"}[self.value]


class TicketState(str, enum.Enum):
    WAITING = "waiting"    # printed, in the queue
    CALLED = "called"      # called to a window
    DONE = "done"          # served
    NO_SHOW = "no_show"    # called and never came


@dataclass(frozen=True)
class Citizen:
    """Who asks for a ticket, as far as the queue needs to know.

    `person_key` is a one-way hash of the ID number (never the number itself), so the hall can
    keep one open ticket per person per item without storing personal data.
    """

    person_key: str | None = None
    birth_date: date | None = None


@dataclass(frozen=True)
class TicketRequest:
    item_code: str
    kind: TicketKind
    citizen: Citizen = field(default_factory=Citizen)
    kiosk_id: str = "kiosk-1"
    idempotency_key: str = ""   # same key → same reservation, so a retried tap never issues twice


@dataclass(frozen=True)
class Ticket:
    ticket_id: str             # globally unique, printed as the QR code
    number: str                # what the citizen reads and hears: A012
    kind: TicketKind
    item_code: str
    item_name: str
    department: str
    window_group: str          # group id
    window_group_name: str     # e.g. 社会民生综合窗口 (3-8号窗口)
    people_ahead: int
    estimated_wait_min: int
    issued_at: datetime
    priority: bool = False     # 70+ citizens (by birth date)
    reprint: bool = False      # 补打: the citizen already held an open ticket for this item
    state: TicketState = TicketState.WAITING
    window: str | None = None  # set once called
    # An appointment check-in: called before the walk-ins of its group while the slot lasts.
    appointment_id: str | None = None
    slot_start: datetime | None = None
    slot_end: datetime | None = None

    @property
    def is_appointment(self) -> bool:
        return self.appointment_id is not None


@dataclass(frozen=True)
class OfflineTicket:
    """A ticket a kiosk printed from its own series while it could not reach the hall server
    (kiosk.hall.offline), replayed to the hall once it answers again."""

    idempotency_key: str
    number: str                # A-07-012: series, kiosk, the kiosk's own count (never an online shape)
    series: str
    seq: int
    kind: TicketKind
    item_code: str
    issued_at: datetime        # on the hall's clock: the kiosk's, corrected by its offset at the last sync
    citizen: Citizen = field(default_factory=Citizen)
    ticket_id: str = ""        # the one printed in the slip's QR code (the hall makes one when empty)
    window_group: str = ""     # the group printed on the slip ("请到 ..."): the citizen goes there
    appointment_id: str = ""   # an appointment checked in offline (its code verified on the kiosk)
    token_nonce: str = ""


@dataclass(frozen=True)
class Reservation:
    """A number held for printing. It becomes a Ticket only when confirm() is called after
    the printer has accepted the last byte; void() gives it up without a visible gap."""

    reservation_id: str
    ticket: Ticket


class RefusalReason(str, enum.Enum):
    CLOSED = "closed"                  # outside opening hours
    DAILY_CAP = "daily_cap"            # today's numbers for this item are gone
    KIND_NOT_OFFERED = "kind_not_offered"
    UNKNOWN_ITEM = "unknown_item"
    NO_WINDOW = "no_window"            # no window group serves this department today
    RESERVATION_VOIDED = "reservation_voided"  # confirm came after the number was given back
    APPOINTMENT_NOT_FOUND = "appointment_not_found"
    APPOINTMENT_CANCELLED = "appointment_cancelled"
    APPOINTMENT_TOO_EARLY = "appointment_too_early"          # check-in has not opened yet
    APPOINTMENT_LAPSED = "appointment_lapsed"                # too late: a walk-in ticket instead
    APPOINTMENT_CHECKED_IN = "appointment_checked_in"        # already has its ticket


# What the citizen is told; {detail} is a Sentence of the refusing code (a time, a number).
_REFUSAL_TEXT = {
    RefusalReason.CLOSED: Sentence("大厅现在不在办理时间，{detail}。"),
    RefusalReason.DAILY_CAP: Sentence("这个事项今天的号已经取完了，请明天再来，或者先预约。"),
    RefusalReason.KIND_NOT_OFFERED: Sentence("这个事项不提供这种号，请换一种。"),
    RefusalReason.UNKNOWN_ITEM: Sentence("没有找到这个事项，请到咨询台问一下。"),
    RefusalReason.NO_WINDOW: Sentence("今天没有窗口办理这个事项，请到咨询台问一下。"),
    RefusalReason.RESERVATION_VOIDED: Sentence("这张号打印得太久，已经作废了，请重新取一张号。"),
    RefusalReason.APPOINTMENT_NOT_FOUND: Sentence("没有找到这个预约，可能已经取消了，请到咨询台问一下。"),
    RefusalReason.APPOINTMENT_CANCELLED: Sentence("这个预约已经取消了。您可以在这里取一张现场号。"),
    RefusalReason.APPOINTMENT_TOO_EARLY: Sentence("现在还不能签到：{detail}。请到时候再来，或者先取一张现场号。"),
    RefusalReason.APPOINTMENT_LAPSED: Sentence("预约已经过时失效了：{detail}。您可以取一张现场号，按顺序办理。"),
    RefusalReason.APPOINTMENT_CHECKED_IN: Sentence("这个预约已经签到过了{detail}。号票丢了的话请到咨询台。"),
}


class HallRefusal(Exception):
    """The hall will not issue this ticket, for a reason a citizen can understand: `message`,
    a Sentence (its `detail` field a Sentence too, or NOTHING). str() is the English, for logs."""

    def __init__(self, reason: RefusalReason, detail: Sentence = NOTHING):
        self.reason = reason
        text = _REFUSAL_TEXT[reason].text
        self.message = Sentence(text, detail=detail) if "{detail}" in text else Sentence(text)
        super().__init__(f"{reason.value}: {wording.say(self.message, 'en')}")


class HallUnavailable(Exception):
    """The hall's store cannot be reached or written (disk full, locked database, server down)."""

    message = Sentence("取号系统暂时连不上，请稍等片刻或到咨询台取号。")

    def __init__(self, technical: str):
        self.technical = technical
        super().__init__(technical)


class HallLocked(HallUnavailable):
    """Another process already has this hall database open: two programs writing one queue
    would hand out the same number twice, so the second one is refused at start-up."""

    def __init__(self, path: str, pid: int | None):
        self.path, self.pid = path, pid
        holder = f"pid {pid}" if pid else "pid unknown"
        super().__init__(f"hall database {path} is already open in another process ({holder}); "
                         "stop that process or point this kiosk at another database")


class AppointmentStatus(str, enum.Enum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"      # its ticket was printed
    LAPSED = "lapsed"              # not checked in by slot start + check_in_late_min
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class AppointmentRequest:
    """What the booking system (WeChat) sends the hall. No name, no ID number: only person_key
    (kiosk.privacy.person_key), so a card swiped at the kiosk finds the same appointments."""

    person_key: str
    item_code: str
    slot_start: datetime           # hall-local wall clock
    slot_end: datetime
    kind: TicketKind = TicketKind.ACCEPT
    appointment_id: str = ""       # the booking system's id; the hall makes one when empty


@dataclass(frozen=True)
class Appointment:
    appointment_id: str
    hall_id: str
    person_key: str
    item_code: str
    item_name: str
    kind: TicketKind
    slot_start: datetime
    slot_end: datetime
    status: AppointmentStatus      # as of the `now` it was read at: a booking past its time reads LAPSED
    check_in_opens: datetime       # slot start - check_in_early_min
    check_in_closes: datetime      # slot start + check_in_late_min
    ticket_id: str | None = None   # set at check-in
    ticket_number: str | None = None
    token_nonce: str | None = None  # the nonce of the token it was found by (pass it on to check_in)


@dataclass(frozen=True)
class WindowGroupLoad:
    group_id: str
    name: str
    waiting: int
    open_windows: int
    estimated_wait_min: int
