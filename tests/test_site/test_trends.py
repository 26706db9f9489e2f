"""The topic pages' chart: papers per week for every topic."""

from datetime import date

from pipeline.site.trends import topic_trends


def test_topic_trends_count_papers_per_week_including_empty_weeks():
    trends = topic_trends([(date(2026, 4, 27), ["a", "b"]), (date(2026, 4, 29), ["a"]), (date(2026, 5, 14), ["a"])])
    assert trends["a"].weeks == [(date(2026, 4, 27), 2), (date(2026, 5, 4), 0), (date(2026, 5, 11), 1)]
    assert (trends["a"].peak, trends["a"].total, trends["b"].total) == (2, 3, 1)
    recent = topic_trends([(date(2012, 5, 23), ["a"]), (date(2026, 4, 29), ["a"]), (date(2026, 5, 14), ["b"])], weeks=4)
    assert [w for w, _ in recent["a"].weeks] == [
        date(2026, 4, 20),
        date(2026, 4, 27),
        date(2026, 5, 4),
        date(2026, 5, 11),
    ]
    assert recent["a"].total == 1  # an outlier from 2012 neither stretches the chart nor counts
