"""mail: the message as a client sees it, and sending to a real SMTP server (aiosmtpd) on 127.0.0.1.

The servers are in mail_servers.py, the `smtp` fixture in conftest.py.
"""
from __future__ import annotations

import email
from email import policy

import pytest

from monitor.mail import Mailer, MailError, build_message, new_message_id
from monitor.settings import load_settings
from tests.helpers import run_with_guard
from tests.mail_servers import BadSmtp, SmtpServer, mail_env


def test_the_message_is_text_and_html_with_id_and_date():
    mid = new_message_id("NGO monitor <monitor@example.org>", "abc123")
    msg = build_message(subject="Digest", text="plain ✓", html="<p>html ✓</p>", sender="monitor@example.org",
                        recipients=["a@example.org", "b@example.org"], message_id=mid)
    got = email.message_from_bytes(bytes(msg), policy=policy.default)
    assert mid == "<digest.abc123@example.org>" and got["Message-ID"] == mid
    assert got["Date"].datetime is not None and got["To"] == "a@example.org, b@example.org"
    assert got.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in got.iter_parts()] == ["text/plain", "text/html"]
    assert got.get_body(("plain",)).get_content().strip() == "plain ✓"


def test_a_real_server_receives_it(smtp, tmp_path):
    settings = load_settings(tmp_path / "demands.yaml", environ=mail_env(smtp.port, tmp_path))
    msg = build_message(subject="Digest", text="t", html="<p>h</p>", sender=settings.mail_from,
                        recipients=settings.mail_to, message_id=new_message_id(settings.mail_from))
    with Mailer(settings) as mailer:
        mailer.send(msg, "Bee <b@example.org>")
    assert [(m[0], m[1]) for m in smtp.messages] == [("monitor@example.org", ["b@example.org"])]


def test_an_unreachable_server_is_retried_with_growing_pauses_then_reported(tmp_path, refused_port):
    settings = load_settings(tmp_path / "demands.yaml", environ=mail_env(refused_port, tmp_path))
    pauses = []
    with pytest.raises(MailError) as info, Mailer(settings, attempts=3, pause=5, sleep=pauses.append) as mailer:
        mailer.send(b"Subject: x\r\n\r\nx\r\n", "a@example.org")
    assert pauses == [5, 15]
    assert "after 3 attempts" in str(info.value) and "connection refused" in str(info.value)
    assert not info.value.permanent


def test_a_wrong_password_is_a_clear_permanent_error(tmp_path):
    from aiosmtpd.smtp import AuthResult

    def authenticator(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=auth_data.password == b"right", handled=False)

    server = SmtpServer(authenticator=authenticator, auth_require_tls=False).start()
    try:
        env = {**mail_env(server.port, tmp_path), "MONITOR_SMTP_USER": "monitor", "MONITOR_SMTP_PASSWORD": "wrong"}
        settings = load_settings(tmp_path / "demands.yaml", environ=env)
        with pytest.raises(MailError) as info, Mailer(settings, sleep=lambda s: None) as mailer:
            mailer.send(b"Subject: x\r\n\r\nx\r\n", "a@example.org")
        assert info.value.permanent and "user name or password" in str(info.value)
        settings = load_settings(tmp_path / "demands.yaml", environ={**env, "MONITOR_SMTP_PASSWORD": "right"})
        with Mailer(settings) as mailer:
            mailer.send(b"Subject: x\r\n\r\nx\r\n", "a@example.org")
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_starttls_required_but_not_offered_says_what_to_set(smtp, tmp_path):
    env = {**mail_env(smtp.port, tmp_path), "MONITOR_SMTP_TLS": "starttls"}
    settings = load_settings(tmp_path / "demands.yaml", environ=env)
    with pytest.raises(MailError) as info, Mailer(settings) as mailer:
        mailer.send(b"Subject: x\r\n\r\nx\r\n", "a@example.org")
    assert "does not offer STARTTLS" in str(info.value) and info.value.permanent


@pytest.mark.parametrize("behaviour", ["drip-greeting", "endless-greeting"])
def test_a_greeting_that_never_ends_times_out_after_smtp_timeout(tmp_path, behaviour):
    with BadSmtp(behaviour) as server:
        env = {**mail_env(server.port, tmp_path), "MONITOR_SMTP_TIMEOUT": "1"}
        settings = load_settings(tmp_path / "demands.yaml", environ=env)
        pauses = []

        def send():
            with Mailer(settings, attempts=2, sleep=pauses.append) as mailer:
                mailer.send(b"Subject: x\r\n\r\nx\r\n", "a@example.org")

        with pytest.raises(MailError) as info:
            run_with_guard(send)
    assert info.value.kind == "retry" and "no complete answer within 1 s" in str(info.value)
    assert len(pauses) == 1 and server.messages == []


def test_a_connection_lost_after_the_message_is_in_doubt_and_not_sent_again(tmp_path):
    with BadSmtp("drop-after-data") as server:
        settings = load_settings(tmp_path / "demands.yaml", environ=mail_env(server.port, tmp_path))
        phases = []
        with pytest.raises(MailError) as info, Mailer(settings, sleep=phases.append) as mailer:
            mailer.send(b"Subject: x\r\n\r\nx\r\n", "a@example.org", before_data=lambda: phases.append("data"))
    assert info.value.kind == "in-doubt" and info.value.recipient == "a@example.org"
    assert "may or may not have arrived" in str(info.value)
    assert len(server.messages) == 1 and phases == ["data"]  # received once; no retry, no pause


def test_a_4xx_to_the_message_says_not_sent_before_each_pause(tmp_path):
    with BadSmtp("451-after-data") as server:
        settings = load_settings(tmp_path / "demands.yaml", environ=mail_env(server.port, tmp_path))
        steps = []
        with pytest.raises(MailError) as info, Mailer(settings, attempts=3, pause=5, sleep=steps.append) as mailer:
            mailer.send(b"Subject: x\r\n\r\nx\r\n", "a@example.org", before_data=lambda: steps.append("data"),
                        not_sent=lambda: steps.append("not sent"))
    assert info.value.kind != "in-doubt" and "451" in str(info.value) and not info.value.permanent
    # the mark is cleared before each pause: a process stopped while waiting leaves nobody in doubt
    assert steps == ["data", "not sent", 5, "data", "not sent", 15, "data", "not sent"]
    assert len(server.messages) == 3


def test_a_4xx_is_retried_and_then_reported_as_passing(tmp_path):
    with BadSmtp("4xx-rcpt") as server:
        settings = load_settings(tmp_path / "demands.yaml", environ=mail_env(server.port, tmp_path))
        pauses, phases = [], []
        with pytest.raises(MailError) as info, Mailer(settings, attempts=3, pause=5, sleep=pauses.append) as mailer:
            mailer.send(b"Subject: x\r\n\r\nx\r\n", "a@example.org", before_data=lambda: phases.append("data"))
    assert info.value.kind == "deferred" and "451" in str(info.value) and not info.value.permanent
    assert pauses == [5, 15] and phases == [] and len(server.rcpts) == 3 and server.messages == []


def test_a_550_to_rcpt_is_refused_at_once(tmp_path):
    with BadSmtp("550-rcpt") as server:
        settings = load_settings(tmp_path / "demands.yaml", environ=mail_env(server.port, tmp_path))
        pauses = []
        with pytest.raises(MailError) as info, Mailer(settings, sleep=pauses.append) as mailer:
            mailer.send(b"Subject: x\r\n\r\nx\r\n", "Bee <b@example.org>")
    assert info.value.kind == "refused" and info.value.recipient == "Bee <b@example.org>"
    assert "550" in str(info.value) and "relaying denied" in str(info.value) and pauses == []


def test_ssl_against_a_plain_server_is_a_settings_message(smtp, tmp_path):
    env = {**mail_env(smtp.port, tmp_path), "MONITOR_SMTP_TLS": "ssl", "MONITOR_SMTP_TIMEOUT": "2"}
    settings = load_settings(tmp_path / "demands.yaml", environ=env)
    with pytest.raises(MailError) as info, Mailer(settings, sleep=lambda s: None) as mailer:
        mailer.send(b"Subject: x\r\n\r\nx\r\n", "a@example.org")
    assert info.value.kind == "settings" and "TLS failed" in str(info.value) and "smtp_tls" in str(info.value)
