import logging
from datetime import date

from kiosk.privacy import MaskingFilter, mask_id_number, mask_name, mask_text, person_key
from kiosk.session import Identity, Session


def test_masks_as_the_technician_sees_them():
    assert mask_id_number("44010619491001123X") == "4401**********123X"
    assert mask_name("张三明") == "张*明"
    assert mask_name("欧阳䶮") == "欧*䶮"
    assert mask_name("李四") == "李*"


def test_log_lines_never_carry_a_full_id_number(caplog):
    logger = logging.getLogger("test.privacy")
    logger.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("swiped card %s at kiosk", "440106194910011234")
    assert "440106194910011234" not in caplog.text
    assert "4401**********1234" in caplog.text


def test_mask_text_leaves_other_numbers():
    assert mask_text("ticket A012 at 2026-11-21") == "ticket A012 at 2026-11-21"


def test_person_key_is_one_way_and_per_hall():
    key = person_key("440106194910011234", "dg-ssl")
    assert "440106" not in key and len(key) == 32
    assert key != person_key("440106194910011234", "other-hall")


def test_session_wipe_forgets_the_citizen():
    session = Session(hall_id="dg-ssl")
    session.identity = Identity("张三明", "440106194910011234", date(1949, 10, 1), "id_card")
    first = session.session_id
    assert session.citizen().birth_date == date(1949, 10, 1)
    assert "440106194910011234" not in repr(session)
    session.wipe()
    assert session.identity is None and session.citizen().person_key is None
    assert session.session_id != first
