"""Write a synthetic `demands.yaml` of N demands for the benchmarks (fictional data, deterministic from a seed).

The file has the shape of the shipped one and what a hand-edited file holds: a header comment, comments above
blocks and at line ends, quoted and plain values, folded `>-` texts of 200-600 characters, one-sentence notes,
Cyrillic, Kazakh, accented and a little right-to-left text, ~60 resolutions adopted 2009-2026, `repeats` links
to demands of earlier resolutions, people on some demands and a `topics:` list. Every date is valid for a
"today" of 2026-11-24 (pass `today=TODAY` to `monitor.validate_file`). Nothing in it is about real events.

    python benchmarks/generate.py                       # 10,000 demands -> benchmarks/data/demands-10000.yaml
    python benchmarks/generate.py --demands 1000 --seed 7 --out /tmp/d.yaml
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

TODAY = dt.date(2026, 11, 24)
# the Parliament's 7th to 10th terms began on these days (the 6th before the first)
TERMS_BEGAN = (dt.date(2009, 7, 14), dt.date(2014, 7, 1), dt.date(2019, 7, 1), dt.date(2024, 7, 16))
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_DEMANDS = 10_000
DEFAULT_SEED = 2026
RESOLUTIONS = 60
FIRST_ADOPTED = dt.date(2009, 1, 15)
LAST_ADOPTED = dt.date(2026, 10, 22)

COUNTRIES = ["Examplestan", "Sampleland", "Testovia", "Placeholdia", "Fictionia", "Mockravia", "Demonia",
             "Illustria", "Specimenia", "Prototypia", "Dummyland", "Modelovia"]
TOPICS = ["political prisoners", "freedom of expression", "freedom of assembly", "torture and ill-treatment",
          "fair trial", "media freedom", "human rights defenders", "elections", "religious freedom",
          "labour rights", "minority rights", "death penalty", "investigation", "civil society"]
ADDRESSEES = ["the authorities of {c}", "the Government of {c}", "the Parliament of {c}", "the courts of {c}",
              "the President of {c}", "the Council and the Commission", "the EEAS", "the Member States",
              "the Vice-President / High Representative", "the EU Delegation to {c}"]
FIRST_NAMES = ["Владимир", "Жанболат", "Роза", "Серикжан", "Айгүл", "Ерлан", "Dinara", "Maks", "Zhanna",
               "Nurlan", "Aliya", "Yerzhan", "Ольга", "Ілья", "Gülnar", "Bolat", "Zoë", "José", "Łukasz",
               "Søren", "Ségolène", "Ömer", "Ana", "Mikhail", "Asel", "محمد", "ليلى", "Daniyar", "Ainur"]
LAST_NAMES = ["Козлов", "Мамай", "Тулетаева", "Билаш", "Қасымов", "Әбілқайыр", "Ibrayeva", "Boranbayev",
              "Sarsenova", "Kuanyshev", "Nurmaganbetova", "Смагулова", "Ахметова", "Müller", "Núñez",
              "Dvořák", "Château", "Øberg", "Kowalczyk", "Əliyev", "العلي", "Zhakupov", "Tokayeva"]
ROLES = ["journalist", "trade unionist", "opposition leader", "human rights defender", "blogger", "lawyer",
         "poet", "activist of the Алга! party", "oil worker from Жаңаөзен", "religious teacher", "student"]
SUBJECTS = ["the law on public assemblies", "the criminal code provisions on 'false information'",
            "the law on political parties", "the media law", "the law on non-governmental organisations",
            "the registration rules for religious communities", "the electoral code", "the labour code"]
VERBS = ["calls on", "urges", "insists that", "reiterates its call on", "strongly encourages", "demands that",
         "invites", "asks"]
FILLER = ("the authorities to ensure full respect for the rule of law, the independence of the judiciary and the "
          "right to a fair trial, in line with the international obligations the country has accepted; stresses "
          "that such steps are essential for the credibility of the reform programme announced by the Government "
          "and for the further development of relations with the European Union; notes with concern the reports "
          "of ill-treatment in detention, of pressure on lawyers and of the closure of independent media outlets; "
          "recalls that freedom of expression, freedom of assembly and freedom of association are fundamental "
          "rights which must be guaranteed to everyone, including journalists, trade unionists, activists and "
          "members of the opposition; welcomes the dialogue with civil society and calls for it to be continued "
          "in a genuine and inclusive manner, with the participation of independent organisations; "
          "encourages the Vice-President / High Representative and the Member States to raise these cases at "
          "every meeting, including at the highest level, and to report back to Parliament").split()
NOTE_EVENTS = {
    "pending": ["Demanded by the Parliament.", "Demanded again by the Parliament.", "Raised in the plenary debate."],
    "in-progress": ["A draft law was sent to Parliament.", "The court agreed to review the case.",
                    "The Ombudsman opened an inquiry.", "A working group was set up by the ministry.",
                    "Консультации с гражданским обществом начались.", "The case was transferred to a civilian court."],
    "partly-met": ["The sentence was reduced on appeal.", "Some of the restrictions were lifted.",
                   "Two of the five detainees were released.", "The law was amended, but not its article 174."],
    "met": ["Released on parole by court order.", "The law was repealed.", "Fully acquitted by the Supreme Court.",
            "Registered after the court ruling.", "Освобождён по амнистии.", "The amended code entered into force."],
    "not-met": ["The request was refused by the prosecutor.", "The appeal was rejected.",
                "The deadline passed without any change.", "Sentenced to a further term."],
    "reversed": ["The release was revoked.", "The amendment was repealed.", "Re-arrested on new charges."],
}
NEXT_STATUS = {"pending": ["in-progress", "in-progress", "not-met", "partly-met"],
               "in-progress": ["in-progress", "partly-met", "met", "not-met"],
               "partly-met": ["in-progress", "met", "partly-met", "not-met"],
               "met": ["reversed", "met"], "not-met": ["in-progress", "not-met", "partly-met"],
               "reversed": ["in-progress", "not-met"]}
SOURCES = ["https://www.europarl.europa.eu/news/en/press-room/{n}", "https://www.hrw.org/news/{y}/{n}",
           "https://www.amnesty.org/en/documents/{n}/", "https://freedomhouse.example.org/report/{y}-{n}",
           "https://rus.azattyq.example.org/a/{n}.html", "https://www.osce.org/odihr/{n}"]


def generate(demands: int = DEFAULT_DEMANDS, seed: int = DEFAULT_SEED) -> str:
    """The YAML text of a synthetic register with `demands` demands; the same text for the same seed."""
    rng = random.Random(seed)
    out: list[str] = []
    w = out.append
    w("# yaml-language-server: $schema=demands.schema.json")
    w(f"# Synthetic register for the benchmarks: {demands:,} fictional demands, seed {seed}.")
    w("# Written by benchmarks/generate.py; none of it is about real people or events.")
    w("")
    w("topics:")
    for topic in TOPICS:
        w(f"  - {topic}")
    w("")
    resolutions = _resolutions(rng)
    w("resolutions:")
    for index, res in enumerate(resolutions):
        if index % 10 == 0:
            w(f"  # -- {res['adopted'].year} --")
        comment = "   # urgency resolution" if rng.random() < 0.3 else ""
        w(f"  - id: \"{res['id']}\"{comment}")
        w(f"    title: European Parliament resolution of {_long_date(res['adopted'])} on the human rights "
          f"situation in {res['country']}")
        w(f"    adopted: {res['adopted'].isoformat()}")
        w(f"    reference: P{res['term']}_TA({res['adopted'].year}){res['number']:04d}")
        w(f"    procedure: {res['adopted'].year}/{res['number'] + 2500:04d}(RSP)")
        w(f"    url: https://www.europarl.europa.eu/doceo/document/TA-{res['term']}-{res['adopted'].year}-"
          f"{res['number']:04d}_EN.html")
    w("")
    w("demands:")
    per_resolution = _split(demands, len(resolutions), rng)
    earlier: dict[str, list[str]] = {}  # country -> ids of demands of resolutions adopted strictly earlier
    serial = 0
    for res, count in zip(resolutions, per_resolution):
        made_here: list[str] = []
        if count:
            w("")
            w(f"  # ---- {res['country']}, {_long_date(res['adopted'])} ({count} demands) ----")
        for _ in range(count):
            serial += 1
            made_here.append(_demand(w, rng, res, serial, earlier.get(res["country"], [])))
        # adoption days are distinct, so every later resolution is strictly later
        earlier.setdefault(res["country"], []).extend(made_here)
    return "\n".join(out) + "\n"


def _resolutions(rng: random.Random) -> list[dict]:
    span = (LAST_ADOPTED - FIRST_ADOPTED).days
    days = sorted(rng.sample(range(span + 1), RESOLUTIONS))  # distinct days: "earlier" is always strict
    result = []
    for number, offset in enumerate(days, start=1):
        adopted = FIRST_ADOPTED + dt.timedelta(days=offset)
        country = COUNTRIES[rng.randrange(len(COUNTRIES))]
        term = 6 + sum(adopted >= day for day in TERMS_BEGAN)
        result.append({"id": f"{adopted.isoformat()}-{country.lower()}", "adopted": adopted, "country": country,
                       "term": term, "number": 100 + number * 7 % 400})
    return result


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` demands over `parts` resolutions, unevenly (some resolutions say much more than others)."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(x * scale) for x in weights]
    for index in range(total - sum(counts)):
        counts[index % parts] += 1
    return counts


def _demand(w, rng: random.Random, res: dict, serial: int, earlier: list[str]) -> str:
    country = res["country"]
    person = None
    if rng.random() < 0.35:
        person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        role = rng.choice(ROLES)
        summary = f"Release of {person}, {role}"
        slug = "release"
        topic = "political prisoners"
    else:
        subject = rng.choice(SUBJECTS)
        summary = rng.choice([f"Revise {subject}", f"Bring {subject} into line with international standards",
                              f"An independent investigation into abuses under {subject}",
                              f"End the prosecution of critics under {subject}"])
        slug = summary.split()[0].lower()
        topic = rng.choice(TOPICS)
    did = f"{slug}-{res['adopted'].year}-{serial}"
    comment = "   # checked against the adopted text" if rng.random() < 0.05 else ""
    w(f"  - id: {did}{comment}")
    w(f"    resolution: \"{res['id']}\"")
    w(f"    paragraph: \"{rng.randint(1, 24) if rng.random() < 0.7 else 'unknown'}\"")
    w(f"    addressee: {rng.choice(ADDRESSEES).format(c=country)}")
    w(f"    topic: {topic}")
    if person:
        w(f"    person: {person}")
    w(f"    demand: {_plain(summary)}")
    w("    text: >-")
    for line in _wrap(_text(rng, person, country), 96):
        w(f"      {line}")
    if rng.random() < 0.1:
        w(f"    quoted_from: https://www.europarl.europa.eu/doceo/document/RC-{res['term']}-{serial:06d}_EN.html")
    same_country = earlier[-300:]  # the same country's earlier demands, most recent first in mind
    if same_country and rng.random() < 0.2:
        links = rng.sample(same_country, min(len(same_country), rng.randint(1, 2)))
        _listing(w, "    repeats", links, flow=rng.random() < 0.5)
    elif rng.random() < 0.05:
        w("    repeats: []")
    _history(w, rng, res["adopted"])
    return did


def _history(w, rng: random.Random, adopted: dt.date) -> None:
    w("    history:")
    count = rng.randint(3, 7)  # five on average
    span = (TODAY - adopted).days
    offsets = sorted(rng.randint(0, span) for _ in range(count - 1))
    status = "pending"
    for index, offset in enumerate([0] + offsets):
        day = adopted + dt.timedelta(days=offset)
        if index:
            status = rng.choice(NEXT_STATUS[status])
        note = rng.choice(NOTE_EVENTS[status])
        if rng.random() < 0.03:
            note = f"\"Update: {note} (see the sources)\""  # a colon needs the quotes
        comment = "  # corrected date" if rng.random() < 0.01 else ""
        w(f"      - date: {day.isoformat()}{comment}")
        w(f"        status: {status}")
        w(f"        note: {note}")
        if status != "pending" and rng.random() > 0.005:  # a few have no source: a warning, not an error
            n = rng.randint(1000, 999999)
            links = [rng.choice(SOURCES).format(n=n + i, y=day.year) for i in range(rng.choice((1, 1, 1, 2)))]
            _listing(w, "        sources", links, flow=rng.random() < 0.3)


def _listing(w, key: str, items: list[str], *, flow: bool) -> None:
    """`key: [a, b]` on one line, or `key:` with one `- item` line each (both shapes occur in real files)."""
    if flow:
        w(f"{key}: [{', '.join(items)}]")
    else:
        w(f"{key}:")
        indent = " " * (len(key) - len(key.lstrip()) + 2)
        for item in items:
            w(f"{indent}- {item}")


def _text(rng: random.Random, person: str | None, country: str) -> str:
    target = rng.randint(200, 600)
    words = [rng.choice(VERBS)]
    if person:
        words += f"the authorities of {country} to release {person} immediately and unconditionally;".split()
    start = rng.randrange(len(FILLER))
    while len(" ".join(words)) < target:
        words.append(FILLER[start % len(FILLER)])
        start += 1
    return " ".join(words).rstrip(";,") + ";"


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return lines + [current] if current else lines


def _plain(text: str) -> str:
    """Text as a plain YAML scalar, or double-quoted when plain would be read differently."""
    if ": " in text or " #" in text or text[:1] in "!&*-?[]{}|>'\"%@`,#":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=DEFAULT_DEMANDS, help="how many demands (default 10,000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the random seed (default 2026)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write (default benchmarks/data/demands-N.yaml)")
    args = parser.parse_args(argv)
    out = args.out or default_path(args.demands, args.seed)
    write(out, args.demands, args.seed)
    print(f"wrote {out} ({out.stat().st_size:,} bytes, {args.demands:,} demands)")
    return 0


def default_path(demands: int, seed: int = DEFAULT_SEED) -> Path:
    """Where the benchmarks keep the generated file for N demands and a seed (git-ignored)."""
    suffix = "" if seed == DEFAULT_SEED else f"-seed{seed}"
    return DATA_DIR / f"demands-{demands}{suffix}.yaml"


def write(path: Path, demands: int, seed: int = DEFAULT_SEED) -> Path:
    """Generate and write the file (UTF-8, LF line ends)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(generate(demands, seed), encoding="utf-8", newline="\n")
    return path


if __name__ == "__main__":
    sys.exit(main())
