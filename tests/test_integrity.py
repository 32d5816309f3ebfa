"""The record cannot be corrupted: each failure case found from outside (issue 11), run as a user runs it.

Every case runs the real command in its own process on a real file and checks what the user sees (exit code,
message) and what is on disk afterwards (unchanged, or exactly one entry more).
"""
from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import monitor
from monitor.load import parse_text

from .conftest import ROOT, TODAY
from .helpers import only_added_lines

UPDATE = ["update", "roe-release-2021", "--status", "met", "--date", "2026-11-24", "--note", "Released.",
          "--source", "https://example.org/roe"]


def cli(path: Path, *args: str | bytes, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    """Run `monitor --file PATH --today 2026-11-24 ARGS` in a new process; stdout and stderr as text."""
    argv = [sys.executable, "-m", "monitor", "--file", str(path), "--today", TODAY.isoformat(), *args]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, **kwargs)
    done.stdout = done.stdout.decode("utf-8", "replace")
    done.stderr = done.stderr.decode("utf-8", "replace")
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    return done


def tree(path: Path):
    return parse_text(path.read_text(encoding="utf-8")).tree


# -- the splicer and the parser agree on what a line is ---------------------------------------------------------

@pytest.mark.parametrize("char", ["\r", "\x85", "\u2028", "\u2029"])
def test_a_foreign_line_break_is_a_problem_at_its_line_and_update_writes_nothing(small_file, char):
    text = small_file.read_text(encoding="utf-8")
    pasted = "text: calls for the immediate release of Jane Doe"
    assert pasted in text
    small_file.write_text(text.replace(pasted, f'text: "calls for the immediate{char}release of Jane Doe"'),
                          encoding="utf-8", newline="")
    before = small_file.read_bytes()
    line = before.decode("utf-8")[: before.decode("utf-8").index(char)].count("\n") + 1

    checked = cli(small_file, "validate")
    assert checked.returncode == 1
    assert f"demands.yaml:{line}:" in checked.stdout and "line-break" not in checked.stdout  # words, not codes
    assert "counts it as a new line" in checked.stdout

    updated = cli(small_file, *UPDATE)
    assert updated.returncode == 1 and "nothing was written" in updated.stderr
    assert small_file.read_bytes() == before


def test_update_after_a_quoted_note_that_goes_on_at_a_shallower_indent_keeps_the_old_note(small_file):
    text = small_file.read_text(encoding="utf-8")
    old = "        note: Demanded by the Parliament.\n  - id: inquiry-2021"
    assert old in text
    small_file.write_text(text.replace(old, '        note: "Demanded by\n  the Parliament."\n  - id: inquiry-2021'),
                          encoding="utf-8")
    before = small_file.read_text(encoding="utf-8")
    assert cli(small_file, "validate").returncode == 0

    done = cli(small_file, *UPDATE)
    assert done.returncode == 0, done.stderr
    assert len(only_added_lines(before, small_file.read_text(encoding="utf-8"))) == 5
    roe = monitor.load_register(small_file, today=TODAY).demand("roe-release-2021")
    assert [e.note for e in roe.history] == ["Demanded by the Parliament.", "Released."]
    assert roe.status is monitor.Status.MET


@pytest.mark.parametrize("dominant, odd", [("\n", "\r\n"), ("\r\n", "\n")])
def test_each_line_keeps_its_ending_and_new_lines_take_the_dominant_one(small_file, dominant, odd):
    lines = small_file.read_text(encoding="utf-8").splitlines()
    odd_at = 5
    data = "".join(line + (odd if n == odd_at else dominant) for n, line in enumerate(lines))
    small_file.write_bytes(data.encode("utf-8"))

    assert cli(small_file, *UPDATE).returncode == 0
    after = small_file.read_bytes().decode("utf-8")
    added = only_added_lines(data, after)  # every old line, its ending included, is still there
    assert len(added) == 5
    assert all(line.endswith(dominant) and not line.endswith("\r\r\n") for line in added)
    assert after.splitlines(keepends=True)[odd_at].endswith(odd)


def test_an_update_that_would_change_anything_else_writes_nothing(small_file, monkeypatch):
    """The proof, on its own: a splicer that damages a neighbour is caught before anything is written."""
    from monitor import edit

    before = small_file.read_bytes()
    real = edit.insert_item

    def careless(text, *args, **kwargs):
        return real(text, *args, **kwargs).replace("Jane Doe, journalist", "Jane Doe")

    monkeypatch.setattr(edit, "insert_item", careless)
    with pytest.raises(monitor.DataError) as raised:
        edit.add_entry(small_file, "roe-release-2021", status="met", date=TODAY, note="x",
                       sources=["https://example.org/x"], today=TODAY)
    problem = raised.value.problems[0]
    assert problem.code == "unsafe-edit" and "doe-release-2019" in problem.message
    assert problem.line == before.decode().splitlines().index("  - id: doe-release-2019") + 1
    assert small_file.read_bytes() == before


# -- never overwrite what someone else wrote ----------------------------------------------------------------------

def test_a_linked_data_file_is_updated_where_it_lives_and_the_link_stays(small_file):
    link = small_file.parent / "linked.yaml"
    link.symlink_to(small_file.name)
    assert cli(link, *UPDATE).returncode == 0
    assert link.is_symlink() and "Released." in small_file.read_text(encoding="utf-8")


def test_a_lock_held_by_another_command_is_reported_as_such(small_file):
    from filelock import FileLock

    before = small_file.read_bytes()
    holder = FileLock(str(small_file.parent / ".demands.yaml.lock"))
    with holder:
        done = subprocess.run([sys.executable, "-c", textwrap.dedent("""
            import sys
            from monitor import store
            store.LOCK_TIMEOUT_SECONDS = 0.5
            from monitor.cli import main
            sys.exit(main(sys.argv[1:]))
        """), "--file", str(small_file), "--today", TODAY.isoformat(), *UPDATE], cwd=ROOT, capture_output=True,
            text=True, timeout=60)
    assert done.returncode == 1 and "is locked by another monitor command" in done.stderr, done.stderr
    assert small_file.read_bytes() == before


@pytest.mark.parametrize("note, source", [("Refused, then delayed [again] {x}.", "https://e.org/a,b[1]{2}"),
                                          ("Plain words.", "https://example.org/7835,satrap/")])
def test_commas_and_brackets_go_into_a_history_written_in_brackets(small_file, note, source):
    """doe-release-2019 writes its sources as `[...]`, where a comma would end an unquoted value."""
    before = small_file.read_text(encoding="utf-8")
    done = cli(small_file, "update", "doe-release-2019", "--status", "reversed", "--date", "2026-11-24",
               "--note", note, "--source", source)
    assert done.returncode == 0, done.stderr
    assert len(only_added_lines(before, small_file.read_text(encoding="utf-8"))) == 4
    latest = monitor.load_register(small_file, today=TODAY).demand("doe-release-2019").latest
    assert (latest.note, latest.sources) == (note, (source,))


def test_a_read_only_file_is_refused(small_file):
    before = small_file.read_bytes()
    small_file.chmod(0o444)
    done = cli(small_file, *UPDATE)
    assert done.returncode == 1 and "read-only" in done.stderr and "nothing was written" in done.stderr
    assert small_file.read_bytes() == before and small_file.stat().st_mode & 0o777 == 0o444


EDITOR_AT = textwrap.dedent("""
    import datetime, os, sys
    from monitor.edit import add_entry, EditConflict
    path, point = sys.argv[1], sys.argv[2]
    saved = open(path, "rb").read().replace(b"Release of Richard Roe", b"Release of Richard Roe (edited)")
    real = {name: getattr(os, name) for name in ("fsync", "link", "replace")}

    def editor_saves_in_place():  # truncate, then write: what many editors do
        with open(path, "r+b") as handle:
            handle.truncate(0)
            handle.write(saved)

    def fsync(fd):  # the temp file is synced just before the last check: the editor saves first
        editor_saves_in_place()
        return real["fsync"](fd)

    def link(src, dst):  # after the last check, before the rename
        editor_saves_in_place()
        return real["link"](src, dst)

    held = {}

    def replace(src, dst):  # an editor that opened the file before the rename writes into it just after
        if str(dst) == path and "handle" not in held:
            held["handle"] = open(path, "ab")
            real["replace"](src, dst)
            held["handle"].write(b"# a line the editor added\\n")
            held["handle"].close()
            return
        return real["replace"](src, dst)

    setattr(os, point, {"fsync": fsync, "link": link, "replace": replace}[point])
    try:
        add_entry(path, "roe-release-2021", status="met", date=datetime.date(2026, 11, 24), note="new",
                  sources=["https://example.org/s"], today=datetime.date(2026, 11, 24))
    except EditConflict as exc:
        print("conflict:", exc)
        sys.exit(1)
""")


@pytest.mark.parametrize("point", ["fsync", "link", "replace"])
def test_an_editor_save_during_the_update_is_never_lost(small_file, point):
    """The editor writes before the last check, between it and the rename, or into the old file after the rename:
    each time its version is what stays, and the command says that nothing of its own was written."""
    before = small_file.read_bytes()
    done = subprocess.run([sys.executable, "-c", EDITOR_AT, str(small_file), point], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and "conflict:" in done.stdout and "nothing" in done.stdout, done.stderr
    after = small_file.read_bytes()
    assert b"(edited)" in after or b"# a line the editor added" in after
    assert b"note: new" not in after
    if point == "replace":
        assert after == before + b"# a line the editor added\n"
    strays = [p.name for p in small_file.parent.iterdir() if p.name not in ("demands.yaml", ".demands.yaml.lock")]
    assert strays == []


def test_an_editor_appending_while_updates_run_loses_nothing(small_file):
    """A real second process appends a comment line every 20 ms while 15 updates run one after the other."""
    appender = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time
        path, n = sys.argv[1], 0
        while True:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(f"# appended {n}\\n")
            print(n, flush=True)
            n += 1
            time.sleep(0.02)
    """), str(small_file)], stdout=subprocess.PIPE, text=True)
    copies: list[str] = []
    try:
        appender.stdout.readline()
        outcomes = []
        for n in range(15):
            done = cli(small_file, "update", "roe-release-2021", "--status", "in-progress", "--date", "2026-11-24",
                       "--note", f"Step {n}.", "--source", "https://example.org/s")
            assert done.returncode == 0 or "another program" in done.stderr, done.stderr
            copies += re.findall(r"version is kept as (\S+demands\.yaml\.conflict-\S+) —", done.stderr)
            outcomes.append(done.returncode == 0 or "is kept as" in done.stderr)  # did the entry land?
    finally:
        appender.terminate()
        appender.wait(timeout=30)
    last = int(appender.stdout.read().split()[-1])
    # An append that raced the rename is either put back into the file or, when the appender had also written
    # into our new version meanwhile, kept in a conflict copy that the failing command named.
    texts = [small_file.read_text(encoding="utf-8")] + [Path(c).read_text(encoding="utf-8") for c in copies]
    missing = [n for n in range(last + 1) if not any(f"# appended {n}\n" in text for text in texts)]
    assert missing == []
    notes = [e.note for e in monitor.load_register(small_file, today=TODAY).demand("roe-release-2021").history[1:]]
    assert notes == [f"Step {n}." for n, landed in enumerate(outcomes) if landed]
    assert any(outcomes)  # a save races an update only rarely: most of them land


# -- bounded input ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["validate"], ["status"], ["report", "--out", "{out}"], UPDATE])
def test_a_fifo_as_the_data_file_is_a_message_at_once(tmp_path, command):
    fifo = tmp_path / "demands.yaml"
    os.mkfifo(fifo)
    done = cli(fifo, *[a.format(out=tmp_path / "r") for a in command], timeout=30)
    assert done.returncode == 1 and "named pipe" in (done.stdout + done.stderr)


def test_update_on_a_device_reads_nothing(tmp_path):
    done = cli(Path("/dev/zero"), *UPDATE, timeout=30)
    assert done.returncode == 1 and "a device, not a file" in done.stderr


def test_the_size_limit_applies_to_update(small_file):
    with open(small_file, "a", encoding="utf-8") as handle:
        handle.write(("# padding " + "x" * 1000 + "\n") * 21_000)
    before = small_file.stat().st_size
    done = cli(small_file, *UPDATE)
    assert done.returncode == 1 and "more than the limit" in done.stderr
    assert small_file.stat().st_size == before


@pytest.mark.parametrize("levels", [500, 5000])
def test_deep_nesting_is_one_problem(tmp_path, levels):
    path = tmp_path / "demands.yaml"
    path.write_text("resolutions: " + "[" * levels + "]" * levels + "\ndemands: []\n", encoding="utf-8")
    done = cli(path, "validate")
    assert done.returncode == 1 and "nested more than 64 levels" in done.stdout
    assert len(done.stdout.splitlines()) == 1


def test_3000_foreign_line_breaks_are_all_counted(small_file):
    small_file.write_bytes(small_file.read_bytes() + b"# x\r" * 3000 + b"# end\n")
    done = cli(small_file, "validate")
    assert done.returncode == 1 and "... and 2,800 more problems" in done.stdout and "3,000 errors" in done.stderr


def test_at_most_200_problems_are_printed_then_how_many_more(tmp_path):
    path = tmp_path / "demands.yaml"
    path.write_text("resolutions: []\ndemands:\n" + "".join(f"  - id: Bad{n}\n" for n in range(300)),
                    encoding="utf-8")
    done = cli(path, "validate")
    lines = done.stdout.splitlines()
    assert done.returncode == 1 and len(lines) == 201
    total = 300 * 8  # each demand: a bad id and 7 missing keys
    assert lines[-1].startswith(f"... and {total - 200:,} more problems")
    assert f"{total:,} errors" in done.stderr
    assert [int(line.split(":")[1]) for line in lines[:200]] == sorted(int(line.split(":")[1]) for line in lines[:200])


def test_a_300_character_id_is_a_problem_not_a_page_name(small_file):
    text = small_file.read_text(encoding="utf-8")
    long_id = "r" * 300
    small_file.write_text(text.replace('"2021"', f'"{long_id}"'), encoding="utf-8")
    done = cli(small_file, "validate")
    assert done.returncode == 1 and "300 characters long" in done.stdout and "at most 80" in done.stdout


# -- one rule for text ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("escape, shown", [(r"\e", r"\x1b"), (r"\x01", r"\x01"), (r"\0", r"\x00"),
                                           (r"\e]52;c;aGk=\a", r"\x1b"), (r"\N", r"\x85")])
def test_a_control_character_written_as_an_escape_is_refused(small_file, escape, shown):
    text = small_file.read_text(encoding="utf-8")
    small_file.write_text(text.replace("note: Released after serving her sentence.",
                                       f'note: "Released{escape} after serving"'), encoding="utf-8")
    done = cli(small_file, "validate")
    assert done.returncode == 1 and "this text contains" in done.stdout and shown in done.stdout
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout


def test_every_tag_is_refused_str_included(small_file):
    text = small_file.read_text(encoding="utf-8")
    small_file.write_text(text.replace("note: Demanded by the Parliament.", "note: !!str Demanded.", 1),
                          encoding="utf-8")
    done = cli(small_file, "validate")
    assert done.returncode == 1 and "the tag '!!str' is not allowed" in done.stdout


@pytest.mark.parametrize("option, value", [("--note", "Released.\x1b]0;pwned\x07"), ("--source", "https://e.org/\x01"),
                                           ("--note", b"Released \xff\xfe.")])
def test_a_control_character_or_bad_bytes_in_an_option_are_refused(small_file, option, value):
    before = small_file.read_bytes()
    argv = [a if a != "Released." or option != "--note" else value for a in UPDATE]
    if option == "--source":
        argv[argv.index("https://example.org/roe")] = value
    done = cli(small_file, *argv)
    assert done.returncode == 1 and f"{option} contains" in done.stderr
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert small_file.read_bytes() == before


def test_an_unknown_status_is_shown_with_its_control_characters_made_visible(small_file):
    done = cli(small_file, "update", "roe-release-2021", "--status", "met\x1b[2J", "--note", "x")
    assert done.returncode == 1 and "\x1b" not in done.stderr


# -- every failure a message ---------------------------------------------------------------------------------------

def test_a_lock_file_that_cannot_be_made_is_a_message(small_file):
    """As when the folder is read-only: the lock beside the file cannot be created (here a folder stands there)."""
    (small_file.parent / ".demands.yaml.lock").mkdir()
    before = small_file.read_bytes()
    done = cli(small_file, *UPDATE)
    assert done.returncode == 1 and "the lock file beside it cannot be created" in done.stderr
    assert small_file.read_bytes() == before


def _file_size_limit(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_during_update_is_a_message_and_leaves_the_file(small_file):
    before = small_file.read_bytes()
    done = cli(small_file, *UPDATE, preexec_fn=_file_size_limit(len(before) // 2))
    assert done.returncode == 1 and "cannot be written" in done.stderr and "nothing was written" in done.stderr
    assert small_file.read_bytes() == before
    assert [p.name for p in small_file.parent.iterdir() if p.suffix == ".tmp"] == []


@pytest.mark.parametrize("argv", [["status", "--resolution", "x\x1b]0;title\x07"], ["\x1b]52;c;aGk=\x07"],
                                  ["update", "\x1b[2J", "--status", "met", "--note", "x"]])
def test_what_reaches_the_terminal_has_control_characters_made_visible(small_file, argv):
    done = cli(small_file, *argv)
    assert done.returncode in (1, 2)
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout + done.stderr
    assert "\\x1b" in done.stderr


def test_a_block_value_at_the_very_end_without_a_line_break_is_refused_with_what_to_do(tmp_path):
    """The one layout still refused (found by the property test): the new lines would give the value a line break."""
    path = tmp_path / "demands.yaml"
    path.write_bytes(b'resolutions:\n- id: r\n  title: t\n  adopted: 2020-01-01\ndemands:\n- id: d\n  resolution: r\n'
                     b'  paragraph: "1"\n  addressee: a\n  topic: t\n  demand: d\n  text: t\n  history:\n'
                     b'  - date: 2020-01-01\n    status: pending\n    note: >\n      n')
    before = path.read_bytes()
    done = cli(path, "update", "d", "--status", "met", "--note", "x", "--source", "https://example.org/x")
    assert done.returncode == 1 and "does not end with a line break" in done.stderr
    assert path.read_bytes() == before
    path.write_bytes(before + b"\n")
    done = cli(path, "update", "d", "--status", "met", "--note", "x", "--source", "https://example.org/x")
    assert done.returncode == 0
