"""Attack on privacy: after "erase my data" the address kept receiving mail and stayed in
follower lists, and the export left out subscriptions, emails sent and likes."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG

from blog.models import ArticleLike
from blog.services import article_like_toggle
from comments.models import Delivery, Mailing, Subscription
from comments.privacy.data import data_erase, data_export
from tests.factories import add_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def rita_everywhere(article, reader):
    """reader@example.org follows the article and new posts, was sent one email, and her
    account likes a comment and the article."""
    follows = Subscription.objects.create(
        email="reader@example.org",
        kind=Subscription.Kind.COMMENTS,
        article=article,
        confirmed_at=timezone.now(),
    )
    Subscription.objects.create(
        email="READER@example.org", kind=Subscription.Kind.POSTS, confirmed_at=timezone.now()
    )
    mailing = Mailing.objects.create(kind=Mailing.Kind.COMMENT, article=article)
    Delivery.objects.create(
        mailing=mailing, subscription=follows, status="sent", sent_at=timezone.now()
    )
    comment = add_comment(article, "Somebody else's comment", user_name="Olga")
    CommentFlag.objects.create(comment=comment, user=reader, flag=LIKEDIT_FLAG)
    article_like_toggle(article=article, user=reader)
    return article


def test_the_export_lists_subscriptions_emails_sent_and_likes(rita_everywhere):
    data = data_export(email="reader@example.org")

    assert sorted(s["kind"] for s in data["subscriptions"]) == ["comments", "posts"]
    assert [e["status"] for e in data["emails_sent"]] == ["sent"]
    assert len(data["comment_likes"]) == 1
    assert [like["article"] for like in data["article_likes"]] == [rita_everywhere.title]


def test_erasure_stops_the_mail_and_removes_her_from_follower_lists(rita_everywhere):
    data_erase(email="reader@example.org")

    assert not Subscription.objects.filter(email__iexact="reader@example.org").exists()
    assert not Subscription.objects.comment_followers(rita_everywhere).exists()
    assert not Subscription.objects.post_subscribers().exists()
    assert not Delivery.objects.exists()


def test_erasure_takes_back_her_likes_and_the_counts_follow(client, rita_everywhere):
    data_erase(email="reader@example.org")

    assert not CommentFlag.objects.filter(flag=LIKEDIT_FLAG).exists()
    assert not ArticleLike.objects.exists()
    rita_everywhere.refresh_from_db()
    assert rita_everywhere.like_count == 0
    page = client.get(rita_everywhere.get_absolute_url()).content.decode()
    assert "Be the first to like this." in page


def test_view_only_staff_cannot_export_personal_data(client, django_user_model, article):
    from django.contrib.auth.models import Permission

    add_comment(article, "Hello", user_email="private@example.org")
    clerk = django_user_model.objects.create_user("clerk", "clerk@example.org", is_staff=True)
    clerk.user_permissions.add(
        Permission.objects.get(content_type__app_label="comments", codename="view_comment")
    )
    client.force_login(clerk)
    changelist = reverse("admin:comments_comment_changelist")
    ids = list(
        django_user_model._meta.apps.get_model(
            "django_comments_xtd", "XtdComment"
        ).objects.values_list("pk", flat=True)
    )

    response = client.post(
        changelist, {"action": "export_commenter_data", "_selected_action": ids}, follow=True
    )

    assert b"private@example.org" not in response.content
    assert response.get("Content-Disposition") is None
