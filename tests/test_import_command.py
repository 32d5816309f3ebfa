"""`monitor import` end to end: the report, --write, --new and its round trip, downloads, and every refusal."""
from __future__ import annotations

import http.server
import re
import shutil
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import monitor
from monitor import store
from monitor.cli import main
from monitor.importer import ImportRefused
from monitor.importer.fetch import download

from .conftest import DATA, ROOT, SHIPPED, TODAY
from .import_forms import SEEDS, parliament_html, seed

SAMPLE = ROOT / "examples" / "motion-2012-greens-efa.txt"
EXAMPLESTAN = DATA / "import" / "examplestan-2019.txt"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the repository")


@pytest.fixture(autouse=True)
def no_settle_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "SETTLE_SECONDS", 0)


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    path = tmp_path / "demands.yaml"
    shutil.copyfile(SHIPPED, path)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--today", TODAY.isoformat(), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_readme_shows_the_samples_real_output(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's example is the command's output on the shipped sample (its lines, in order, cut at '…')."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Reading a resolution's text"):]
    shown = re.search(r"```\n(examples/motion-2012-greens-efa\.txt \(text\).*?)```", section, re.S)[1].splitlines()
    code, out, _ = run(capsys, "--file", str(SHIPPED), "import", str(SAMPLE.relative_to(ROOT)), "--resolution",
                       "2012")
    assert code == 0
    lines = out.replace(str(SAMPLE.relative_to(ROOT)), "examples/motion-2012-greens-efa.txt").splitlines()
    at = 0
    for line in shown:
        if line.strip() == "…":
            continue
        at = lines.index(line, at) + 1
    assert SAMPLE.read_text(encoding="utf-8").startswith("SAMPLE FOR THE README: A POLITICAL GROUP'S MOTION, NOT A "
                                                         "TEXT ADOPTED BY THE PARLIAMENT.")


def test_write_sets_paragraph_and_adopted_words_of_confident_matches_only(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demands.yaml"
    shutil.copyfile(DATA / "valid" / "small.yaml", path)
    code, out, err = run(capsys, "--file", str(path), "import", str(EXAMPLESTAN), "--resolution", "2019", "--write")
    assert (code, err) == (0, "")
    assert "  doe-release-2019  ¶4     1.00\n" in out and "  ¶2     Examplestan authorities: Calls on" in out
    assert out.endswith(f"wrote the paragraph and adopted words of 2 demands to {path}: inquiry-2019, "
                        "doe-release-2019\n")
    register = monitor.load_register(path, today=TODAY)
    doe = register.demand("doe-release-2019")
    assert (doe.paragraph, doe.text, doe.quoted_from) == ("4", "Calls for the immediate release of Jane Doe and "
                                                                "John Roe", "")
    before = monitor.load_register(DATA / "valid" / "small.yaml", today=TODAY)
    assert [d.history for d in register.demands] == [d.history for d in before.demands]
    # a second run finds nothing left to write
    code, out, _ = run(capsys, "--file", str(path), "import", str(EXAMPLESTAN), "--resolution", "2019", "--write")
    assert "Nothing for --write to set" in out
    assert out.endswith("--write: nothing to write (no confident match changes a demand)\n")


@needs_seeds
def test_new_then_resolution_on_the_same_text_finds_every_drafted_demand_at_confidence_one(
        shipped: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "TA-fixture.html"
    page.write_bytes(parliament_html(seed("002")))
    before = shipped.read_bytes()
    code, out, err = run(capsys, "--file", str(shipped), "import", str(page), "--new", "motion-2012", "--dry-run")
    assert (code, err) == (0, "") and shipped.read_bytes() == before
    assert "  - id: motion-2012\n    title: European Parliament resolution of 15 March 2012 on Kazakhstan\n" in out
    code, out, err = run(capsys, "--file", str(shipped), "import", str(page), "--new", "motion-2012")
    assert (code, err) == (0, "") and "added resolution motion-2012 and 16 drafted demands" in out
    register = monitor.load_register(shipped, today=TODAY)
    drafted = register.demands_of("motion-2012")
    assert len(drafted) == 16
    assert [d.person for d in drafted if d.paragraph == "7"] == [
        "Natalia Sokolova", "Akhzhanat Aminov", "Vladimir Kozlov", "Igor Vinyavskiy", "Serik Sapargaly",
        "Ruslan Simbinov", "Aizhangul Amirova"]
    assert {d.paragraph: d.addressee for d in drafted} == {
        "1": "not named", "3": "Kazakh government", "4": "EEAS", "5": "government of Kazakhstan",
        "6": "authorities", "7": "not named", "8": "Kazakh authorities", "9": "Kazakh government",
        "10": "not named", "11": "External Action Service"}
    first = drafted[0]
    assert (str(first.history[0].date), first.history[0].status.value, first.history[0].note) == (
        "2012-03-15", "pending", "Demanded by the European Parliament.")
    assert register.resolution("motion-2012").reference == "P7_TA(2012)9999"
    assert "# DRAFTED by `monitor import` from" in shipped.read_text(encoding="utf-8")
    code, out, _ = run(capsys, "--file", str(shipped), "import", str(page), "--resolution", "motion-2012")
    assert code == 0
    for demand in drafted:
        assert re.search(rf"^  {demand.id} +¶{re.escape(demand.paragraph)} +1\.00$", out, re.M), demand.id
    assert "Found in no paragraph" not in out and "Every call of the text is tracked by a demand found in it." in out


@pytest.mark.parametrize("args, code, message", [
    (["--resolution", "2021"], 2, "there is no resolution '2021' — did you mean 2022, 2013, 2012? use one of: "
                                  "2012, 2013, 2022; to add a new one, use --new 2021"),
    (["--new", "2013"], 2, "there is already a resolution '2013'"),
    (["--new", "New One"], 2, "--new 'New One' is not an id"),
    (["--resolution", "2012", "--dry-run"], 2, "--dry-run and --adopted with --new"),
    (["--resolution", "2012", "--url", "https://example.org/x"], 2, "give FILE or --url, not both"),
])
def test_wrong_usage_is_refused_with_what_to_write(shipped: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                                   code: int, message: str) -> None:
    before = shipped.read_bytes()
    got, out, err = run(capsys, "--file", str(shipped), "import", str(SAMPLE), *args)
    assert (got, out) == (code, "") and message in err and shipped.read_bytes() == before


def test_bad_documents_are_refused_and_nothing_is_written(shipped: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    before = shipped.read_bytes()
    cases = {"minutes.txt": (b"The sitting opened at 9.00.\n", "no numbered paragraphs"),
             "empty.html": (b"", "the file is empty"),
             "page.docx": (b"PK\x03\x04...", "Word or other office file")}
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        code, out, err = run(capsys, "--file", str(shipped), "import", str(tmp_path / name), "--new", "x-2030",
                             "--adopted", "2030-01-01")
        assert code == 1 and out == "" and err.startswith(f"monitor: {tmp_path / name}: ") and message in err
    code, _, err = run(capsys, "--file", str(shipped), "import", str(tmp_path / "missing.html"), "--resolution", "2012")
    assert code == 1 and "cannot read it (No such file or directory)" in err
    (tmp_path / "big.pdf").write_bytes(b"%PDF" + b"0" * (10 * 1024 * 1024))
    code, _, err = run(capsys, "--file", str(shipped), "import", str(tmp_path / "big.pdf"), "--resolution", "2012")
    assert code == 1 and "more than the limit of 10,485,760" in err
    code, _, err = run(capsys, "--file", str(shipped), "import", str(SAMPLE), "--new", "motion")
    assert code == 2 and "no adoption date is printed in the text — give it with --adopted YYYY-MM-DD" in err
    assert shipped.read_bytes() == before


def test_urls_must_be_https_and_an_unreachable_server_says_what_to_do(shipped: Path,
                                                                      capsys: pytest.CaptureFixture[str],
                                                                      refused_port: int) -> None:
    code, _, err = run(capsys, "--file", str(shipped), "import", "--url", "http://example.org/TA.html",
                       "--resolution", "2012")
    assert code == 1 and "only https:// addresses are downloaded" in err
    code, _, err = run(capsys, "--file", str(shipped), "import", "--url", f"https://127.0.0.1:{refused_port}/TA.html",
                       "--resolution", "2012")
    assert code == 1 and "cannot connect" in err and "save the page in a browser and give the saved file" in err


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, ssl.SSLContext]]:
    """A real HTTPS server on 127.0.0.1 with its own certificate; (base address, TLS context trusting it)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    pages = {"/TA.html": (EXAMPLESTAN.read_bytes(), 200), "/big": (b"x" * 5000, 200), "/plain": (b"", 302)}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            body, status = pages.get(self.path, (b"", 404))
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "http://127.0.0.1/TA.html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(cert, key)
    server.socket = served.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}", ssl.create_default_context(cafile=str(cert))
    server.shutdown()
    server.server_close()


def test_download_over_https_with_a_size_limit(https_server: tuple[str, ssl.SSLContext]) -> None:
    base, context = https_server
    assert download(f"{base}/TA.html", context=context) == EXAMPLESTAN.read_bytes()
    with pytest.raises(ImportRefused, match="the page is 5,000 bytes, more than the limit of 1,000"):
        download(f"{base}/big", context=context, max_bytes=1000)
    with pytest.raises(ImportRefused, match="redirects to http://127.0.0.1/TA.html, which is not https"):
        download(f"{base}/plain", context=context)
    with pytest.raises(ImportRefused, match="the server answered 404"):
        download(f"{base}/missing", context=context)
    with pytest.raises(ImportRefused, match="the secure connection failed"):
        download(f"{base}/TA.html")  # the system does not trust the test's certificate


def test_import_in_a_real_process(tmp_path: Path) -> None:
    shutil.copyfile(DATA / "valid" / "small.yaml", tmp_path / "demands.yaml")
    proc = subprocess.run([sys.executable, "-m", "monitor", "--today", TODAY.isoformat(), "import", str(EXAMPLESTAN),
                           "--resolution", "2019"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.startswith(f"{EXAMPLESTAN} (text): European Parliament resolution of 14 March 2019 on "
                                  "Examplestan\n  reference: P8_TA(2019)0001 (with RC-B8-0001/2019) · adopted: "
                                  "2019-03-14 · 2 recitals (A.–B.) · 5 paragraphs\n")


def test_dry_run_on_a_file_with_crlf_line_endings_shows_only_the_block(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demands.yaml"
    path.write_bytes((DATA / "valid" / "small.yaml").read_bytes().replace(b"\n", b"\r\n"))
    code, out, err = run(capsys, "--file", str(path), "import", str(EXAMPLESTAN), "--new", "e-2019b", "--dry-run")
    assert (code, err) == (0, "")
    assert out.startswith("…\n") and out.count("…\n") == 2 and "resolutions:" not in out
    assert "  - id: e-2019b\n" in out and '    resolution: "e-2019b"\n' in out and "\r" not in out
