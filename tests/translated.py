"""The small fixture with hand-made Russian translations of some of its prose (as the loader will give them from a
`translations:` mapping), so that pages show both cases: a translation, and an original with no translation."""
from __future__ import annotations

import dataclasses

from monitor.model import Demand, Register

REGISTER_TITLE = ("Demands of the European Parliament on Examplestan",
                  "Требования Европейского парламента к Экзампластану")
RESOLUTION_2019 = "Резолюция от 14 марта 2019 года об Экзампластане"
INQUIRY_DEMAND = "Независимое международное расследование событий 2018 года"
INQUIRY_TEXT = "призывает провести независимое и заслуживающее доверия международное расследование событий"
REFUSAL_NOTE = "Власти отказались допустить международных экспертов."


def translated(register: Register) -> Register:
    """`register` (tests/data/valid/small.yaml) with a title, and Russian for: resolution 2019's title, demand
    inquiry-2019's `demand` and quoted `text`, and its second entry's note. Everything else has no translation."""
    def demand(d: Demand) -> Demand:
        if d.id != "inquiry-2019":
            return d
        history = (d.history[0], dataclasses.replace(d.history[1], translations=(("ru", "note", REFUSAL_NOTE),)),
                   *d.history[2:])
        return dataclasses.replace(d, history=history, translations=(("ru", "demand", INQUIRY_DEMAND),
                                                                     ("ru", "text", INQUIRY_TEXT)))

    resolutions = tuple(dataclasses.replace(r, translations=(("ru", "title", RESOLUTION_2019),)) if r.id == "2019"
                        else r for r in register.resolutions)
    return dataclasses.replace(register, title=REGISTER_TITLE[0], translations=(("ru", "title", REGISTER_TITLE[1]),),
                               resolutions=resolutions, demands=tuple(demand(d) for d in register.demands))
