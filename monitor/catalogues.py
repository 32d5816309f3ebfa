"""The translation catalogues: extract the interface strings, keep each language's .po in step, compile them.

    python -m monitor.catalogues update      # strings from monitor/ and templates/ -> monitor/locale/monitor.pot,
                                             # and every language's monitor.po brought in step with it
    python -m monitor.catalogues add CODE    # a new language's monitor.po, every string still to translate
    python -m monitor.catalogues check       # what is missing: an untranslated or fuzzy entry, a lost {field}
    python -m monitor.catalogues compile     # monitor.po -> monitor.mo (pip install runs this: setup.py)

Only the standard library and Babel are imported here: setup.py loads this file by its path to compile the
catalogues while the package is built, before monitor's other requirements are installed.
"""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

ROOT = Path(__file__).resolve().parents[1]
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
TEMPLATE = LOCALE_DIR / "monitor.pot"
DOMAIN = "monitor"
# _("..."), N_("...") kept in tables, ngettext/counted (singular, plural), pgettext (context, text)
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "counted": (2, 3), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}
METHODS = [("monitor/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.j2", "jinja2")]
_FIELD = re.compile(r"\{(\w*)[^{}]*\}")


def catalogue_paths() -> dict[str, Path]:
    """Each language's .po, by code."""
    return {p.parent.parent.name: p for p in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}


def extract() -> Catalog:
    """Every marked string of the code and the templates, as a catalogue template."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    template = Catalog(project="monitor", domain=DOMAIN, charset="utf-8")
    options = {"templates/**.html": JINJA_OPTIONS, "templates/**.j2": JINJA_OPTIONS}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), METHODS, options, KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        if filename.startswith(("monitor/_templates", "monitor/locale")):
            continue
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _write(catalog: Catalog, path: Path) -> None:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=116, sort_output=True, omit_header=False, no_location=True,
             include_previous=False)
    text = re.sub(rb'"POT-Creation-Date: [^"]*\\n"\n', b"", buffer.getvalue())  # no churn in git on every run
    text = re.sub(rb'"PO-Revision-Date: [^"]*\\n"\n', b"", text)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != text:
        path.write_bytes(text)


def _read(path: Path) -> Catalog:
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name, domain=DOMAIN)


def update() -> None:
    """The template from the code, and every .po brought in step (new strings empty, gone strings dropped)."""
    template = extract()
    _write(template, TEMPLATE)
    for _code, po in catalogue_paths().items():
        catalog = _read(po)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        _write(catalog, po)


def add(code: str) -> Path:
    """A new language's catalogue from the template: every entry to translate."""
    from babel.messages.catalog import Catalog

    po = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.exists():
        raise SystemExit(f"{po} exists already: run `python -m monitor.catalogues update` to bring it in step")
    catalog = Catalog(locale=code.replace("-", "_"), domain=DOMAIN, project="monitor", charset="utf-8")
    catalog.update(_read(TEMPLATE) if TEMPLATE.is_file() else extract())
    catalog.fuzzy = False  # the header: a fuzzy header is left out of the .mo, and its plural rule with it
    _write(catalog, po)
    return po


def compiled(po: Path) -> io.BytesIO:
    """A .po compiled in memory (the .mo's bytes)."""
    import datetime as dt

    from babel.messages.mofile import write_mo

    catalog = _read(po)
    # the .po has no dates (no churn in git); without them Babel would write the current minute into the header,
    # and the same .po would compile to different bytes a minute later
    catalog.creation_date = catalog.revision_date = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return buffer


def compile_all() -> list[Path]:
    """Every .po -> its .mo beside it; the .mo files written."""
    written = []
    for _code, po in catalogue_paths().items():
        mo = po.with_suffix(".mo")
        mo.write_bytes(compiled(po).getvalue())
        written.append(mo)
    return written


def check() -> list[str]:
    """What stops a catalogue being complete: the template behind the code, an entry missing, untranslated or fuzzy,
    a translation that loses or adds a {field}. One line each; [] when all is well."""
    found: list[str] = []
    template = extract()
    ids = {_key(m) for m in template if m.id}
    if not TEMPLATE.is_file() or {_key(m) for m in _read(TEMPLATE) if m.id} != ids:
        found.append(f"{TEMPLATE.relative_to(ROOT)} is behind the code: run `python -m monitor.catalogues update`")
    for code, po in catalogue_paths().items():
        catalog = _read(po)
        have = {_key(m): m for m in catalog if m.id}
        where = po.relative_to(ROOT)
        for key in sorted(ids - set(have), key=str):
            found.append(f"{where}: missing {key!r}")
        for key, message in sorted(have.items(), key=lambda item: str(item[0])):
            if key not in ids:
                continue
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            if message.fuzzy:
                found.append(f"{where}: fuzzy {key!r}")
            elif not all(strings):
                found.append(f"{where}: untranslated {key!r}")
            else:
                wanted = set(_FIELD.findall(message.id if isinstance(message.id, str) else message.id[-1]))
                for text in [t or "" for t in strings]:
                    if set(_FIELD.findall(text)) - wanted or (len(strings) == 1 and wanted - set(_FIELD.findall(text))):
                        found.append(f"{where}: {{fields}} differ in {key!r}: {text!r}")
    return found


def _key(message) -> tuple[str | None, str]:  # noqa: ANN001 (babel Message)
    ident = message.id if isinstance(message.id, str) else message.id[0]
    return (message.context, ident)


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
    elif argv[:1] == ["compile"]:
        for path in compile_all():
            print(f"compiled {path.relative_to(ROOT)}")
    elif argv[:1] == ["add"] and len(argv) == 2:
        print(f"wrote {add(argv[1]).relative_to(ROOT)}: translate each msgstr, then run `pip install -e .`")
    elif argv[:1] == ["check"]:
        found = check()
        print("\n".join(found) or "every catalogue is complete")
        return 1 if found else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
