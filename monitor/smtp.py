"""The SMTP connection: smtplib clients whose every step has a deadline, its TLS, and a failed step in words.

A socket timeout counts per recv, so a server dripping a byte a second would never trip it; here each step
(connecting with the greeting, or one command with its reply) has smtp_timeout seconds in all. mail.py's Mailer
opens its connections with these clients.

TLS checks the server's certificate and name, against the system's certificate authorities or only the one in
smtp_ca_file; a certificate that fails is refused (nothing is sent, in clear text or otherwise), and smtp_tls =
"none" to a server beyond this computer is logged as a warning each time it connects.
"""
from __future__ import annotations

import ipaddress
import logging
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

log = logging.getLogger("monitor.mail")


class Clock:
    """One deadline per SMTP step (connecting with the greeting, or one command with its reply)."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.deadline, self.expired = seconds, 0.0, False

    def start(self) -> None:
        """A new step begins: its deadline is `seconds` from now."""
        self.deadline, self.expired = time.monotonic() + self.seconds, False

    def left(self) -> float:
        """Seconds left of the step; socket.timeout (and `expired`) once there are none."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.expired = True
            raise socket.timeout(f"no answer within {self.seconds:g} s")
        return left


class _Timed:
    """Socket methods that smtplib uses, each bounded by what is left of the step's deadline."""

    clock: Clock | None = None

    def _bounded(self, call: Callable[..., T], *args: Any) -> T:
        if self.clock is None:
            return call(*args)
        self.settimeout(self.clock.left())  # type: ignore[attr-defined]
        try:
            return call(*args)
        except socket.timeout:
            self.clock.expired = True
            raise

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        return self._bounded(super().recv_into, buffer, nbytes, flags)  # type: ignore[misc]

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        return self._bounded(super().recv, bufsize, flags)  # type: ignore[misc]

    def sendall(self, data: Any, flags: int = 0) -> None:
        return self._bounded(super().sendall, data, flags)  # type: ignore[misc]


class _TimedSocket(_Timed, socket.socket):
    pass


class TimedSSLSocket(_Timed, ssl.SSLSocket):  # type: ignore[misc]  # SSLSocket.recv's signature differs by a name
    """The TLS socket of a Client (set as the SSL context's sslsocket_class)."""

    def recv_into(self, buffer: Any, nbytes: int | None = None, flags: int = 0) -> int:
        return self._bounded(ssl.SSLSocket.recv_into.__get__(self), buffer, nbytes, flags)


class Client(smtplib.SMTP):
    """smtplib.SMTP whose every step has a deadline (see Clock)."""

    def __init__(self, clock: Clock, **options: Any) -> None:
        self.clock = clock
        super().__init__(**options)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        self.clock.start()  # the step: connecting and reading the greeting
        self._host = host  # smtplib sets it only when the host is given to __init__; TLS checks the name with it
        sock = super()._get_socket(host, port, timeout)  # type: ignore[misc]  # not in typeshed's SMTP
        if not isinstance(sock, _Timed):
            sock = _TimedSocket(sock.family, sock.type, sock.proto, fileno=sock.detach())
        sock.clock = self.clock
        return sock

    def send(self, s: Any) -> None:
        """Send a command (or the message): a new step, with a new deadline."""
        self.clock.start()
        super().send(s)

    def starttls(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """As smtplib's; the TLS socket keeps the deadlines."""
        reply = super().starttls(*args, **kwargs)
        if isinstance(self.sock, _Timed):
            self.sock.clock = self.clock
        return reply


class SSLClient(Client, smtplib.SMTP_SSL):
    """An SMTP_SSL (smtp_tls = "ssl") with the deadlines of Client."""


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """Certificates and host names checked, against the system's authorities or only those in `ca_file` (PEM);
    its sockets keep the step deadlines. OSError when the file cannot be read, ssl.SSLError when it holds none."""
    from .readfile import read_regular

    if ca_file:
        pem = read_regular(ca_file)  # never blocks on a FIFO put in the file's place
        if pem is None:
            raise FileNotFoundError(2, "No such file or directory", ca_file)
        context = ssl.create_default_context(cadata=pem.decode("ascii", "replace"))
    else:
        context = ssl.create_default_context()
    context.sslsocket_class = TimedSSLSocket
    return context


def is_local(host: str) -> bool:
    """True for this computer itself (localhost, 127.0.0.0/8, ::1): the only place plain SMTP cannot be overheard."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def warn_if_plain(host: str, tls: str, with_password: bool) -> None:
    """Log a warning when smtp_tls = "none" sends to another computer: anyone on the way can read it."""
    if tls == "none" and not is_local(host):
        what = "the digest and the mail password go" if with_password else "the digest goes"
        log.warning("smtp_tls is 'none': %s to %s unencrypted — set smtp_tls to 'starttls' (port 587) or 'ssl' "
                    "(port 465) unless that server is on a network you trust", what, host)


def certificate_refused(host: str, exc: ssl.SSLCertVerificationError) -> str:
    """Why the server's certificate was refused, and what to set; nothing was sent."""
    why = exc.verify_message or exc.reason or str(exc)
    if "mismatch" in why.lower():
        return (f"the mail server's certificate is not for {host} ({why}) — nothing was sent; set smtp_host to the "
                "name written on the server's certificate (ask whoever runs it)")
    return (f"the mail server {host} showed a certificate this computer does not trust ({why}) — nothing was sent; "
            "if your organisation signs its own certificates, set smtp_ca_file to its certificate authority's file "
            "(PEM), otherwise ask whoever runs the mail server")


def reply_text(raw: bytes | str) -> str:
    """A server's reply as text."""
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def describe_failure(exc: BaseException, clock: Clock | None = None) -> str:
    """A failed step in words, with what to check."""
    if clock is not None and clock.expired:
        return f"no complete answer within {clock.seconds:g} s (smtp_timeout)"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running, and is the port right?)"
    if isinstance(exc, socket.gaierror):
        return "the server name cannot be found (check smtp_host)"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "no answer in time"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason or exc}) — check smtp_tls and smtp_port"
    return f"{exc.__class__.__name__}: {exc}"
