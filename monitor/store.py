"""The only code that writes files: temp file beside the target, fsync, atomic replace, under a lock.

A reader never sees a half-written file: either the old version or the new one. A crash leaves at most a
stray temp file (`.name.*.tmp`) beside the target, never a damaged target.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .i18n import _
from .openfiles import wait_for_writers

LOCK_TIMEOUT_SECONDS = 60
SETTLE_SECONDS = 0.05  # how long a save that began before our rename may take to land in the old file
WRITER_WAIT_SECONDS = 5.0  # how long we wait for a program still holding the old file open for writing
# EFBIG: a file-size limit (a quota, a FAT32 disk, ulimit -f) stops the write just as a full disk does
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


class DiskFull(OSError):
    """No space left (or a size limit reached) while writing; `filename` is the file that could not be written."""


class NameTooLong(OSError):
    """A file name longer than the file system allows; `filename` is that file."""


class UnsafeTarget(OSError):
    """Something other than a plain file or folder (a link, say) stands where a file is to be written."""


def classify_write_error(exc: OSError, path: str | os.PathLike) -> OSError:
    """`exc` as DiskFull or NameTooLong when its errno says so, naming `path`; any other error unchanged."""
    if exc.errno in DISK_FULL_ERRNOS:
        return DiskFull(exc.errno, exc.strerror, str(path))
    if exc.errno == errno.ENAMETOOLONG:
        return NameTooLong(exc.errno, exc.strerror, str(path))
    return exc


@contextlib.contextmanager
def file_lock(target: str | os.PathLike, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock for `target` (a `.name.lock` file beside it) for the duration of the block.

    Waits up to `timeout` seconds (default LOCK_TIMEOUT_SECONDS, read at each call), then filelock.Timeout.
    """
    from filelock import FileLock

    target = Path(target)
    wait = LOCK_TIMEOUT_SECONDS if timeout is None else timeout
    lock = FileLock(str(target.with_name(f".{target.name}.lock")), timeout=wait)
    with lock:
        yield


def write_atomic(target: str | os.PathLike, data: bytes) -> None:
    """Replace `target` with `data` atomically, keeping the old file's permissions."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    tmp, fd = _write_temp(target, data, mode)
    os.close(fd)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


@dataclass(frozen=True)
class FileState:
    """What a file was when it was read: enough to notice that another program wrote to it since."""

    inode: int
    size: int
    mtime_ns: int
    fingerprint: bytes  # SHA-256 of the bytes: an in-place save within one clock tick keeps size and time

    @classmethod
    def of(cls, info: os.stat_result, data: bytes) -> "FileState":
        return cls(info.st_ino, info.st_size, info.st_mtime_ns, hashlib.sha256(data).digest())

    def matches(self, fd: int) -> bool:
        """True when the open file `fd` still holds exactly what was read."""
        info = os.fstat(fd)
        if (info.st_ino, info.st_size, info.st_mtime_ns) != (self.inode, self.size, self.mtime_ns):
            return False
        digest, offset = hashlib.sha256(), 0
        while chunk := os.pread(fd, 1 << 20, offset):
            digest.update(chunk)
            offset += len(chunk)
        return digest.digest() == self.fingerprint


class FileChanged(Exception):
    """Another program wrote to the file while monitor was changing it.

    Without `kept_copy` nothing of ours was written. With it, our version is in place and the other program's
    version (written into the file we replaced) is kept as `kept_copy`.
    """

    def __init__(self, path: Path, kept_copy: Path | None = None) -> None:
        super().__init__(str(path))
        self.path, self.kept_copy = path, kept_copy


def replace_if_unchanged(target: str | os.PathLike, data: bytes, expected: FileState) -> None:
    """Replace `target` with `data` atomically, only if it still holds what was read (`expected`); else FileChanged.

    The check is made immediately before the rename, and once more on the replaced file SETTLE_SECONDS after it:
    an editor that wrote into the old file in between gets its version put back (it keeps a second name while we
    look), so that a save is not lost to our rename. What remains is an editor that opened the file before our
    rename and writes into it after our second look; the README says so. An OSError after the rename is raised
    as ReplacedButUnchecked: our version is in place.
    """
    target = Path(target)
    tmp, tmp_fd = _write_temp(target, data, os.stat(target).st_mode & 0o7777)
    second_name = target.with_name(f".{target.name}.{secrets.token_hex(4)}.old.tmp")
    keep: Path | None = second_name
    replaced = False
    try:
        old_fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not expected.matches(old_fd):
                raise FileChanged(target)
            try:
                os.link(target, second_name)  # the old file keeps a name while we look at it once more
            except OSError:  # a file system without hard links: the check above is all we can do
                keep = None
            os.replace(tmp, target)
            replaced = True
            if keep is not None:
                # A program that opened the old file just before the rename may still be writing into it: give
                # it a moment (an editor's open, write and close take a few milliseconds), and as long as one
                # still holds it open for writing, wait for it to close, before looking again.
                time.sleep(SETTLE_SECONDS)
                wait_for_writers(os.fstat(old_fd), time.monotonic() + WRITER_WAIT_SECONDS)
                if not expected.matches(old_fd):
                    _put_back(target, keep, tmp_fd, data)
        finally:
            os.close(old_fd)
    except FileChanged:
        raise
    except OSError as exc:
        if replaced:  # ours is in place; the old version stays under its second name, in case it holds a save
            kept, keep = keep, None
            raise ReplacedButUnchecked(exc.errno, exc.strerror, str(target), kept_copy=kept) from None
        raise
    finally:
        os.close(tmp_fd)
        if not replaced:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if keep is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(keep)
    _fsync_dir(target.parent)


class ReplacedButUnchecked(OSError):
    """The new version is in place, but looking at the old one afterwards failed; `kept_copy` is the old one."""

    def __init__(self, errno_: int | None, strerror: str | None, filename: str, *, kept_copy: Path | None) -> None:
        super().__init__(errno_, strerror, filename)
        self.kept_copy = kept_copy


def _put_back(target: Path, keep: Path, new_fd: int, data: bytes) -> None:
    """Another program wrote into the file we just replaced: its version goes back, ours goes (FileChanged).

    When it also wrote into our new version, ours stays and theirs is kept as a conflict copy. Either way the
    kept name is used up, so nothing is left for the caller to remove.
    """
    ours_untouched = os.fstat(new_fd).st_size == len(data) and os.pread(new_fd, len(data) + 1, 0) == data
    if ours_untouched:
        os.replace(keep, target)
        _fsync_dir(target.parent)
        raise FileChanged(target)
    copy = target.with_name(f"{target.name}.conflict-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}")
    os.replace(keep, copy)
    _fsync_dir(target.parent)
    raise FileChanged(target, kept_copy=copy)


def _write_temp(target: Path, data: bytes, mode: int) -> tuple[str, int]:
    """A synced temporary file beside `target` holding `data`: its name and an open descriptor."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        view = memoryview(data)
        while view:  # os.write may write less than asked
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.chmod(tmp, mode)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp, fd


def publish_files(out_dir: str | os.PathLike, files: dict[str, bytes]) -> list[Path]:
    """Write a set of files into `out_dir` so that a failure leaves the previous set intact.

    Everything is first written to a hidden temporary folder inside `out_dir`; only when all of it is written
    are the files moved into place, each by an atomic rename (so a failure while rendering or writing leaves
    the previous set intact; the renames themselves are per file). File names must be plain names (no folders, no `..`);
    names with a sub-folder such as `digests/x.txt` are allowed when every part is plain. A link in `out_dir` is
    never written through (UnsafeTarget); a full disk is DiskFull, an over-long name NameTooLong.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in files:
        _check_name(out, name)
    try:
        staging = Path(tempfile.mkdtemp(dir=out, prefix=".staging-"))
    except OSError as exc:
        raise classify_write_error(exc, out) from exc
    try:
        for name, data in files.items():
            path = staging / name
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(path, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
            except OSError as exc:  # named as the user will look for it, not by its staging path
                raise classify_write_error(exc, out / name) from exc
            os.chmod(path, 0o644)
        for name in files:  # every folder before the first rename: a full disk then stops before any file moves
            try:
                (out / name).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise classify_write_error(exc, (out / name).parent) from exc
        written = []
        for name in files:
            final = out / name
            try:
                os.replace(staging / name, final)  # rename(2) replaces a link itself, never its target
            except OSError as exc:
                raise classify_write_error(exc, final) from exc
            written.append(final)
        _fsync_dir(out)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def read_manifest(out_dir: str | os.PathLike, name: str) -> set[str]:
    """The file names listed in `out_dir`/`name`, one per line (written by an earlier publish_files); none when
    it is missing or unreadable."""
    from .readfile import read_regular

    try:
        data = read_regular(Path(out_dir) / name, 1 << 20)
    except OSError:  # unreadable, not a plain file, or over the limit (readfile.TooLarge)
        return set()
    return {line for line in (data or b"").decode("utf-8", "replace").splitlines() if line.strip()}


def remove_files(out_dir: str | os.PathLike, names: list[str]) -> list[Path]:
    """Remove these files of an earlier set from `out_dir`, and the folders they leave empty; the paths removed.

    Only plain files inside `out_dir`, reached without a link, are removed; anything else (a name that leaves the
    folder, a link, a folder, a file that cannot be removed) is left as it is.
    """
    out, removed = Path(out_dir), []
    for name in names:
        try:
            _check_name(out, name)
            path = out / name
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            path.unlink()
        except (OSError, ValueError):
            continue
        removed.append(path)
        for folder in path.parents:
            if folder == out or not folder.is_relative_to(out):
                break
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
    return removed


def _check_name(out: Path, name: str) -> None:
    parts = Path(name).parts
    if not parts or any(p in ("", ".", "..") or p.startswith("/") for p in parts) or Path(name).is_absolute():
        raise ValueError(f"unsafe output file name: {name!r}")
    # Checked before anything is written, so that a refusal leaves the previous set whole. A link is refused
    # rather than replaced: someone put it there, on purpose (replacing it would break their setup) or as a trap
    # (following it would write outside the folder), and a linked sub-folder could not be replaced atomically.
    path = out
    for index, part in enumerate(parts):
        path = path / part
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            break
        except OSError as exc:
            raise classify_write_error(exc, path) from exc
        last = index == len(parts) - 1
        if stat.S_ISLNK(info.st_mode):
            raise UnsafeTarget(errno.ELOOP, _("{path} is a link to {target}, and monitor never writes through a "
                                              "link").format(path=path, target=os.readlink(path)), str(path))
        if last and stat.S_ISDIR(info.st_mode):
            raise UnsafeTarget(errno.EISDIR, _("{path} is a folder where a file is to be written").format(path=path),
                               str(path))
        if not (stat.S_ISREG(info.st_mode) if last else stat.S_ISDIR(info.st_mode)):
            said = _("{path} is not a plain file") if last else _("{path} is not a plain folder")
            raise UnsafeTarget(errno.EEXIST, said.format(path=path), str(path))
    if not (out / name).resolve().is_relative_to(out.resolve()):
        raise ValueError(f"output file name leaves the output folder: {name!r}")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
