"""Attack: walking /comments/cr/<content type>/<id>/ as a guest to reach whatever a model's
get_absolute_url points at — a subscriber's management page (address, confirm button), a
draft's title, the article a held comment sits on."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from blog.models import Article
from comments.models import Subscription
from tests.factories import add_comment

pytestmark = pytest.mark.django_db


def view_on_site(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("comments-url-redirect", args=[content_type.pk, obj.pk])


def test_a_subscription_cannot_be_reached_through_view_on_site(client, article):
    subscription = Subscription.objects.create(
        email="secret-subscriber@example.org", kind=Subscription.Kind.COMMENTS, article=article
    )

    response = client.get(view_on_site(subscription), follow=True)

    assert response.status_code == 404
    assert b"secret-subscriber@example.org" not in response.content
    assert subscription.token not in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_no_model_with_a_secret_in_its_address_has_get_absolute_url():
    assert not hasattr(Subscription, "get_absolute_url")


def test_a_draft_article_is_not_revealed(client, make_article):
    draft = make_article(title="Embargoed merger", status=Article.Status.DRAFT)

    response = client.get(view_on_site(draft))

    assert response.status_code == 404
    assert b"Embargoed merger" not in response.content
    assert draft.slug not in response.get("Location", "")


def test_a_held_comment_does_not_reveal_its_article(client, article):
    held = add_comment(article, "Held for review", public=False)

    response = client.get(view_on_site(held))

    assert response.status_code == 404
    assert article.slug not in response.get("Location", "")


def test_a_published_article_and_its_public_comment_still_resolve(client, article):
    comment = add_comment(article, "A public comment")

    assert client.get(view_on_site(article))["Location"] == article.get_absolute_url()
    assert (
        client.get(view_on_site(comment))["Location"]
        == f"{article.get_absolute_url()}#comment-{comment.pk}"
    )


def test_an_unknown_content_type_or_id_is_a_404(client, article):
    content_type = ContentType.objects.get_for_model(Article)
    assert client.get(f"/comments/cr/999999/{article.pk}/").status_code == 404
    assert client.get(f"/comments/cr/{content_type.pk}/not-a-number/").status_code == 404
