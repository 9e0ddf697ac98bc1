"""Fixtures for the reader's side: comments as the comments app stores them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_comments_xtd.models import XtdComment


@pytest.fixture
def make_comment(db):
    """A comment on `article` (public unless told otherwise), stored as django-comments-xtd
    stores it; `minutes_ago` orders comments in time."""

    def make(article, *, text="A comment.", name="Olena", minutes_ago=1, **fields):
        return XtdComment.objects.create(
            content_type=ContentType.objects.get_for_model(article),
            object_pk=str(article.pk),
            site_id=1,
            user_name=name,
            user_email=f"{name.lower().replace(' ', '.')}@example.org",
            comment=text,
            submit_date=timezone.now() - timezone.timedelta(minutes=minutes_ago),
            is_public=fields.pop("is_public", True),
            **fields,
        )

    return make
