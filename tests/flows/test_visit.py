"""A citizen's visit without any screen: kiosk.flows.visit.Visit on a real core and simulated
devices, fed the core's events the way the screens feed it (on one thread, through `post`)."""
from __future__ import annotations

import queue
import time
from datetime import timedelta

import pytest

from kiosk.events import dispatch
from kiosk.flows import visit as steps
from kiosk.flows.visit import Visit
from kiosk.hall.model import AppointmentRequest
from kiosk.privacy import person_key
from kiosk.wording import say


class Screens:
    """The one thread a Visit lives on: runs what the core and the journeys post, in order."""

    def __init__(self, core):
        self.posted: queue.Queue = queue.Queue()
        self.changes: list[str] = []
        self.visit = Visit(core, post=self.posted.put, changed=self.changes.append)
        core.add_listener(lambda event: self.posted.put(lambda: dispatch(self.visit, event)))

    def until(self, check, timeout: float = 10.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while not check():
            try:
                self.posted.get(timeout=max(0.0, deadline - time.monotonic()))()
            except queue.Empty:
                pytest.fail(f"not within {timeout} s: {what} (visit at {self.visit.step!r})")


@pytest.fixture
def screens(kiosk):
    screens = Screens(kiosk)
    screens.until(lambda: screens.visit.availability.available, what="numbers can be taken")
    return screens


def test_a_card_laid_down_leads_to_the_categories_and_a_ticket_ends_the_visit_on_done(kiosk, screens):
    visit = screens.visit
    kiosk.simulators.place_id_card("elder_zhang")
    screens.until(lambda: visit.step == steps.CATEGORIES, what="the card moved the visit on")
    visit.open_category(kiosk.catalogue.categories[0].code)
    assert visit.step == steps.ITEMS and visit.items
    visit.open_item("SM001")
    visit.choose_kind("consult")
    assert visit.step == steps.PRINTING
    screens.until(lambda: visit.step == steps.DONE, what="the ticket printed")
    assert visit.ticket.number.startswith("C") and visit.ticket.priority      # 70+: called first
    visit.home()
    assert (visit.step, visit.item, visit.items) == (steps.HOME, None, [])
    assert kiosk.identity() is None, "the citizen is forgotten when the visit ends"


def test_back_leads_one_step_up_and_from_the_categories_home(kiosk, screens):
    visit = screens.visit
    visit.open_categories()
    visit.open_search()
    visit.search("社保")
    assert visit.items, "the search finds something"
    visit.open_item(visit.items[0].code)
    assert visit.step == steps.KIND
    for expected in (steps.ITEMS, steps.CATEGORIES, steps.HOME):
        visit.back()
        assert visit.step == expected


def test_an_appointment_that_lapses_before_its_check_in_offers_a_walk_in_number_for_its_business(kiosk, screens):
    visit = screens.visit
    now = kiosk.clock()
    start = now - timedelta(hours=2)
    booked = kiosk.hall.book_appointment(AppointmentRequest(
        person_key("440305195607081023", kiosk.config.hall.id), "SM001", start, start + timedelta(minutes=30)),
        "test-visit-lapsed", now)
    visit.open_check_in()
    visit.on_appointment_found(type("Found", (), {"appointment": booked})())
    assert visit.step == steps.APPOINTMENT
    visit.confirm_check_in()
    screens.until(lambda: visit.step == steps.MESSAGE, what="the check-in was refused")
    assert "过时失效" in say(visit.message, "zh_CN")
    assert "lapsed" in say(visit.message, "en")
    assert visit.walk_in_item == "SM001"
    visit.walk_in()
    assert (visit.step, visit.item.code) == (steps.KIND, "SM001")


def test_a_ticket_refused_by_the_hall_says_why_in_the_citizens_words(kiosk, screens):
    visit = screens.visit
    item = next(i for i in kiosk.config.items.values() if all(k.value != "pickup" for k in i.kinds))
    visit.open_categories()
    visit.open_item(item.code)
    visit.choose_kind("pickup")         # a stale screen's tap: the hall refuses, calmly
    screens.until(lambda: visit.step == steps.MESSAGE, what="the refusal was said")
    assert say(visit.message, "zh_CN") == "这个事项不提供这种号，请换一种。"
    assert say(visit.message, "en") == "This service does not offer that kind of ticket."


def test_a_form_whose_name_no_font_can_draw_is_previewed_with_that_box_left_for_handwriting(kiosk, screens, qapp):
    from dataclasses import replace
    from kiosk.identity import identity_from_id_card
    from sim.card.sam_cards import card_for
    from sim.citizens import load_citizens
    card = card_for(load_citizens()["elder_zhang"])
    kiosk.session.identity = identity_from_id_card(replace(card, name="张\U0002FFFD"))    # no font has it
    visit = screens.visit
    visit.open_forms()
    visit.choose_form("id_card_application")
    screens.until(lambda: visit.form_preview, what="the preview")
    assert visit.form_notes == {"name": "no_glyph"}
    visit.home()
    assert visit.form_notes == {} and kiosk.session.identity is None
