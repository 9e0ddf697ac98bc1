"""The newsroom: article form data as the admin posts it."""

import pytest
from django.contrib.messages import get_messages
from django.forms.models import model_to_dict
from django.utils import timezone

from blog.models import Article


def form_data(article: Article | None = None, **changes) -> dict:
    """What the article change form posts: the article's fields, with `changes`."""
    data = {
        "title": "A story",
        "slug": "a-story",
        "standfirst": "",
        "body": "<p>Words.</p>",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "source": "",
        "original_url": "",
        "original_byline": "",
        "copyright_line": "",
        "photo_url": "",
        "photo_alt": "",
        "photo_caption": "",
        "photo_credit": "",
    }
    if article is not None:
        fields = model_to_dict(article)
        data.update({k: fields[k] or "" for k in data if k in fields})
        data["categories"] = [c.pk for c in article.categories.all()]
        data["tags"] = [t.pk for t in article.tags.all()]
        if article.author_id:
            data["author"] = article.author_id
        if article.published_at:
            local = timezone.localtime(article.published_at)
            data["published_at_0"] = local.strftime("%Y-%m-%d")
            data["published_at_1"] = local.strftime("%H:%M:%S")
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def own_draft(make_article, contributor):
    return make_article(
        title="Contributor's draft",
        slug="contributors-draft",
        status=Article.Status.DRAFT,
        published_at=None,
        author=contributor,
    )
