"""Download a resolution's page (`monitor import --url`): https only, redirects too, a size limit and a timeout.

The page is read into memory and never saved; what it holds is read by document.py as data only.
"""
from __future__ import annotations

import socket
import ssl
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from . import ImportRefused
from .document import MAX_BYTES

TIMEOUT_SECONDS = 30
_OFFLINE = "save the page in a browser and give the saved file instead of --url"


class _HttpsOnly(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another https address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
        if urlsplit(newurl).scheme.lower() != "https":
            raise ImportRefused(f"{req.full_url} redirects to {newurl}, which is not https — nothing was read")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def download(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_SECONDS,
             context: ssl.SSLContext | None = None) -> bytes:
    """The bytes at an https address; ImportRefused, with what to do instead, for anything else.

    `context`: the TLS settings (tests pass one that trusts their own certificate).
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ImportRefused(f"--url {url}: only https:// addresses are downloaded — give the adopted text's "
                            "https address, or a saved file")
    opener = urllib.request.build_opener(_HttpsOnly(), urllib.request.HTTPSHandler(context=context))
    request = urllib.request.Request(url, headers={"User-Agent": "monitor-import (+https://pypi.org/)"})
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise _too_large(url, int(length), max_bytes)
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise ImportRefused(f"{url}: the server answered {exc.code} {exc.reason} — check the address") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, socket.gaierror):
            raise ImportRefused(f"{url}: cannot find {parts.hostname} (offline?) — {_OFFLINE}") from None
        if isinstance(reason, ssl.SSLError):
            raise ImportRefused(f"{url}: the secure connection failed ({reason.reason or reason}) — "
                                f"{_OFFLINE}") from None
        raise ImportRefused(f"{url}: cannot connect ({getattr(reason, 'strerror', None) or reason}) — "
                            f"{_OFFLINE}") from None
    except (TimeoutError, socket.timeout):
        raise ImportRefused(f"{url}: no answer within {timeout:g} s — {_OFFLINE}") from None
    except OSError as exc:
        raise ImportRefused(f"{url}: the download failed ({exc.strerror or exc}) — {_OFFLINE}") from None
    if len(data) > max_bytes:
        raise _too_large(url, None, max_bytes)
    return data


def _too_large(url: str, size: int | None, limit: int) -> ImportRefused:
    shown = f"{size:,} bytes" if size else "more than that"
    return ImportRefused(f"{url}: the page is {shown}, more than the limit of {limit:,} — save only the adopted "
                         "text's page or its PDF and give the file")
