"""Fixtures for the discussion: comment form data, followers, links found in emails."""

import pytest
from django.utils import timezone

from comments.forms import CommentForm
from comments.models import Subscription


@pytest.fixture
def comment_data():
    """POST data for the comment form of `article`, as a freshly rendered page has it."""

    def data(article, **fields):
        form = CommentForm(article)
        values = {
            key: form.initial[key]
            for key in ("content_type", "object_pk", "timestamp", "security_hash")
        }
        values.update(
            {
                "name": "Guest",
                "email": "guest@example.org",
                "url": "",
                "honeypot": "",
                "comment": "Hi",
            }
        )
        values.update(fields)
        return values

    return data


@pytest.fixture
def follower(db):
    """A confirmed subscription (article given: its comments; none: the blog's posts)."""

    def make(email, article=None, **fields):
        kind = Subscription.Kind.COMMENTS if article else Subscription.Kind.POSTS
        defaults = {"confirmed_at": timezone.now(), "confirmation_sent_at": timezone.now()}
        defaults.update(fields)
        return Subscription.objects.create(email=email, kind=kind, article=article, **defaults)

    return make
