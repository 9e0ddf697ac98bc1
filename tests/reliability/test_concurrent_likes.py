"""The like count shown on an article equals its likes after readers toggle at the same
moment, on PostgreSQL too (where writers run concurrently, unlike SQLite)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from blog.models import ArticleLike
from blog.services import article_like_toggle

READERS = 8
ROUNDS = 5  # odd: every reader likes the story in the end


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_toggles_leave_the_count_equal_to_the_likes(article):
    readers = [
        get_user_model().objects.create_user(f"fan{n}", f"fan{n}@example.org")
        for n in range(READERS)
    ]
    start = threading.Barrier(READERS, timeout=60)
    errors = []

    def toggle(reader):
        try:
            for _ in range(ROUNDS):
                start.wait()  # every reader toggles at the same moment, round after round
                article_like_toggle(article=article, user=reader)
        except Exception as exc:  # reported below, with the test's failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=toggle, args=(reader,)) for reader in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    article.refresh_from_db()
    assert ArticleLike.objects.filter(article=article).count() == READERS
    assert article.like_count == READERS
