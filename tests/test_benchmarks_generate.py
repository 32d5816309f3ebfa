"""The benchmark generator writes valid, deterministic files of the requested size (nothing here is timed)."""
from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

import monitor

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 24)  # the generator's dates are valid for this "today"
N = 50


def _generate_module():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen():
    return _generate_module()


def test_generated_file_is_valid(gen, tmp_path):
    path = gen.write(tmp_path / "demands.yaml", N, seed=3)
    register, problems = monitor.validate_file(path, today=TODAY)
    assert [str(p) for p in problems if p.is_error] == []
    assert register is not None
    assert len(register.demands) == N
    assert sum(len(d.history) for d in register.demands) >= 3 * N
    assert any(d.repeats for d in register.demands)
    assert any(d.person for d in register.demands)


def test_generated_file_has_comments_and_unicode(gen):
    text = gen.generate(N, seed=3)
    assert text.startswith("# ")
    assert "   # " in text  # end-of-line comments
    assert "text: >-" in text
    assert any(ord(c) > 0x400 for c in text)  # Cyrillic or Arabic names


def test_generation_is_deterministic(gen):
    assert gen.generate(N, seed=11) == gen.generate(N, seed=11)
    assert gen.generate(N, seed=11) != gen.generate(N, seed=12)


@pytest.mark.parametrize("n", [1, 7, 120])
def test_requested_number_of_demands(gen, n):
    register, problems = monitor.validate_text(gen.generate(n, seed=5), today=TODAY)
    assert [str(p) for p in problems if p.is_error] == []
    assert len(register.demands) == n


def test_cli_writes_to_out(gen, tmp_path):
    out = tmp_path / "sub" / "d.yaml"
    assert gen.main(["--demands", "5", "--seed", "1", "--out", str(out)]) == 0
    assert Path(out).read_text(encoding="utf-8") == gen.generate(5, seed=1)
