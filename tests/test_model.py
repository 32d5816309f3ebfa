"""The model: what is derived from a history (current status, since when, status on a day)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from monitor.model import Demand, Entry, Status

D = dt.date


def demand(*entries) -> Demand:
    return Demand(id="x", resolution="2013", paragraph="unknown", addressee="a", topic="t", demand="d", text="t",
                  history=tuple(Entry(day, status, "n") for day, status in entries))


def test_status_since_is_when_the_current_status_began_not_the_latest_entry():
    d = demand((D(2013, 4, 18), Status.PENDING), (D(2013, 6, 20), Status.PENDING))
    assert d.status is Status.PENDING
    assert d.latest.date == D(2013, 6, 20)
    assert d.status_since == D(2013, 4, 18)


def test_status_since_after_changes():
    d = demand((D(2013, 4, 18), Status.PENDING), (D(2014, 1, 1), Status.NOT_MET), (D(2015, 1, 1), Status.NOT_MET),
               (D(2016, 8, 19), Status.MET))
    assert d.status_since == D(2016, 8, 19)
    assert d.status_on(D(2014, 6, 1)) is Status.NOT_MET
    assert d.status_on(D(2013, 1, 1)) is None


def test_paragraph_checked_and_open_statuses():
    assert demand((D(2013, 4, 18), Status.PENDING)).paragraph_checked is False
    assert Status.MET.is_open is False and Status.PARTLY_MET.is_open is True
    assert Status.IN_PROGRESS.label == "in progress"
    assert Status.REVERSED.meaning == "something had been achieved and was undone"


def test_a_field_is_read_by_its_name_whether_or_not_the_model_has_an_attribute_for_it():
    d = dataclasses.replace(demand((D(2013, 4, 18), Status.PENDING)), more=(("deadline", "2014-01-01"),))
    assert d.value("addressee") == "a" and d.value("repeats") == ()
    assert d.value("deadline") == "2014-01-01"
    assert d.value("not-given") == ""
