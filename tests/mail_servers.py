"""SMTP servers on 127.0.0.1 for the mail, digest, outbox and schedule tests (the `smtp` fixture is in conftest.py).

Every server takes its port from the kernel (bind to port 0, read the port back) and holds it until it
stops: there is no moment at which another process could take the port between choosing and listening.
"""
from __future__ import annotations

import email
import socket
from email import policy

from aiosmtpd.controller import Controller


def bound_socket() -> socket.socket:
    """A TCP socket bound to a port of 127.0.0.1 the kernel chose, not yet listening.

    Connections to it are refused, as to a server that is down; without SO_REUSEADDR no other socket can
    bind the port while this one is open, so the port stays ours until a server listens on it or it closes.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


class ControllerOnSocket(Controller):
    """aiosmtpd's threaded Controller, serving on a socket we bound ourselves.

    aiosmtpd 1.4.6 cannot be given port 0: its start() connects to the port it was given, to make the server
    build its SMTP instance, so it must know the real port before it starts. `_create_server` is the hook
    aiosmtpd's controllers override to say where to listen; asyncio closes the socket when the server stops.
    """

    def __init__(self, handler, sock: socket.socket, **options):
        hostname, port = sock.getsockname()
        super().__init__(handler, hostname=hostname, port=port, **options)
        self.sock = sock

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self.sock, ssl=self.ssl_context)


class SmtpServer:
    """A real SMTP server on 127.0.0.1 keeping every message it accepts.

    Its port is known (and refuses connections) from the moment it is made; start() serves on it, stop()
    releases it. Start it once: a stopped server's port is given back to the kernel.
    """

    def __init__(self, **controller_options):
        self.socket = bound_socket()
        self.port: int = self.socket.getsockname()[1]
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.senders: list[tuple[str, bool]] = []  # (MAIL FROM address, over TLS?)
        self.options = controller_options
        self.controller: ControllerOnSocket | None = None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # whether the connection was encrypted when the sender was given: the tests prove nothing goes in clear
        self.senders.append((address, server.transport.get_extra_info("ssl_object") is not None))
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def start(self) -> "SmtpServer":
        assert self.socket.fileno() != -1, "this server was stopped: make a new one"
        self.controller = ControllerOnSocket(self, self.socket, **self.options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
        self.socket.close()  # already closed by asyncio if the server ran; releases the port if it never did

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

    def __init__(self, behaviour: str):
        import threading

        self.behaviour = behaviour
        self.messages: list[bytes] = []
        self.rcpts: list[str] = []
        self.greeted, self.refused = threading.Event(), threading.Event()
        self.stopped = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0), reuse_port=False)  # the kernel picks a free port
        self.port = self.listener.getsockname()[1]
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


def tls_server(ca, mode: str, names: tuple[str, ...] = ("127.0.0.1", "localhost"), **options) -> SmtpServer:
    """An SmtpServer speaking TLS with a certificate for `names` from the trustme CA `ca`: "starttls" (offered,
    not required: a client that went on without it would be heard in clear) or "ssl" (implicit TLS)."""
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    if mode == "ssl":
        return SmtpServer(ssl_context=context, **options)
    return SmtpServer(tls_context=context, require_starttls=False, **options)


def mail_env(port: int, state, to: str = "a@example.org, Bee <b@example.org>") -> dict:
    return {"MONITOR_SMTP_HOST": "127.0.0.1", "MONITOR_SMTP_PORT": str(port), "MONITOR_SMTP_TLS": "none",
            "MONITOR_MAIL_FROM": "NGO monitor <monitor@example.org>", "MONITOR_MAIL_TO": to,
            "MONITOR_STATE": str(state)}
