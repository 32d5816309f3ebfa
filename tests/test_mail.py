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


class BadSmtp:
    """A deliberately misbehaving SMTP server on 127.0.0.1, written with plain sockets (one thread per client).

    `behaviour` is one of: "drop-after-data" (takes the whole message, then closes without a reply),
    "451-after-data" (takes the whole message, then answers 451: not taken, try later),
    "452-a" (452 mailbox full to RCPT a@example.org, the others taken),
    "4xx-rcpt" (451 to every RCPT), "550-rcpt" (550 relaying denied to every RCPT), "drip-greeting"
    (a greeting that never ends, one byte at a time), "endless-greeting" (220- continuation lines for ever).
    `messages` counts the messages it received in full; `greeted` is set when a client connected.
    """

    def __init__(self, behaviour: str, port: int | None = None):
        import threading

        self.behaviour, self.port = behaviour, port or free_port()
        self.messages: list[bytes] = []
        self.rcpts: list[str] = []
        self.greeted, self.refused = threading.Event(), threading.Event()
        self.stopped = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone does not
        except OSError:
            pass
        self.listener.close()
        self.thread.join(10)

    def __enter__(self) -> "BadSmtp":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _serve(self) -> None:
        import threading

        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._client, args=(conn,), daemon=True).start()

    def _client(self, conn) -> None:
        with conn:
            try:
                self._talk(conn, conn.makefile("rb"))
            except OSError:
                pass

    def _talk(self, conn, lines) -> None:
        self.greeted.set()
        if self.behaviour in ("drip-greeting", "endless-greeting"):
            conn.sendall(b"220")
            while not self.stopped.wait(0.05):  # until the client gives up (then sendall fails) or the test ends
                conn.sendall(b"-" if self.behaviour == "drip-greeting" else b"-still saying hello\r\n220")
            return
        conn.sendall(b"220 bad.example ESMTP\r\n")
        for raw in lines:
            verb = raw[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                conn.sendall(b"250 bad.example\r\n")
            elif verb == b"MAIL":
                conn.sendall(b"250 ok\r\n")
            elif verb == b"RCPT":
                self.rcpts.append(raw.decode().strip())
                if self.behaviour == "452-a" and b"<a@example.org>" in raw:
                    conn.sendall(b"452 4.2.2 mailbox full\r\n")
                    self.refused.set()
                elif self.behaviour == "4xx-rcpt":
                    conn.sendall(b"451 4.3.0 try again later\r\n")
                    self.refused.set()
                elif self.behaviour == "550-rcpt":
                    conn.sendall(b"550 5.7.1 relaying denied\r\n")
                    self.refused.set()
                else:
                    conn.sendall(b"250 ok\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                body = b""
                for line in lines:
                    if line == b".\r\n":
                        break
                    body += line
                self.messages.append(body)
                if self.behaviour == "drop-after-data":
                    return  # the whole message arrived; hang up before saying so
                if self.behaviour == "451-after-data":
                    conn.sendall(b"451 4.3.0 local error, try again later\r\n")
                    continue
                conn.sendall(b"250 queued\r\n")
            elif verb == b"RSET" or verb == b"NOOP":
                conn.sendall(b"250 ok\r\n")
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"502 not implemented\r\n")


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


def run_with_guard(call, seconds: float = 60):
    """Run `call` in a thread; fail (rather than hang the test run) if it has not returned after `seconds`."""
    import threading

    box: dict = {}

    def target():
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the test
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s: it hangs"
    if "error" in box:
        raise box["error"]
    return box.get("value")


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
