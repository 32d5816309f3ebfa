"""SMTP over TLS against real servers (aiosmtpd on 127.0.0.1) with certificates from a throw-away authority (trustme).

STARTTLS and implicit TLS ("ssl") deliver when the client trusts the authority (smtp_ca_file); a certificate for
another name, or from an authority it does not trust, is refused at once with a message that says what to set, and
nothing is sent, in clear text or otherwise. smtp_tls = "none" to another computer is a warning.
"""
from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys

import pytest
import trustme

from monitor.mail import Mailer, MailError
from monitor.settings import SettingsError, load_settings
from tests.conftest import ROOT
from tests.mail_servers import mail_env, tls_server

MESSAGE = b"Subject: digest\r\n\r\nthe weekly digest\r\n"


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def ca_file(ca, tmp_path):
    path = tmp_path / "our-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(params=["starttls", "ssl"])
def mode(request):
    return request.param


def tls_env(server, tmp_path, mode: str, ca_file=None, host: str = "127.0.0.1") -> dict:
    env = {**mail_env(server.port, tmp_path), "MONITOR_SMTP_TLS": mode, "MONITOR_SMTP_HOST": host}
    return {**env, "MONITOR_SMTP_CA_FILE": str(ca_file)} if ca_file else env


def send(env: dict, tmp_path) -> list:
    """Send one message with these settings; the pauses the Mailer would have made before trying again."""
    pauses: list = []
    with Mailer(load_settings(tmp_path / "demands.yaml", environ=env), sleep=pauses.append) as mailer:
        mailer.send(MESSAGE, "a@example.org")
    return pauses


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_tls_delivers_when_the_client_trusts_the_authority(ca, ca_file, tmp_path, mode, host):
    server = tls_server(ca, mode).start()
    try:
        assert send(tls_env(server, tmp_path, mode, ca_file, host), tmp_path) == []
    finally:
        server.stop()
    assert [(m[0], m[1]) for m in server.messages] == [("monitor@example.org", ["a@example.org"])]
    assert server.senders == [("monitor@example.org", True)]  # encrypted before the first address went out


def test_the_password_goes_only_over_starttls(ca, ca_file, tmp_path):
    from aiosmtpd.smtp import AuthResult

    def authenticator(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=auth_data.password == b"right", handled=False)

    # aiosmtpd offers AUTH only once the connection is encrypted (auth_require_tls, its default)
    server = tls_server(ca, "starttls", authenticator=authenticator).start()
    try:
        env = {**tls_env(server, tmp_path, "starttls", ca_file), "MONITOR_SMTP_USER": "monitor",
               "MONITOR_SMTP_PASSWORD": "right"}
        assert send(env, tmp_path) == []
    finally:
        server.stop()
    assert len(server.messages) == 1


@pytest.mark.parametrize("host, cert_names, shown", [
    ("127.0.0.1", ("mail.example.org",), "IP address mismatch"),
    ("localhost", ("mail.example.org",), "Hostname mismatch"),
])
def test_a_certificate_for_another_name_is_refused_at_once(ca, ca_file, tmp_path, mode, host, cert_names, shown):
    server = tls_server(ca, mode, names=cert_names).start()
    try:
        with pytest.raises(MailError) as info:
            send(tls_env(server, tmp_path, mode, ca_file, host), tmp_path)
    finally:
        server.stop()
    message = str(info.value)
    assert info.value.kind == "settings" and info.value.permanent
    assert f"the mail server's certificate is not for {host}" in message and shown in message
    assert "nothing was sent" in message and "set smtp_host to the name written on the server's certificate" in message
    assert server.messages == [] and server.senders == []  # not even the sender's address, in clear or otherwise


@pytest.mark.parametrize("trusted", ["another authority", "the system's authorities"])
def test_a_certificate_from_an_untrusted_authority_is_refused_at_once(ca, tmp_path, mode, trusted):
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    server = tls_server(ca, mode).start()
    try:
        env = tls_env(server, tmp_path, mode, other if trusted == "another authority" else None)
        with pytest.raises(MailError) as info:
            send(env, tmp_path)
    finally:
        server.stop()
    message = str(info.value)
    assert info.value.kind == "settings"
    assert "showed a certificate this computer does not trust" in message and "nothing was sent" in message
    assert "set smtp_ca_file to its certificate authority's file" in message
    assert server.messages == [] and server.senders == []


def test_no_tls_to_this_computer_is_quiet(smtp, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    assert send(mail_env(smtp.port, tmp_path), tmp_path) == []
    assert "unencrypted" not in caplog.text and len(smtp.messages) == 1


def test_no_tls_to_another_computer_prints_a_warning(smtp, small_file, no_monitor_env):
    """`monitor digest --send` with smtp_tls = "none" to mail.example.org (resolved to the test server here)."""
    env = {**os.environ, **mail_env(smtp.port, small_file.parent / "state"), "MONITOR_SMTP_HOST": "mail.example.org",
           "PYTHONPATH": str(ROOT)}
    redirect = ("import socket, sys\n"
                "real = socket.getaddrinfo\n"
                "socket.getaddrinfo = lambda host, *a, **k: real('127.0.0.1' if host == 'mail.example.org' else host,"
                " *a, **k)\n"
                "from monitor.cli import main\n"
                "sys.exit(main(sys.argv[1:]))\n")
    proc = subprocess.run([sys.executable, "-c", redirect, "--file", str(small_file), "digest", "--send"],
                          capture_output=True, text=True, env=env, timeout=120, cwd=small_file.parent)
    assert proc.returncode == 0, proc.stderr
    assert ("smtp_tls is 'none': the digest goes to mail.example.org unencrypted — set smtp_tls to 'starttls'"
            in proc.stderr), proc.stderr
    assert len(smtp.messages) == 2  # a warning, not a refusal: the relay may be on a network the team trusts


def test_smtp_ca_file_is_read_beside_the_data_file_and_checked(ca, tmp_path):
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    (tmp_path / "monitor.toml").write_text('smtp_ca_file = "ca.pem"\n', encoding="utf-8")
    assert load_settings(tmp_path / "demands.yaml", environ={}).smtp_ca_file == str(tmp_path / "ca.pem")
    (tmp_path / "not-pem.txt").write_text("hello\n", encoding="utf-8")
    for value, said in (("missing.pem", "cannot be read"), ("not-pem.txt", "holds no certificate")):
        with pytest.raises(SettingsError) as info:
            load_settings(tmp_path / "demands.yaml", environ={"MONITOR_SMTP_CA_FILE": str(tmp_path / value)})
        assert "environment variable MONITOR_SMTP_CA_FILE" in str(info.value) and said in str(info.value)


def test_is_local_is_this_computer_only():
    from monitor.smtp import is_local

    assert all(is_local(h) for h in ("localhost", "LOCALHOST.", "127.0.0.1", "127.1.2.3", "::1", "[::1]"))
    assert not any(is_local(h) for h in ("mail.example.org", "10.0.0.5", "192.168.1.1", socket.gethostname() + ".x"))
