"""Liking a comment: POST /comments/<id>/like/ toggles the reader's like."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from blog.models import Article
from tests.factories import add_comment
from tests.helpers import comment_item, comment_likes, like_url, parse

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def comment(article):
    return add_comment(article, "Worth a like.", user_name="Sheldon")


def like_state(client, article, comment) -> tuple[str, str, str]:
    """The like count label, the button's pressed state and its text, as the page shows them."""
    item = comment_item(parse(client.get(article.get_absolute_url())), comment.pk)
    button = item.xpath('.//button[@class="comment-like-button"]')[0]
    label = comment_likes(item)
    return label, button.get("aria-pressed"), button.text


def test_a_reader_likes_a_comment_and_takes_the_like_back(client, article, comment, reader):
    client.force_login(reader)
    assert like_state(client, article, comment) == ("", "false", "Like")

    response = client.post(like_url(comment))
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert like_state(client, article, comment) == ("Liked by 1 person", "true", "Liked")

    client.post(like_url(comment))
    assert like_state(client, article, comment) == ("", "false", "Like")
    assert CommentFlag.objects.count() == 0


def test_like_counts_add_up_over_readers(client, article, comment, reader, stranger, editor):
    for person in (stranger, editor):
        other = Client()
        other.force_login(person)
        other.post(like_url(comment))
    client.force_login(reader)
    assert like_state(client, article, comment) == ("Liked by 2 people", "false", "Like")
    client.post(like_url(comment))
    assert like_state(client, article, comment) == ("Liked by 3 people", "true", "Liked")


def test_liking_with_javascript_returns_the_new_count(client, comment, reader, stranger):
    other = Client()
    other.force_login(stranger)
    other.post(like_url(comment))
    client.force_login(reader)
    assert client.post(like_url(comment), **FETCH).json() == {
        "ok": True,
        "liked": True,
        "count": 2,
        "label": "Liked by 2 people",
    }
    assert client.post(like_url(comment), **FETCH).json() == {
        "ok": True,
        "liked": False,
        "count": 1,
        "label": "Liked by 1 person",
    }


def test_a_guest_who_likes_is_sent_to_log_in_and_back_to_the_comment(
    client, article, comment, reader
):
    response = client.post(like_url(comment))
    assert response.status_code == 302
    login = urlsplit(response["Location"])
    assert login.path == "/accounts/login/"
    back = parse_qs(login.query)["next"][0]
    assert back == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert CommentFlag.objects.count() == 0

    signed_in = client.post(
        response["Location"], {"login": reader.email, "password": "reader-password"}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == back


def test_a_guest_who_likes_with_javascript_gets_the_login_address(client, article, comment):
    response = client.post(like_url(comment), **FETCH)
    assert response.status_code == 401
    login = urlsplit(response.json()["login"])
    assert login.path == "/accounts/login/"
    assert parse_qs(login.query)["next"] == [f"{article.get_absolute_url()}#comment-{comment.pk}"]


@pytest.mark.parametrize(
    "hide",
    [
        pytest.param(
            lambda c: XtdComment.objects.filter(pk=c.pk).update(is_public=False), id="held"
        ),
        pytest.param(
            lambda c: XtdComment.objects.filter(pk=c.pk).update(is_removed=True), id="removed"
        ),
        pytest.param(lambda c: XtdComment.objects.filter(pk=c.pk).delete(), id="deleted"),
        pytest.param(
            lambda c: Article.objects.update(status=Article.Status.DRAFT), id="article-unpublished"
        ),
    ],
)
def test_a_comment_that_is_not_shown_cannot_be_liked(client, comment, reader, hide):
    hide(comment)
    client.force_login(reader)
    assert client.post(like_url(comment)).status_code == 404
    response = client.post(like_url(comment), **FETCH)
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error": "This comment is not available any more."}
    assert CommentFlag.objects.count() == 0


@pytest.mark.parametrize("comment_id", [999_999, 10**20])
def test_liking_no_comment_at_all_is_404(client, reader, db, comment_id):
    client.force_login(reader)
    assert client.post(f"/comments/{comment_id}/like/").status_code == 404


def test_liking_rejects_get(client, comment, reader):
    client.force_login(reader)
    assert client.get(like_url(comment)).status_code == 405
    assert CommentFlag.objects.count() == 0


def test_liking_from_another_site_is_refused(comment, reader):
    stranger_site = Client(enforce_csrf_checks=True)
    stranger_site.force_login(reader)
    assert stranger_site.post(like_url(comment)).status_code == 403
    assert CommentFlag.objects.count() == 0


def test_likes_are_stored_as_xtd_flags(client, comment, reader):
    client.force_login(reader)
    client.post(like_url(comment))
    flag = CommentFlag.objects.get()
    assert (flag.comment_id, flag.user, flag.flag) == (comment.pk, reader, LIKEDIT_FLAG)
