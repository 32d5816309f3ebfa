"""Settings: monitor.toml beside the data file, MONITOR_* environment variables win, bad values give messages."""
from __future__ import annotations

import pytest

from monitor.cli import main
from monitor.settings import SettingsError, load_settings


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
