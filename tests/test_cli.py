"""The command line: exit codes, where output goes, and one real subprocess run per command family."""
from __future__ import annotations

import subprocess
import sys

import pytest

from monitor.cli import EXAMPLES, build_parser, main

from .conftest import DATA, ROOT

INVALID = DATA / "invalid"


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_a_valid_file_exits_0_and_prints_nothing(small_file, capsys):
    assert run(["--file", str(small_file), "--today", "2026-11-24", "validate"], capsys) == (0, "", "")


def test_validate_a_bad_file_exits_1_with_every_problem(capsys):
    code, out, err = run(["--file", str(INVALID / "several-problems.yaml"), "--today", "2026-11-24", "validate"],
                         capsys)
    assert code == 1
    assert len(out.splitlines()) == 4
    assert all(":" in line and "error:" in line and " — " in line for line in out.splitlines())
    assert "4 errors" in err


def test_warnings_alone_exit_0(capsys):
    code, out, _ = run(["--file", str(INVALID / "missing-source.yaml"), "--today", "2026-11-24", "validate"], capsys)
    assert code == 0
    assert "warning: status 'met' cites no source" in out


def test_file_can_come_from_the_environment(monkeypatch, small_file, capsys):
    monkeypatch.setenv("MONITOR_FILE", str(small_file))
    assert run(["--today", "2026-11-24", "validate"], capsys)[0] == 0


def test_missing_file_is_a_clear_message(tmp_path, capsys):
    code, out, _ = run(["--file", str(tmp_path / "none.yaml"), "validate"], capsys)
    assert code == 1
    assert "none.yaml:1:1: error: cannot read the file" in out


def test_wrong_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--today", "2022-13-01", "validate"])
    assert info.value.code == 2
    assert "'2022-13-01' is not a date" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["no-such-command"])
    assert info.value.code == 2
    assert main([]) == 2


def test_schema_prints_the_shipped_schema(capsys):
    code, out, _ = run(["schema"], capsys)
    assert code == 0
    assert out == (ROOT / "demands.schema.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(EXAMPLES))
def test_every_command_has_help_with_an_example_and_a_readme_entry(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "example:" in capsys.readouterr().out
    assert f"monitor {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_parser_knows_exactly_the_documented_commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert set(sub.choices) == set(EXAMPLES)


def test_validate_in_a_real_process_prints_positions_and_no_traceback():
    bad = INVALID / "python-tag.yaml"
    proc = subprocess.run([sys.executable, "-m", "monitor", "--file", str(bad), "validate"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"{bad}:27:15: error: the tag '!!python/object/apply:os.system' is not allowed")
    assert "Traceback" not in proc.stderr


def test_version_in_a_real_process():
    proc = subprocess.run([sys.executable, "-m", "monitor", "--version"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert proc.stdout.startswith("monitor ")


def test_an_internal_error_is_one_line_unless_debug(monkeypatch, small_file, capsys):
    import monitor

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(monitor, "validate_file", boom)
    code, _, err = run(["--file", str(small_file), "validate"], capsys)
    assert code == 1
    assert "monitor: internal error: RuntimeError: disk on fire" in err
    assert "Traceback" not in err
    code, _, err = run(["--debug", "--file", str(small_file), "validate"], capsys)
    assert "Traceback" in err


def test_an_unusable_state_folder_is_a_message(small_file, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("MONITOR_STATE", str(blocker))
    monkeypatch.setenv("MONITOR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MONITOR_MAIL_FROM", "a@example.org")
    monkeypatch.setenv("MONITOR_MAIL_TO", "b@example.org")
    base = ["--file", str(small_file), "--today", "2026-11-24"]
    assert main(base + ["digest", "--send", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "the state folder" in err and "cannot be used" in err and "internal error" not in err
    assert main(base + ["schedule", "--list"]) == 1
    err = capsys.readouterr().err
    assert "cannot be used" in err and "internal error" not in err


def test_an_unwritable_digest_folder_is_a_message(small_file, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("MONITOR_STATE", str(tmp_path / "state"))
    code = main(["--file", str(small_file), "--today", "2026-11-24", "digest", "--out", str(blocker)])
    err = capsys.readouterr().err
    assert code == 1
    assert "cannot write the digest" in err and "internal error" not in err


def test_a_digest_since_a_future_day_is_wrong_usage(small_file, capsys):
    assert main(["--file", str(small_file), "--today", "2026-11-24", "digest", "--since", "2030-01-01"]) == 2
    assert "is in the future" in capsys.readouterr().err


def test_status_of_a_file_without_demands(tmp_path, capsys):
    empty = tmp_path / "empty.yaml"
    empty.write_text("resolutions: []\ndemands: []\n")
    assert main(["--file", str(empty), "status"]) == 0
    out = capsys.readouterr().out
    assert "no demands are recorded yet" in out and "every demand is met" not in out


def test_a_bad_resolution_id_is_reported_once(tmp_path, capsys):
    text = (DATA / "valid" / "small.yaml").read_text(encoding="utf-8").replace('"2019"', '"../evil"')
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    assert main(["--file", str(bad), "--today", "2026-11-24", "validate"]) == 1
    out = capsys.readouterr().out
    assert [line.split(": ")[1] for line in out.splitlines()] == ["error"]
    assert "'../evil' is not made of lower-case letters, digits and '-' only" in out


def test_mistakes_in_options_are_named_by_the_command_not_a_file_position(small_file, capsys):
    """What the options would have written is not in the file: no line number of text the user never saw."""
    code, _, err = run(["--file", str(small_file), "--today", "2026-11-24", "update", "roe-release-2021",
                        "--status", "released", "--note", "x", "--source", "https://example.org/x"], capsys)
    assert code == 1 and err.startswith("monitor update: error: ") and "did you mean 'met'?" in err
    code, _, err = run(["--file", str(small_file), "--today", "2026-11-24", "update", "roe-release-2012",
                        "--status", "met", "--note", "x", "--source", "https://example.org/x"], capsys)
    assert code == 1 and err.startswith("monitor update: error: ") and "roe-release-2021" in err
    code, _, err = run(["--file", str(small_file), "--today", "2026-11-24", "add", "Internet_Access",
                        "--resolution", "2021", "--paragraph", "7", "--addressee", "Examplestan authorities",
                        "--topic", "assemblies", "--demand", "Internet access", "--text", "calls for access"], capsys)
    lines = small_file.read_text(encoding="utf-8").count("\n")
    assert code == 1 and err.startswith("monitor add: error: ") and f":{lines + 1}:" not in err, err


def test_a_missing_file_names_the_whole_path_searched(tmp_path, capsys, monkeypatch, no_monitor_env):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["validate"], capsys)
    assert code == 1 and f"cannot read the file {tmp_path / 'demands.yaml'} (" in out
