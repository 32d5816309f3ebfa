"""Download a resolution's page (`monitor import --url`): https only, redirects too, a size limit and a timeout.

The page is read into memory and never saved; what it holds is read by document.py as data only.
"""
from __future__ import annotations

import socket
import ssl
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from ..i18n import N_, _, format_number
from . import ImportRefused
from .document import MAX_BYTES

TIMEOUT_SECONDS = 30
_OFFLINE = N_("save the page in a browser and give the saved file instead of --url")


class _HttpsOnly(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another https address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
        if urlsplit(newurl).scheme.lower() != "https":
            raise ImportRefused(_("{url} redirects to {target}, which is not https — nothing was read").format(
                url=req.full_url, target=newurl))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def download(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_SECONDS,
             context: ssl.SSLContext | None = None) -> bytes:
    """The bytes at an https address; ImportRefused, with what to do instead, for anything else.

    `context`: the TLS settings (tests pass one that trusts their own certificate).
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ImportRefused(_("--url {url}: only https:// addresses are downloaded — give the adopted text's "
                              "https address, or a saved file").format(url=url))
    opener = urllib.request.build_opener(_HttpsOnly(), urllib.request.HTTPSHandler(context=context))
    request = urllib.request.Request(url, headers={"User-Agent": "monitor-import (+https://pypi.org/)"})
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise _too_large(url, int(length), max_bytes)
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise ImportRefused(_("{url}: the server answered {code} {reason} — check the address").format(
            url=url, code=exc.code, reason=exc.reason)) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, socket.gaierror):
            raise ImportRefused(_("{url}: cannot find {host} (offline?) — {advice}").format(
                url=url, host=parts.hostname, advice=_(_OFFLINE))) from None
        if isinstance(reason, ssl.SSLError):
            raise ImportRefused(_("{url}: the secure connection failed ({reason}) — {advice}").format(
                url=url, reason=reason.reason or reason, advice=_(_OFFLINE))) from None
        strerror = getattr(reason, "strerror", None)
        raise ImportRefused(_("{url}: cannot connect ({reason}) — {advice}").format(
            url=url, reason=_(strerror) if strerror else reason, advice=_(_OFFLINE))) from None
    except (TimeoutError, socket.timeout):
        raise ImportRefused(_("{url}: no answer within {seconds} s — {advice}").format(
            url=url, seconds=format_number(timeout), advice=_(_OFFLINE))) from None
    except OSError as exc:
        raise ImportRefused(_("{url}: the download failed ({reason}) — {advice}").format(
            url=url, reason=_(exc.strerror) if exc.strerror else exc, advice=_(_OFFLINE))) from None
    if len(data) > max_bytes:
        raise _too_large(url, None, max_bytes)
    return data


def _too_large(url: str, size: int | None, limit: int) -> ImportRefused:
    if size:
        said = _("{url}: the page is {size} bytes, more than the limit of {limit} — save only the adopted text's "
                 "page or its PDF and give the file")
    else:
        said = _("{url}: the page is more than that, more than the limit of {limit} — save only the adopted "
                 "text's page or its PDF and give the file")
    return ImportRefused(said.format(url=url, size=format_number(size or 0), limit=format_number(limit)))
