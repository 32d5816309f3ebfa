"""frames: the figures of the reports, computed on the small fictional register (tests/data/valid/small.yaml)."""
from __future__ import annotations

import datetime as dt

from monitor.frames import build_frames, people_frame, recent_frame

D = dt.date


def test_demands_frame_has_status_last_change_and_outstanding(small_register, today):
    frame = build_frames(small_register, today).demands.set_index("id")
    assert list(frame.index) == ["inquiry-2019", "doe-release-2019", "roe-release-2021", "inquiry-2021",
                                 "assembly-law-2021"]
    assert frame.loc["inquiry-2019", "status"] == "not-met"
    assert frame.loc["assembly-law-2021", "last_change"] == D(2023, 4, 1)
    assert frame.loc["doe-release-2019", "paragraph_checked"] == False  # noqa: E712 (numpy bool)
    assert frame.loc["roe-release-2021", "days_outstanding"] == (today - D(2021, 5, 20)).days
    # a repeated demand has waited since the earliest resolution made it
    assert frame.loc["inquiry-2021", "first_demanded"] == D(2019, 3, 14)
    assert frame.loc["inquiry-2021", "days_outstanding"] == (today - D(2019, 3, 14)).days
    assert frame["days_outstanding"].isna().tolist() == [False, True, False, False, False]


def test_counts_by_resolution_and_status(small_register, today):
    counts = build_frames(small_register, today).counts
    assert counts.loc["2019"].to_dict() == {"pending": 0, "in-progress": 0, "partly-met": 0, "met": 1,
                                            "not-met": 1, "reversed": 0, "total": 2, "open": 1}
    assert counts.loc["2021"].to_dict() == {"pending": 1, "in-progress": 0, "partly-met": 1, "met": 0,
                                            "not-met": 0, "reversed": 1, "total": 3, "open": 3}


def test_years_count_statuses_at_the_end_of_each_year(small_register, today):
    years = build_frames(small_register, today).years
    assert list(years.index) == list(range(2019, 2027))
    assert years.loc[2019].to_dict() == {"pending": 1, "in-progress": 0, "partly-met": 0, "met": 1, "not-met": 0,
                                         "reversed": 0, "total": 2}
    assert years.loc[2021].to_dict() == {"pending": 2, "in-progress": 1, "partly-met": 0, "met": 1, "not-met": 1,
                                         "reversed": 0, "total": 5}
    assert years.loc[2022, "met"] == 2 and years.loc[2023, "reversed"] == 1


def test_years_stop_at_today(small_register):
    years = build_frames(small_register, D(2021, 6, 30)).years
    assert list(years.index) == [2019, 2020, 2021]
    assert years.loc[2021, "in-progress"] == 0 and years.loc[2021, "pending"] == 3


def test_chains_follow_repeats(small_register, today):
    chains = build_frames(small_register, today).chains
    assert len(chains) == 1
    row = chains.iloc[0]
    assert (row["id"], row["earlier"], row["resolutions"], row["times"]) == (
        "inquiry-2021", ["inquiry-2019"], ["2019", "2021"], 2)
    assert row["days_outstanding"] == (today - D(2019, 3, 14)).days


def test_people_and_whether_they_are_free(small_register):
    people = people_frame(small_register).set_index("person")
    assert people.loc["Jane Doe", "free"] == "yes"
    assert people.loc["Jane Doe", "since"] == D(2019, 9, 2)
    assert people.loc["Richard Roe", "free"] == "not known"  # pending: no release recorded
    assert people.loc["Richard Roe", "demand_id"] == "roe-release-2021"


def test_recent_changes_are_the_last_90_days_newest_first(small_register, today):
    assert recent_frame(small_register, today).empty
    recent = recent_frame(small_register, D(2022, 3, 15))
    assert list(zip(recent["date"], recent["demand"])) == [(D(2022, 3, 1), "assembly-law-2021"),
                                                           (D(2022, 2, 1), "inquiry-2021")]


def test_history_has_one_row_per_entry(small_register, today):
    history = build_frames(small_register, today).history
    assert len(history) == sum(len(d.history) for d in small_register.demands) == 11
    assert history.iloc[1][["demand", "date", "status"]].tolist() == ["inquiry-2019", D(2020, 6, 1), "not-met"]
    assert history.iloc[1]["sources"] == ("https://example.org/news/refusal",)
