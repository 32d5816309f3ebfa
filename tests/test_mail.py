"""mail: the message as a client sees it, and sending to a real SMTP server (aiosmtpd) on 127.0.0.1.

The SMTP helpers here (`free_port`, `SmtpServer`, the `smtp` fixture) are also used by test_digest and
test_schedule.
"""
from __future__ import annotations

import email
import socket
from email import policy

import pytest

from monitor.mail import Mailer, MailError, build_message, new_message_id
from monitor.settings import load_settings


def free_port() -> int:
    """A port nobody listens on now (aiosmtpd 1.4 cannot take port 0 itself)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 keeping every message it accepts; start() and stop() as often as needed."""

    def __init__(self, port: int | None = None, **controller_options):
        self.port = port or free_port()
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.options = controller_options
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def start(self) -> "SmtpServer":
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def parsed(self, index: int = -1):
        return email.message_from_bytes(self.messages[index][2], policy=policy.default)


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def mail_env(port: int, state, to: str = "a@example.org, Bee <b@example.org>") -> dict:
    return {"MONITOR_SMTP_HOST": "127.0.0.1", "MONITOR_SMTP_PORT": str(port), "MONITOR_SMTP_TLS": "none",
            "MONITOR_MAIL_FROM": "NGO monitor <monitor@example.org>", "MONITOR_MAIL_TO": to,
            "MONITOR_STATE": str(state)}


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


def test_an_unreachable_server_is_retried_with_growing_pauses_then_reported(tmp_path):
    settings = load_settings(tmp_path / "demands.yaml", environ=mail_env(free_port(), tmp_path))
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
