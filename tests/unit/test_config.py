"""A technician who mistypes the config gets the file, the key and what was expected."""
import subprocess
import sys

import pytest
import yaml

from kiosk.config import ConfigError, check_pin, hash_pin, load_config


def edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_shipped_config_loads():
    config = load_config()
    assert config.hall.name.startswith("东莞")
    assert config.devices["ticket_printer"].profile in config.printer_profiles


def test_unknown_key_names_file_and_key(config_dir):
    edit(config_dir / "kiosk.yaml", lambda d: d["kiosk"].update(idle_timout_s=30))
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    assert e.value.file.endswith("kiosk.yaml")
    assert e.value.key == "kiosk.idle_timout_s"
    assert "unknown key" in e.value.problem


def test_wrong_type_says_what_was_expected(config_dir):
    edit(config_dir / "kiosk.yaml", lambda d: d["kiosk"].update(idle_timeout_s="soon"))
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    assert e.value.key == "kiosk.idle_timeout_s" and "integer" in e.value.problem


def test_item_with_unknown_department(config_dir):
    edit(config_dir / "catalogue.yaml", lambda d: d["categories"][0]["items"][0].update(department="nope"))
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    assert e.value.file.endswith("catalogue.yaml")
    assert e.value.key == "categories.0.items.0.department" and "nope" in e.value.problem


def test_window_in_unknown_group(config_dir):
    edit(config_dir / "hall.yaml", lambda d: d["windows"][0].update(group="ghost"))
    with pytest.raises(ConfigError, match="windows.0.group.*ghost"):
        load_config(config_dir)


def test_an_appointment_key_that_cannot_be_loaded_names_its_place(config_dir):
    edit(config_dir / "hall.yaml", lambda d: d["appointments"]["keys"][0].update(key="not-a-key"))
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    assert e.value.file.endswith("hall.yaml") and e.value.key == "appointments.keys.0.key"


def test_two_appointment_keys_with_one_id_are_refused(config_dir):
    edit(config_dir / "hall.yaml", lambda d: d["appointments"]["keys"][1].update(id="ed1"))
    with pytest.raises(ConfigError, match="appointments.keys.1.id.*duplicate key id 'ed1'"):
        load_config(config_dir)


def test_plain_pin_is_refused(config_dir):
    edit(config_dir / "kiosk.yaml", lambda d: d["kiosk"].update(technician_pin="2468"))
    with pytest.raises(ConfigError, match="hashed PIN"):
        load_config(config_dir)


def test_broken_yaml_gives_line(config_dir):
    (config_dir / "hall.yaml").write_text("hall: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2"):
        load_config(config_dir)


def test_missing_file(config_dir):
    (config_dir / "catalogue.yaml").unlink()
    with pytest.raises(ConfigError, match="catalogue.yaml.*file not found"):
        load_config(config_dir)


def test_printer_needs_a_port(config_dir):
    edit(config_dir / "kiosk.yaml", lambda d: d["devices"]["ticket_printer"].pop("port"))
    with pytest.raises(ConfigError, match="devices.ticket_printer.*needs 'port'"):
        load_config(config_dir)


def test_an_unknown_or_missing_driver_names_the_device_and_the_drivers_there_are(config_dir):
    edit(config_dir / "kiosk.yaml", lambda d: d["devices"]["camera"].update(driver="opencvv"))
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    assert e.value.file.endswith("kiosk.yaml") and e.value.key == "devices.camera.driver"
    assert "unknown driver 'opencvv'" in e.value.problem and "opencv" in e.value.problem

    edit(config_dir / "kiosk.yaml", lambda d: d["devices"]["camera"].pop("driver"))
    with pytest.raises(ConfigError, match="devices.camera.driver: required key is missing .known: cups, escpos, opencv"):
        load_config(config_dir)


def test_devices_are_named_by_the_hall_and_a_kiosk_has_one_ticket_printer(config_dir):
    edit(config_dir / "kiosk.yaml", lambda d: d["devices"].update(left_printer=d["devices"].pop("ticket_printer")))
    config = load_config(config_dir)
    assert list(config.devices_of("ticket_printer")) == ["left_printer"]

    edit(config_dir / "kiosk.yaml", lambda d: d["devices"].update(right_printer=dict(d["devices"]["left_printer"])))
    with pytest.raises(ConfigError, match="devices.right_printer: a kiosk has one ticket_printer; "
                                          "devices.left_printer is already one"):
        load_config(config_dir)


def test_a_device_setting_of_the_wrong_type_names_its_key(config_dir):
    edit(config_dir / "kiosk.yaml", lambda d: d["devices"]["id_card_reader"].update(poll_interval_s="often"))
    with pytest.raises(ConfigError, match="devices.id_card_reader.poll_interval_s"):
        load_config(config_dir)


def test_pin_hash_round_trip():
    stored = hash_pin("1357", iterations=1000)
    assert check_pin("1357", stored) and not check_pin("1358", stored)
    assert "1357" not in stored


def test_kiosk_command_exits_2_without_traceback(config_dir):
    edit(config_dir / "hall.yaml", lambda d: d["hall"].update(colour="blue"))
    run = subprocess.run([sys.executable, "-m", "kiosk.app", "--sim", "--config", str(config_dir)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "hall.yaml" in run.stderr and "hall.colour" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_kiosk_without_a_ticket_printer_is_a_configuration_error(config_dir):
    edit(config_dir / "kiosk.yaml", lambda d: d["devices"].pop("ticket_printer"))
    with pytest.raises(ConfigError) as e:
        load_config(config_dir)
    assert e.value.file.endswith("kiosk.yaml") and e.value.key == "devices"
    assert e.value.problem == "a kiosk needs a ticket_printer (driver: escpos)"
