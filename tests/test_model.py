"""What the model computes: recipients, overdue, progress and track."""

from __future__ import annotations

import datetime as dt

from generator.model import Charter, Measurement, Metric, Partner, Pledge, Vision

TODAY = dt.date(2026, 11, 26)


def charter(*pledges: Pledge) -> Charter:
    partners = tuple(Partner(pid, pid.title()) for pid in ("a", "b", "c"))
    return Charter("x", "x.yaml", "X", "s", "a", partners, Vision("v"), pledges=pledges)


def pledge(**fields: object) -> Pledge:
    values: dict[str, object] = {"id": "P-1", "by": "a", "text": "t", "owner": "o",
                                 "status": "active"}
    values.update(fields)
    return Pledge(**values)  # type: ignore[arg-type]


def test_recipients_expand_all_to_the_charters_partners_without_the_maker() -> None:
    c = charter()
    assert c.recipients(pledge(to=("all",))) == ("b", "c")
    assert c.recipients(pledge(to=("c", "b", "c"))) == ("b", "c")
    assert c.recipients(pledge(to=("all", "a"))) == ("b", "c")


def test_a_pledge_is_overdue_only_when_open_and_past_its_due_date() -> None:
    due = dt.date(2026, 11, 25)
    assert pledge(due=due).is_overdue(TODAY)
    assert not pledge(due=TODAY).is_overdue(TODAY)
    assert not pledge(due=due, status="met").is_overdue(TODAY)
    assert pledge(due=due, status="at-risk").is_overdue(TODAY)
    assert not pledge().is_overdue(TODAY)


def metric(*values: float, **fields: object) -> Metric:
    points = tuple(Measurement(dt.date(2026, 1 + i, 1), v) for i, v in enumerate(values))
    return Metric("m", "M", str(fields.pop("direction", "increase")), measurements=points,
                  **fields)  # type: ignore[arg-type]


def test_progress_runs_from_baseline_to_target_in_either_direction() -> None:
    assert metric(15, baseline=10, target=20).progress() == 0.5
    assert metric(8, baseline=10, target=6, direction="decrease").progress() == 0.5
    assert metric(5, baseline=10).progress() is None


def test_track_says_met_on_track_off_track_or_no_data() -> None:
    assert metric(20, baseline=10, target=20).track(TODAY) == "met"
    assert metric(12, baseline=10, target=20).track(TODAY) == "on track"
    assert metric(9, baseline=10, target=20).track(TODAY) == "off track"
    assert metric(baseline=10, target=20).track(TODAY) == "no data"
    assert metric(12, baseline=10).track(TODAY) == "no data"  # no target, nothing to judge


def test_one_measurement_without_a_baseline_is_too_early_to_judge() -> None:
    assert metric(5, target=10).track(TODAY) == "no data"
    assert metric(5, 6, target=10).track(TODAY) == "on track"


def test_with_a_target_date_on_track_means_keeping_pace_with_the_calendar() -> None:
    # From 2026-01-01 to 2027-01-01, by 2026-11-26 about 90% of the time has passed.
    slow = metric(10, 12, baseline=10, target=20, target_date=dt.date(2027, 1, 1))
    fast = metric(10, 19, baseline=10, target=20, target_date=dt.date(2027, 1, 1))
    assert slow.track(TODAY) == "off track"
    assert fast.track(TODAY) == "on track"
