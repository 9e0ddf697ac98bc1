"""Text helpers of the discussion: dates and like counts as readers read them."""

import datetime

import pytest
from django.template import Context, Template

from comments.discussion.text import CommentDates, likes_label


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Kyiv", "America/New_York"])
def test_comment_dates_read_like_the_date_filter_at_every_hour(settings, time_zone):
    settings.TIME_ZONE = time_zone
    date_filter = Template(r'{{ moment|date:"F j, Y \a\t g:i a" }}')
    dates = CommentDates()
    start = datetime.datetime(2021, 10, 21, 0, 7, tzinfo=datetime.UTC)
    for minutes in range(0, 48 * 60, 37):
        moment = start + datetime.timedelta(minutes=minutes)
        assert dates(moment) == date_filter.render(Context({"moment": moment}))


def test_the_reference_pages_comment_time():
    moment = datetime.datetime(2021, 10, 21, 15, 2, tzinfo=datetime.UTC)
    assert CommentDates()(moment) == "October 21, 2021 at 3:02 p.m."


@pytest.mark.parametrize(
    ("count", "label"),
    [(0, ""), (1, "Liked by 1 person"), (3, "Liked by 3 people"), (1000, "Liked by 1000 people")],
)
def test_like_counts_are_worded_as_on_wordpress(count, label):
    assert likes_label(count) == label
