"""Build the digest email (plain text + HTML in one message) and send it by SMTP using the settings.

Sending retries a failed connection with a growing pause; a failure that will not go away by waiting (a
refused address, a wrong password) is raised at once as MailError.
"""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket
import ssl
import time
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

log = logging.getLogger(__name__)

ATTEMPTS = 3
FIRST_PAUSE_SECONDS = 5.0


class MailError(Exception):
    """The digest could not be handed to the mail server; `permanent` when retrying later will not help."""

    def __init__(self, message: str, *, permanent: bool = False, recipient: str | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.recipient = recipient


def new_message_id(sender: str, key: str | None = None) -> str:
    """A Message-ID in the sender's domain; derived from `key` when given, so the same digest gets the same id."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "monitor.invalid"
    if key is None:
        return make_msgid("digest", domain=domain)
    return f"<digest.{key}@{domain}>"


def build_message(*, subject: str, text: str, html: str, sender: str, recipients, message_id: str,
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

    def __init__(self, settings, *, attempts: int = ATTEMPTS, pause: float = FIRST_PAUSE_SECONDS, sleep=time.sleep):
        self.settings, self.attempts, self.pause, self.sleep = settings, attempts, pause, sleep
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def send(self, message: bytes | EmailMessage, recipient: str) -> None:
        """Hand `message` to the server for one recipient, retrying passing failures; MailError if it cannot."""
        if isinstance(message, EmailMessage):
            message = message.as_bytes(policy=policy.SMTP)
        address = parseaddr(recipient)[1]
        sender = parseaddr(self.settings.mail_from)[1]
        pause = self.pause
        for attempt in range(1, self.attempts + 1):
            try:
                smtp = self._connect()
                smtp.sendmail(sender, [address], message)
                return
            except MailError:
                raise
            except smtplib.SMTPRecipientsRefused as exc:
                code, reply = exc.recipients.get(address, (0, b""))
                self.close()
                if 400 <= code < 500 and attempt < self.attempts:
                    error = f"{address} refused for now ({code})"
                else:
                    raise MailError(f"the mail server refused {address}: {code} {_reply(reply)}",
                                    permanent=code >= 500, recipient=recipient) from None
            except smtplib.SMTPResponseException as exc:
                self.close()
                if exc.smtp_code >= 500:
                    raise MailError(f"the mail server refused the digest: {exc.smtp_code} {_reply(exc.smtp_error)}",
                                    permanent=True) from None
                error = f"{exc.smtp_code} {_reply(exc.smtp_error)}"
            except (smtplib.SMTPException, OSError) as exc:
                self.close()
                error = _describe(exc)
            if attempt < self.attempts:
                log.warning("sending to %s failed (%s); trying again in %.0f s", address, error, pause)
                self.sleep(pause)
                pause *= 3
        raise MailError(f"could not reach the mail server {self.settings.smtp_host}:{self.settings.smtp_port} "
                        f"after {self.attempts} attempts: {error}")

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        s = self.settings
        if not s.smtp_host:
            raise MailError("no mail server is set — set smtp_host (MONITOR_SMTP_HOST)", permanent=True)
        context = ssl.create_default_context()
        if s.smtp_tls == "ssl":
            smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
        try:
            smtp.ehlo()
            if s.smtp_tls == "starttls":
                if not smtp.has_extn("starttls"):
                    raise MailError(f"{s.smtp_host}:{s.smtp_port} does not offer STARTTLS — set smtp_tls to "
                                    "'ssl' (usually port 465) or, only on a trusted network, 'none'", permanent=True)
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.smtp_user:
                try:
                    smtp.login(s.smtp_user, s.smtp_password)
                except smtplib.SMTPAuthenticationError as exc:
                    raise MailError(f"the mail server did not accept the user name or password for "
                                    f"{s.smtp_user}: {exc.smtp_code} {_reply(exc.smtp_error)}", permanent=True) from None
                except smtplib.SMTPNotSupportedError:
                    raise MailError(f"{s.smtp_host} does not offer a login on this connection — check smtp_tls",
                                    permanent=True) from None
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp


def _reply(raw) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running, and is the port right?)"
    if isinstance(exc, socket.gaierror):
        return "the server name cannot be found (check smtp_host)"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "no answer in time"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason or exc}) — check smtp_tls and smtp_port"
    return f"{exc.__class__.__name__}: {exc}"
