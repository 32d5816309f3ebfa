"""Build the digest email (plain text + HTML in one message) and send it by SMTP using the settings.

Sending retries a passing failure (no connection, a 4xx reply) with a growing pause; a failure that will not go
away by waiting (a 5xx reply, a wrong password) is raised at once as MailError, and so is a connection lost after
the message went out (then the server may have it: sending again could make a duplicate). A 4xx about one
recipient (to RCPT, DATA or the message) is that recipient's alone ("deferred"): the others can still be sent.
Every step of the conversation has a deadline of smtp_timeout seconds, the greeting included (smtp.py).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING, Literal

from .errors import MonitorError
from .i18n import _
from .smtp import (
    Client,
    Clock,
    SSLClient,
    certificate_refused,
    describe_failure,
    reply_text,
    tls_context,
    warn_if_plain,
)

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger(__name__)

ATTEMPTS = 3
FIRST_PAUSE_SECONDS = 5.0


MailErrorKind = Literal["retry", "deferred", "settings", "refused", "in-doubt"]
RETRIED = ("retry", "deferred")  # the kinds that waiting may cure: tried again after a pause


class MailError(MonitorError):
    """The digest could not be handed to the mail server for one recipient; `kind` says what that means.

    retry: a passing failure of the server or the connection (no connection, a 4xx to the greeting or the
        sender): nothing reached the server, and nobody else can be sent now either; send it later.
    deferred: a 4xx for this recipient (to RCPT, DATA or the message, e.g. "452 mailbox full"): not delivered,
        send it later; the other recipients can be served now.
    settings: the setup is wrong (no STARTTLS, a wrong password): nothing was sent; fix the settings.
    refused: the server said no for good (a 5xx reply to the sender, recipient or message): failed.
    in-doubt: the connection was lost after the whole message went out, before the server's reply.
    """

    def __init__(self, message: str, *, kind: MailErrorKind = "retry", recipient: str | None = None) -> None:
        super().__init__(message)
        self.kind, self.recipient = kind, recipient

    @property
    def permanent(self) -> bool:
        return self.kind in ("settings", "refused")


def new_message_id(sender: str, key: str | None = None) -> str:
    """A Message-ID in the sender's domain; derived from `key` when given, so the same digest gets the same id."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "monitor.invalid"
    if key is None:
        return make_msgid("digest", domain=domain)
    return f"<digest.{key}@{domain}>"


def build_message(*, subject: str, text: str, html: str, sender: str, recipients: Iterable[str], message_id: str,
                  date: dt.datetime | None = None) -> EmailMessage:
    """A multipart/alternative message: the plain text first, the HTML second (clients show the last they can)."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(date or dt.datetime.now(dt.timezone.utc).astimezone())
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office replies should not answer it
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg


class Mailer:
    """One SMTP connection, opened on first use and reopened after a failure; use as a context manager."""

    def __init__(self, settings: Settings, *, attempts: int = ATTEMPTS, pause: float = FIRST_PAUSE_SECONDS,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings, self.attempts, self.pause, self.sleep = settings, attempts, pause, sleep
        self._smtp: smtplib.SMTP | None = None
        self._clock = Clock(float(settings.smtp_timeout))

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _drop(self) -> None:
        """Close without QUIT: after an error the server's state is unknown, and QUIT could wait for nothing."""
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def send(self, message: bytes | EmailMessage, recipient: str, *, before_data: Callable[[], object] | None = None,
             not_sent: Callable[[], object] | None = None) -> None:
        """Hand `message` to the server for one recipient, retrying passing failures; MailError if it cannot.

        `before_data()` is called once the server has said "go ahead" (354), just before the message itself goes
        out: from then until the server's reply, a lost connection leaves it in doubt (kind "in-doubt").
        `not_sent()` is called when such an attempt then fails in a way that proves the server did not take the
        message (a reply other than 250 to it, or the connection lost before its end marker went out), at once,
        before any pause: a process stopped during the pause must not leave the recipient looking in doubt.
        """
        if isinstance(message, EmailMessage):
            message = message.as_bytes(policy=policy.SMTP)
        address = parseaddr(recipient)[1]
        sender = parseaddr(self.settings.mail_from)[1]
        pause = self.pause
        for attempt in range(1, self.attempts + 1):
            begun = []

            def going_out() -> None:
                begun.append(True)
                if before_data is not None:
                    before_data()

            try:
                self._transaction(self._connect(), sender, address, message, recipient, going_out)
                return
            except MailError as exc:
                self._drop()
                if begun and exc.kind != "in-doubt" and not_sent is not None:
                    not_sent()
                if exc.kind not in RETRIED or attempt == self.attempts:
                    raise
                error = str(exc)
            except (smtplib.SMTPException, OSError) as exc:
                self._drop()
                if begun and not_sent is not None:  # lost while the message was going out, before its end marker
                    not_sent()
                error = describe_failure(exc, self._clock)
                if attempt == self.attempts:
                    raise MailError(_("could not reach the mail server {server} after {count} attempts: {error}")
                                    .format(server=f"{self.settings.smtp_host}:{self.settings.smtp_port}",
                                            count=self.attempts, error=error), kind=_kind_of(exc)) from None
            log.warning("sending to %s failed (%s); trying again in %.0f s", address, error, pause)
            self.sleep(pause)
            pause *= 3

    def _transaction(self, smtp: smtplib.SMTP, sender: str, address: str, message: bytes, recipient: str,
                     before_data: Callable[[], object]) -> None:
        """MAIL, RCPT, DATA and the message: smtplib.sendmail in steps, so that we know where a failure happened."""
        code, reply = smtp.mail(sender)
        if code != 250:
            raise _refusal(code, reply, _("the mail server refused the sender {sender}").format(sender=sender),
                           recipient, passing="retry")
        code, reply = smtp.rcpt(address)
        if code not in (250, 251):
            raise _refusal(code, reply, _("the mail server refused {address}").format(address=address), recipient)
        code, reply = smtp.docmd("data")
        if code != 354:
            raise _refusal(code, reply, _("the mail server refused the digest"), recipient)
        before_data()
        # Dot-stuffing and the end marker as smtplib.SMTP.data() does; the marker goes last, so a failure
        # while sending means the server cannot have taken the message: not in doubt, sent again later.
        payload = re.sub(rb"(?m)^\.", b"..", message)
        payload += (b"" if payload.endswith(b"\r\n") else b"\r\n") + b".\r\n"
        smtp.send(payload)
        try:
            code, reply = smtp.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise MailError(_("the connection to the mail server was lost after the digest was sent to {address}, "
                              "before the server confirmed it ({error}): it may or may not have arrived").format(
                                  address=address, error=describe_failure(exc, self._clock)),
                            kind="in-doubt", recipient=recipient) from None
        if code != 250:
            raise _refusal(code, reply, _("the mail server refused the digest"), recipient)

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        s = self.settings
        if not s.smtp_host:
            raise MailError(_("no mail server is set — set smtp_host (MONITOR_SMTP_HOST)"), kind="settings")
        context = tls_context(s.smtp_ca_file)
        warn_if_plain(s.smtp_host, s.smtp_tls, bool(s.smtp_user))
        smtp: smtplib.SMTP
        if s.smtp_tls == "ssl":
            smtp = SSLClient(self._clock, context=context, timeout=self._clock.seconds)
        else:
            smtp = Client(self._clock, timeout=self._clock.seconds)
        try:
            code, reply = smtp.connect(s.smtp_host, s.smtp_port)
            if code != 220:
                raise _refusal(code, reply, _("{server} does not accept mail now").format(
                    server=f"{s.smtp_host}:{s.smtp_port}"), None, permanent="settings", passing="retry")
            smtp.ehlo()
            if s.smtp_tls == "starttls":
                if not smtp.has_extn("starttls"):
                    raise MailError(_("{server} does not offer STARTTLS — set smtp_tls to 'ssl' (usually port 465) "
                                      "or, only on a trusted network, 'none'").format(
                                          server=f"{s.smtp_host}:{s.smtp_port}"), kind="settings")
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.smtp_user:
                try:
                    smtp.login(s.smtp_user, s.smtp_password)
                except smtplib.SMTPAuthenticationError as exc:
                    raise MailError(_("the mail server did not accept the user name or password for {user}: "
                                      "{reply}").format(user=s.smtp_user,
                                                        reply=f"{exc.smtp_code} {reply_text(exc.smtp_error)}"),
                                    kind="settings") from None
                except smtplib.SMTPNotSupportedError:
                    raise MailError(_("{host} does not offer a login on this connection — check smtp_tls").format(
                        host=s.smtp_host), kind="settings") from None
        except ssl.SSLCertVerificationError as exc:  # waiting will not change the certificate: refused at once
            smtp.close()
            raise MailError(certificate_refused(s.smtp_host, exc), kind="settings") from None
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp


def _refusal(code: int, reply: bytes | str, what: str, recipient: str | None, permanent: MailErrorKind = "refused",
             passing: MailErrorKind = "deferred") -> MailError:
    """A reply that is not the one expected: 4xx passes (try again later), 5xx does not."""
    answer = f"{code} {reply_text(reply)}"
    if 400 <= code < 500:
        return MailError(_("{refusal} for now: {reply}").format(refusal=what, reply=answer), kind=passing,
                         recipient=recipient)
    return MailError(f"{what}: {answer}", kind=permanent, recipient=recipient)


def _kind_of(exc: BaseException) -> MailErrorKind:
    # a TLS failure will not go away by waiting: the port or smtp_tls is wrong
    return "settings" if isinstance(exc, ssl.SSLError) else "retry"
