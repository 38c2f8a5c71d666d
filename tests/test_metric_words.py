"""A metric says in words why it is on or off track, by the rule its badge uses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_site import content, page, text

from generator.model import Measurement, Metric
from generator.render import measurement_headers, measurement_rows, track_text

START = dt.date(2025, 9, 1)


def _metric(*values: float, baseline: float | None = 58, target: float | None = 75,
            target_date: dt.date | None = dt.date(2027, 9, 1), direction: str = "increase"
            ) -> Metric:
    measurements = tuple(Measurement(START + dt.timedelta(days=100 * i), v)
                         for i, v in enumerate(values))
    return Metric("m", "Metric", direction, "%", baseline, target, target_date, measurements)


@pytest.mark.parametrize(("metric", "words"), [
    (_metric(58, 66), "66% is 47% of the way from 58% to 75%, with 60% of the time to "
                      "2027-09-01 gone: off track."),
    (_metric(58, 70), "70% is 71% of the way from 58% to 75%, with 60% of the time to "
                      "2027-09-01 gone: on track."),
    (_metric(58, 75), "75% has reached the target of 75%: met."),
    (_metric(58, 60, target_date=None), "60% is 12% of the way from 58% to 75%, better than "
                                        "the baseline: on track."),
    (_metric(14, 15.5, baseline=14, target=9, target_date=None, direction="decrease"),
     "15.5% is further from 9% than the baseline, 14%: off track."),
    (_metric(60, 62, baseline=None), "62% is better than the first measurement, 60%: on track."),
    (_metric(), "No measurements yet."),
])
def test_the_words_give_the_figures_and_agree_with_the_badge(metric: Metric, words: str) -> None:
    # 60% of the time from the first measurement (2025-09-01) to 2027-09-01 is 438 days.
    today = START + dt.timedelta(days=438)
    assert track_text(metric, today) == words
    assert words.endswith(f"{metric.track(today)}.") or metric.track(today) == "no data"


def test_notes_and_sources_get_a_column_only_when_a_measurement_has_one() -> None:
    plain = _metric(58, 60)
    assert measurement_headers(plain) == ["Date", "Value"]
    sourced = Metric("m", "Metric", "increase", "%", 58, 75, None, (
        Measurement(START, 58), Measurement(START + dt.timedelta(days=1), 60, None, "Survey")))
    assert measurement_headers(sourced) == ["Date", "Value", "Source"]
    assert [c.text for c in measurement_rows(sourced)[1]] == ["2025-09-02", "60%", "Survey"]


def test_the_charter_page_explains_the_off_track_metric_and_shows_sources(
        example_site: Path) -> None:
    body = text(content(page(example_site, "charters/wessex-healthcare-education")))
    assert ("66% is 47% of the way from 58% to 75%, with 65% of the time to 2027-09-01 gone: "
            "off track.") in body
    assert "University placement system (June 2026 extract)" in body
    assert "Community therapy placements short by nine (see WX-003)" in body
