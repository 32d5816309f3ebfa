"""Settings: monitor.toml beside the data file, MONITOR_* environment variables win, bad values give messages."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from monitor.cli import main
from monitor.commands import as_of
from monitor.settings import SettingsError, load_settings, timezone_of, today


def write_toml(folder, text: str):
    (folder / "monitor.toml").write_text(text, encoding="utf-8")


def test_defaults_without_a_file(tmp_path):
    s = load_settings(tmp_path / "demands.yaml", environ={})
    assert s.state_dir == tmp_path / ".monitor"
    assert s.jobstore == f"sqlite:///{tmp_path / '.monitor' / 'jobs.sqlite'}"
    assert (s.smtp_tls, s.smtp_port, s.digest_day, s.digest_hour, s.timezone) == ("starttls", 587, "mon", 8,
                                                                                   "Europe/Brussels")
    assert s.mail_to == ()


def test_toml_is_read_and_the_environment_wins(tmp_path):
    write_toml(tmp_path, 'smtp_host = "mail.example.org"\nsmtp_tls = "ssl"\nmail_from = "monitor@example.org"\n'
                         'mail_to = ["a@example.org", "b@example.org"]\ndigest_hour = 7\nstate = "state"\n')
    s = load_settings(tmp_path / "demands.yaml", environ={})
    assert (s.smtp_host, s.smtp_tls, s.smtp_port, s.digest_hour) == ("mail.example.org", "ssl", 465, 7)
    assert s.mail_to == ("a@example.org", "b@example.org")
    assert s.state_dir == tmp_path / "state"  # relative to the file's folder when written in monitor.toml
    env = {"MONITOR_SMTP_HOST": "other.example.org", "MONITOR_MAIL_TO": "c@example.org, Dee <d@example.org>",
           "MONITOR_DIGEST_HOUR": "9", "MONITOR_SMTP_PORT": "2525", "MONITOR_SMTP_PASSWORD": "s3cret",
           "MONITOR_JOBSTORE": "postgresql://monitor@db/monitor", "MONITOR_TIMEZONE": "America/New_York"}
    s = load_settings(tmp_path / "demands.yaml", environ=env)
    assert (s.smtp_host, s.smtp_port, s.digest_hour, s.timezone) == ("other.example.org", 2525, 9, "America/New_York")
    assert s.mail_to == ("c@example.org", "Dee <d@example.org>")
    assert s.smtp_password == "s3cret" and "s3cret" not in repr(s)
    assert s.jobstore == "postgresql://monitor@db/monitor"
    assert s.smtp_tls == "ssl"  # not overridden: the file's value stays


@pytest.mark.parametrize("text, words", [
    ('smtp_tls = "tls"\n', ["smtp_tls", "'tls'", "starttls, ssl, none"]),
    ("smtp_port = 99999\n", ["smtp_port", "1 to 65535"]),
    ('digest_day = "monday"\n', ["digest_day", "mon, tue"]),
    ('timezone = "Europe/Bruxelles"\n', ["timezone", "Europe/Brussels"]),
    ('mail_to = ["not an address"]\n', ["mail_to", "not an email address"]),
    ('smtp_password = "x"\n', ["smtp_password", "MONITOR_SMTP_PASSWORD", "environment"]),
    ('smtp_hots = "x"\n', ["unknown setting 'smtp_hots'", "smtp_host"]),
    ('smtp_host = "x\n', ["monitor.toml", "line 1"]),
    ('jobstore = "jobs.sqlite"\n', ["jobstore", "sqlite:///"]),
])
def test_a_bad_file_setting_names_the_file_the_key_and_what_to_write(tmp_path, text, words):
    write_toml(tmp_path, text)
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ={})
    for word in words:
        assert word in str(info.value)


def test_a_bad_environment_value_names_the_variable(tmp_path):
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ={"MONITOR_DIGEST_HOUR": "eight"})
    assert "MONITOR_DIGEST_HOUR" in str(info.value) and "0 to 23" in str(info.value)


@pytest.mark.parametrize("where, to", [
    ("env", "a@example.org, Ann <a@example.org>, a@example.org"),
    ("env", "a@example.org, b@example.org, Ann <A@Example.org>"),
    ("toml", 'mail_to = ["a@example.org", "Ann <A@EXAMPLE.ORG>"]'),
])
def test_an_address_given_twice_in_mail_to_is_refused(tmp_path, where, to):
    if where == "toml":
        (tmp_path / "monitor.toml").write_text(to + "\n", encoding="utf-8")
        environ, source = {}, "monitor.toml: mail_to"
    else:
        environ, source = {"MONITOR_MAIL_TO": to}, "MONITOR_MAIL_TO"
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ=environ)
    said = str(info.value)
    assert source in said and "is given twice" in said and "a@example.org" in said.lower()


def test_different_addresses_in_mail_to_are_kept_in_order(tmp_path):
    s = load_settings(tmp_path / "demands.yaml", environ={"MONITOR_MAIL_TO": "a@example.org, Bee <b@example.org>"})
    assert s.mail_to == ("a@example.org", "Bee <b@example.org>")


def test_sending_needs_a_server_sender_and_recipients(tmp_path):
    s = load_settings(tmp_path / "demands.yaml", environ={"MONITOR_SMTP_HOST": "mail.example.org"})
    with pytest.raises(SettingsError) as info:
        s.check_mail()
    assert "mail_from (MONITOR_MAIL_FROM)" in str(info.value) and "mail_to (MONITOR_MAIL_TO)" in str(info.value)


def test_the_cli_prints_a_message_not_a_traceback(small_file, tmp_path, monkeypatch, capsys):
    for name in [n for n in __import__("os").environ if n.startswith("MONITOR_")]:
        monkeypatch.delenv(name)
    write_toml(small_file.parent, 'smtp_tls = "tls"\n')
    code = main(["--file", str(small_file), "--today", "2026-11-24", "digest", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("monitor: ") and "smtp_tls" in err and "Traceback" not in err and "internal error" not in err
    code = main(["--file", str(small_file), "schedule", "--list"])
    assert code == 1 and "smtp_tls" in capsys.readouterr().err


@pytest.mark.parametrize("key, value", [
    ("MONITOR_MAIL_TO", "a@example.org\r\nBcc: spy@example.org"),
    ("MONITOR_MAIL_FROM", "monitor@example.org\nBcc: spy@example.org"),
    ("MONITOR_SMTP_HOST", "mail.example.org\x00"),
    ("MONITOR_SMTP_USER", "monitor\x7f"),
    ("MONITOR_SMTP_PASSWORD", "pass\x85word"),  # C1 (NEL)
    ("MONITOR_STATE", "state\x1b[2J"),
])
def test_a_control_character_in_the_environment_is_refused(tmp_path, key, value):
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ={key: value})
    assert key in str(info.value) and "control character" in str(info.value)


@pytest.mark.parametrize("text", [
    'mail_to = ["a@example.org\\r\\nBcc: spy@example.org"]\n',
    'mail_from = "monitor@example.org\\nBcc: spy@example.org"\n',
    'smtp_host = "mail\\u0001.example.org"\n',
    'timezone = "Europe/Brussels\\u009b"\n',
])
def test_a_control_character_in_the_file_is_refused(tmp_path, text):
    write_toml(tmp_path, text)
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ={})
    assert "monitor.toml" in str(info.value) and "control character" in str(info.value)


def test_a_tab_is_still_allowed(tmp_path):
    s = load_settings(tmp_path / "demands.yaml", environ={"MONITOR_SMTP_HOST": "\tmail.example.org"})
    assert s.smtp_host == "mail.example.org"


@pytest.mark.parametrize("value", ["²", "١٢", "--5", "1_000", "9" * 5000, "8.5", "0x10", "-"])
def test_a_bad_number_is_a_message(tmp_path, value):
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ={"MONITOR_SMTP_PORT": value})
    assert "MONITOR_SMTP_PORT" in str(info.value) and "whole number" in str(info.value)
    assert len(str(info.value)) < 300


@pytest.mark.parametrize("text", ["smtp_timeout = 1.5\n", "smtp_port = 1e3\n", "digest_hour = true\n",
                                  "stale_days = 99999999999999999999999999\n"])
def test_a_bad_number_in_the_file_is_a_message(tmp_path, text):
    write_toml(tmp_path, text)
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ={})
    assert "whole number" in str(info.value)


@pytest.mark.parametrize("zone", ["Europe", "a" * 5000])
def test_a_folder_or_overlong_time_zone_is_a_message(tmp_path, zone):
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ={"MONITOR_TIMEZONE": zone})
    assert "not a time zone" in str(info.value)


def test_the_smtp_timeout_defaults_to_60_seconds(tmp_path):
    assert load_settings(tmp_path / "demands.yaml", environ={}).smtp_timeout == 60


def test_a_fifo_or_folder_at_monitor_toml_is_a_message_not_a_hang(tmp_path):
    import os

    os.mkfifo(tmp_path / "monitor.toml")
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ={})
    assert "FIFO" in str(info.value) and "monitor.toml" in str(info.value)
    os.unlink(tmp_path / "monitor.toml")
    (tmp_path / "monitor.toml").mkdir()
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ={})
    assert "folder" in str(info.value)


def test_cli_in_a_real_process_gives_messages_for_control_characters_and_a_fifo(small_file, tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env.update(PYTHONPATH=str(ROOT), MONITOR_MAIL_TO="a@example.org\r\nBcc: spy@example.org",
               MONITOR_STATE=str(tmp_path / "state"))
    cmd = [sys.executable, "-m", "monitor", "--file", str(small_file), "--today", "2026-11-24", "digest", "--send",
           "--out", str(tmp_path / "out")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1 and "MONITOR_MAIL_TO" in proc.stderr and "control character" in proc.stderr
    assert "internal error" not in proc.stderr
    del env["MONITOR_MAIL_TO"]
    env["MONITOR_SMTP_PORT"] = "²"
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1 and "not a whole number" in proc.stderr and "internal error" not in proc.stderr
    del env["MONITOR_SMTP_PORT"]
    os.mkfifo(small_file.parent / "monitor.toml")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1 and "FIFO" in proc.stderr and "internal error" not in proc.stderr


# -- "today": the date in the settings' time zone, for the command line and the scheduler alike ----------------

# 11:30 UTC: already the 25th on Kiritimati (UTC+14), still the 23rd in Etc/GMT+12 (UTC-12; the sign is POSIX's)
NOON_UTC = dt.datetime(2026, 11, 24, 11, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("zone, day", [("Pacific/Kiritimati", dt.date(2026, 11, 25)),
                                       ("Etc/GMT+12", dt.date(2026, 11, 23)), ("UTC", dt.date(2026, 11, 24))])
def test_today_is_the_date_in_the_settings_time_zone(zone, day):
    assert today(zone, now=NOON_UTC) == day
    assert today(zone, now=NOON_UTC.astimezone(ZoneInfo("America/New_York"))) == day  # the instant, not its zone


def test_the_time_zone_of_today_comes_from_the_environment_then_the_file(tmp_path):
    data = tmp_path / "demands.yaml"
    assert timezone_of(data, environ={}) == "Europe/Brussels"
    # a wrong mail setting does not matter to "today"; the time zone does
    write_toml(tmp_path, 'timezone = "Pacific/Kiritimati"\nsmtp_port = 99999\nsmtp_hots = "x"\n')
    assert timezone_of(data, environ={}) == "Pacific/Kiritimati"
    assert timezone_of(data, environ={"MONITOR_TIMEZONE": "Etc/GMT+12"}) == "Etc/GMT+12"
    assert as_of(data, None, now=NOON_UTC) == dt.date(2026, 11, 25)
    assert as_of(data, dt.date(2022, 1, 13), now=NOON_UTC) == dt.date(2022, 1, 13)  # --today wins
    write_toml(tmp_path, 'timezone = "Europe/Bruxelles"\n')
    with pytest.raises(SettingsError, match="Europe/Bruxelles.*not a time zone"):
        timezone_of(data, environ={})


def test_the_command_line_works_as_of_today_in_the_settings_time_zone(small_file, tmp_path, no_monitor_env,
                                                                       monkeypatch, capsys):
    # The two zones are 26 hours apart, so their dates differ whenever the test runs: the day that is today on
    # Kiritimati is still in the future in Etc/GMT+12.
    monkeypatch.setenv("MONITOR_STATE", str(tmp_path / "state"))
    kiritimati = today("Pacific/Kiritimati")
    argv = ["--file", str(small_file), "digest", "--since", kiritimati.isoformat(), "--out", str(tmp_path / "out")]
    monkeypatch.setenv("MONITOR_TIMEZONE", "Pacific/Kiritimati")
    assert main(argv) == 0
    monkeypatch.setenv("MONITOR_TIMEZONE", "Etc/GMT+12")
    capsys.readouterr()
    assert main(argv) == 2
    assert "is in the future" in capsys.readouterr().err
    assert main(["--today", kiritimati.isoformat()] + argv) == 0  # --today still overrides


def test_reports_url_is_an_http_address(tmp_path):
    write_toml(tmp_path, 'reports_url = "https://example.org/kazakhstan/"\n')
    assert load_settings(tmp_path / "demands.yaml", environ={}).reports_url == "https://example.org/kazakhstan/"
    assert load_settings(tmp_path / "other" / "demands.yaml", environ={}).reports_url == ""  # none: no link


@pytest.mark.parametrize("value", ["example.org/reports", "javascript:alert(1)", "ftp://example.org/", "https://"])
def test_a_reports_url_that_is_not_a_web_address_is_a_message(tmp_path, value):
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path / "demands.yaml", environ={"MONITOR_REPORTS_URL": value})
    assert "MONITOR_REPORTS_URL" in str(info.value) and "https://" in str(info.value)


def test_a_job_store_is_named_in_words_without_its_address():
    """Messages name the job store by what it is, never by a database address that may hold a password."""
    from monitor.jobstore import describe_store

    assert describe_store("sqlite:////var/lib/monitor/jobs.sqlite") == "the job store file /var/lib/monitor/jobs.sqlite"
    said = describe_store("postgresql+psycopg2://monitor:s3cret@db.example.org:5432/register")
    assert said == "the PostgreSQL job store register on db.example.org" and "s3cret" not in said
