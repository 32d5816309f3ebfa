"""Read a file only when it is a regular file: a FIFO, a device or a folder gets an error at once, never a hang.

Opening a FIFO for reading blocks until a writer comes, and reading a device may never end; so the path is
checked with stat, then opened with O_NONBLOCK (which does not block on a FIFO) and checked again on the open
handle, in case it was swapped in between.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .i18n import N_, _


class NotARegularFile(OSError):
    """The path exists but is a FIFO, a device, a socket or a folder; `kind` names which, in plain words."""

    def __init__(self, path: str | os.PathLike, kind: str) -> None:
        super().__init__(_("{path} is {kind}, not a regular file").format(path=path, kind=kind))
        self.path, self.kind = Path(path), kind
        self.strerror = _("it is {kind}, not a regular file").format(kind=kind)


def kind_of(mode: int) -> str:
    """Plain words for the type of file in a stat mode ('a regular file', 'a FIFO (named pipe)', ...), in the
    reader's language."""
    for test, words in _KINDS:
        if test(mode):
            return _(words)
    return _("not a regular file")


_KINDS = ((stat.S_ISREG, N_("a regular file")), (stat.S_ISDIR, N_("a folder")),
          (stat.S_ISFIFO, N_("a FIFO (named pipe)")), (stat.S_ISCHR, N_("a device")), (stat.S_ISBLK, N_("a device")),
          (stat.S_ISSOCK, N_("a socket")))


def check_regular(path: str | os.PathLike) -> bool:
    """True when `path` is a regular file, False when nothing is there; NotARegularFile for anything else."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(mode):
        raise NotARegularFile(path, kind_of(mode))
    return True


def read_regular(path: str | os.PathLike, max_bytes: int | None = None) -> bytes | None:
    """The bytes of the regular file at `path`, None when there is none; NotARegularFile for a FIFO and the like."""
    if not check_regular(path):
        return None
    try:
        return read_with_status(path, max_bytes)[0]
    except FileNotFoundError:
        return None


class TooLarge(OSError):
    """The file is larger than the limit it is read with."""

    def __init__(self, path: str | os.PathLike, size: int | None, limit: int) -> None:
        from .i18n import format_number

        if size is None:
            text = _("{path} is larger than the limit of {limit} bytes")
        else:
            text = _("{path} is {size} bytes, more than the limit of {limit}")
        super().__init__(text.format(path=path, size=format_number(size or 0), limit=format_number(limit)))
        self.size, self.limit = size, limit


def read_with_status(path: str | os.PathLike, max_bytes: int | None = None) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file and its status as it was when read (to notice a later change by another program).

    Raises NotARegularFile, TooLarge (never reading more than `max_bytes`, though the file grows meanwhile) or
    the OSError of opening or reading it.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(path, kind_of(info.st_mode))
        limit = max_bytes if max_bytes is not None else float("inf")
        if info.st_size > limit:
            raise TooLarge(path, info.st_size, int(limit))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, int(min(1 << 20, limit + 1 - size)))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise TooLarge(path, None, int(limit))
        return b"".join(chunks), info
    finally:
        os.close(fd)
