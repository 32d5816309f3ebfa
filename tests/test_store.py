"""store: a failed write leaves the previous files and no temporary file; links are never written through."""
from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.store import (
    SETTLE_SECONDS,
    DiskFull,
    FileChanged,
    FileState,
    NameTooLong,
    UnsafeTarget,
    publish_files,
    replace_if_unchanged,
    write_atomic,
)

from .conftest import ROOT, run_with_file_size_limit

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and RLIMIT_FSIZE are POSIX")

OLD = {"index.html": b"old index", "2013.html": b"old page"}


def previous_set(tmp_path) -> Path:
    out = tmp_path / "reports"
    publish_files(out, OLD)
    return out


def listing(folder: Path) -> dict[str, bytes]:
    """Every entry below `folder`, hidden ones included (a staging folder or temp file left behind shows here)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() and not p.is_symlink() else b"<other>")
            for p in sorted(folder.rglob("*"))}


def test_a_link_at_a_target_name_is_refused_and_not_followed(tmp_path):
    out = previous_set(tmp_path)
    outside = tmp_path / "passwd"
    outside.write_bytes(b"root:x:0:0")
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(outside)
    before = listing(out)
    with pytest.raises(UnsafeTarget) as caught:
        publish_files(out, {"index.html": b"new", "2013.html": b"new page"})
    assert caught.value.filename == str(out / "index.html")
    assert f"is a link to {outside}" in caught.value.strerror
    assert outside.read_bytes() == b"root:x:0:0"
    assert listing(out) == before  # nothing replaced, no staging folder


def test_a_link_to_a_file_inside_the_folder_is_refused_too(tmp_path):
    out = previous_set(tmp_path)
    (out / "index.html").unlink()
    (out / "index.html").symlink_to("2013.html")
    with pytest.raises(UnsafeTarget):
        publish_files(out, {"index.html": b"new"})
    assert (out / "2013.html").read_bytes() == b"old page"


def test_a_linked_sub_folder_is_refused_and_not_followed(tmp_path):
    out = previous_set(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "digests").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UnsafeTarget) as caught:
        publish_files(out, {"digests/digest-2026-11-24.txt": b"digest"})
    assert caught.value.filename == str(out / "digests")
    assert list(elsewhere.iterdir()) == []


def test_a_folder_at_a_target_name_is_refused_before_anything_moves(tmp_path):
    out = previous_set(tmp_path)
    (out / "2013.html").unlink()
    (out / "2013.html").mkdir()
    with pytest.raises(UnsafeTarget, match="is a folder"):
        publish_files(out, {"index.html": b"new", "2013.html": b"new page"})
    assert (out / "index.html").read_bytes() == b"old index"


def test_the_output_folder_itself_may_be_a_link(tmp_path):
    """The folder the user names (--out) is theirs to place anywhere; only links inside it are refused."""
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "reports").symlink_to(real, target_is_directory=True)
    publish_files(tmp_path / "reports", {"index.html": b"new"})
    assert (real / "index.html").read_bytes() == b"new"


def test_a_name_too_long_for_the_file_system_is_named(tmp_path):
    out = previous_set(tmp_path)
    before = listing(out)
    long_name = "r" * 300 + ".html"
    with pytest.raises(NameTooLong) as caught:
        publish_files(out, {"index.html": b"new", long_name: b"page"})
    assert caught.value.errno == errno.ENAMETOOLONG
    assert caught.value.filename == str(out / long_name)
    assert listing(out) == before


PUBLISH = """
import sys
from monitor.store import DiskFull, publish_files
try:
    publish_files(sys.argv[1], {"index.html": b"new index", "2013.html": b"x" * 100_000})
except DiskFull as exc:
    print("DiskFull", exc.errno, exc.filename)
"""


def test_a_full_disk_while_publishing_leaves_the_previous_set_and_no_staging_folder(tmp_path):
    out = previous_set(tmp_path)
    before = listing(out)
    run = run_with_file_size_limit([sys.executable, "-c", PUBLISH, str(out)], 50_000, cwd=ROOT)
    assert run.stdout.split() == ["DiskFull", str(errno.EFBIG), str(out / "2013.html")], run.stderr
    assert listing(out) == before


WRITE = """
import sys
from monitor.store import write_atomic
try:
    write_atomic(sys.argv[1], b"x" * 100_000)
except OSError as exc:
    print(type(exc).__name__, exc.errno)
"""


def test_a_full_disk_in_write_atomic_leaves_the_target_and_no_temp_file(tmp_path):
    target = tmp_path / "demands.yaml"
    target.write_bytes(b"the old text\n")
    run = run_with_file_size_limit([sys.executable, "-c", WRITE, str(target)], 50_000, cwd=ROOT)
    assert run.stdout.split() == ["OSError", str(errno.EFBIG)], run.stderr
    assert listing(tmp_path) == {"demands.yaml": b"the old text\n"}


def test_write_atomic_replaces_the_file_whole(tmp_path):
    target = tmp_path / "demands.yaml"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert listing(tmp_path) == {"demands.yaml": b"new"}


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 64 KB file system (tmpfs), for a real ENOSPC; only where we may mount (root, in a container)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root and mount rights)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_really_full_disk_is_disk_full(tiny_disk):
    out = tiny_disk / "reports"
    publish_files(out, OLD)
    before = listing(out)
    with pytest.raises(DiskFull) as caught:
        publish_files(out, {"index.html": b"new", "2013.html": b"x" * 200_000})
    assert caught.value.errno == errno.ENOSPC
    assert listing(out) == before
    target = tiny_disk / "demands.yaml"
    target.write_bytes(b"the old text\n")
    with pytest.raises(OSError) as caught:
        write_atomic(target, b"x" * 200_000)
    assert caught.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"the old text\n"
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["demands.yaml", "reports"]


LATE_WRITER = """
import os, sys, time
path = sys.argv[1]
first = os.stat(path).st_ino
with open(path, "a", encoding="utf-8") as handle:   # opened before the rename, like an editor mid-save
    print("open", flush=True)
    while os.stat(path).st_ino == first:             # wait for the rename that replaces the file ...
        time.sleep(0.005)
    time.sleep(4 * SETTLE)                           # ... then stay busy for longer than the settle pause
    handle.write("# saved late\\n")
print("closed", flush=True)
"""


def test_a_save_still_open_during_the_rename_is_waited_for_and_kept(tmp_path):
    """A program holding the old file open for writing is waited for (Linux's /proc shows it), so that its save
    lands where the second look sees it, however long after the rename it comes: no timing decides it."""
    target = tmp_path / "demands.yaml"
    target.write_text("a: 1\n", encoding="utf-8")
    expected = FileState.of(target.stat(), target.read_bytes())
    writer = subprocess.Popen([sys.executable, "-c", f"SETTLE = {SETTLE_SECONDS}\n" + LATE_WRITER, str(target)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline() == "open\n"
        with pytest.raises(FileChanged):
            replace_if_unchanged(target, b"a: 2\n", expected)
        assert writer.stdout.readline() == "closed\n"  # it had finished before our second look
    finally:
        writer.kill()
        writer.wait()
    assert target.read_text(encoding="utf-8") == "a: 1\n# saved late\n"  # its version is the one that stays
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demands.yaml"]
