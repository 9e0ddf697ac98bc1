"""Post likes: "Like this:", the likers' avatars and "N bloggers like this"."""

import pytest
from django.contrib.auth import get_user_model

from blog.models import Article, ArticleLike
from blog.services import article_like_toggle
from comments.discussion.avatars import avatar_url


def like_url(article):
    return f"/articles/{article.pk}/like/"


def make_readers(count):
    User = get_user_model()
    return [
        User.objects.create_user(f"fan{n}", f"fan{n}@example.org", first_name=f"Fan {n}")
        for n in range(count)
    ]


def test_liking_twice_takes_the_like_back(article, reader):
    assert article_like_toggle(article=article, user=reader) is True
    assert article.like_count == 1
    assert article_like_toggle(article=article, user=reader) is False
    assert article.like_count == 0
    assert not ArticleLike.objects.exists()


def test_the_like_count_is_stored_on_the_article(article, reader, stranger):
    article_like_toggle(article=article, user=reader)
    article_like_toggle(article=article, user=stranger)
    assert Article.objects.get(pk=article.pk).like_count == 2


def test_the_like_count_is_recounted_so_it_cannot_drift(article, reader, stranger):
    article_like_toggle(article=article, user=reader)
    ArticleLike.objects.create(article=article, user=stranger)  # e.g. restored from a backup
    Article.objects.filter(pk=article.pk).update(like_count=40)
    article_like_toggle(article=article, user=reader)
    assert Article.objects.get(pk=article.pk).like_count == 1


def test_a_guest_sees_how_many_like_it_and_a_log_in_link(client, article):
    for fan in make_readers(3):
        article_like_toggle(article=article, user=fan)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Like this:" in html
    assert "3 bloggers like this." in html
    assert (
        f'href="/accounts/login/?next={article.get_absolute_url()}%23likes"' in html
        and "Log in to like" in html
    )
    assert f'src="{avatar_url("fan0@example.org")}" alt="Fan 0"' in html


def test_one_like_reads_one_blogger(client, article, reader):
    article_like_toggle(article=article, user=reader)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "One blogger likes this." in html


def test_nobody_likes_it_yet(client, article):
    assert "Be the first to like this." in client.get(article.get_absolute_url()).content.decode()


def test_a_reader_likes_an_article_and_comes_back_to_it(client, article, reader):
    client.force_login(reader)
    response = client.post(like_url(article))
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#likes"
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in html
    assert "One blogger likes this." in html
    assert f'src="{avatar_url(reader.email)}" alt="Rita Reader"' in html


def test_a_reader_takes_the_like_back(client, article, reader):
    client.force_login(reader)
    client.post(like_url(article))
    client.post(like_url(article))
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'aria-pressed="false"' in html
    assert "Be the first to like this." in html


def test_the_page_knows_a_reader_likes_it_beyond_the_avatars_shown(client, article, reader):
    article_like_toggle(article=article, user=reader)
    for fan in make_readers(12):  # the 12 latest likers are shown; the reader is not
        article_like_toggle(article=article, user=fan)
    client.force_login(reader)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "13 bloggers like this." in html
    assert 'aria-pressed="true"' in html
    assert html.count('<li><img src="/comments/avatar/') == 12


def test_the_script_gets_the_likes_block_back(client, article, reader):
    client.force_login(reader)
    response = client.post(like_url(article), headers={"X-Requested-With": "fetch"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="likes" id="likes"')
    assert "One blogger likes this." in html


def test_liking_rejects_get(client, article, reader):
    client.force_login(reader)
    assert client.get(like_url(article)).status_code == 405
    assert not ArticleLike.objects.exists()


def test_a_guest_is_sent_to_log_in_and_nothing_is_liked(client, article):
    response = client.post(like_url(article))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={article.get_absolute_url()}%23likes"
    assert not ArticleLike.objects.exists()


def test_after_logging_in_the_guest_is_back_at_the_likes(client, article, reader):
    login = client.get(f"/accounts/login/?next={article.get_absolute_url()}%23likes")
    assert login.status_code == 200
    response = client.post(
        "/accounts/login/",
        {
            "login": "reader@example.org",
            "password": "reader-password",
            "next": f"{article.get_absolute_url()}#likes",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#likes"


def test_a_draft_cannot_be_liked(client, make_article, stranger):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(stranger)
    assert client.post(like_url(draft)).status_code == 404
    assert not ArticleLike.objects.exists()


def test_liking_needs_the_csrf_token(article, reader):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post(like_url(article)).status_code == 403
    assert not ArticleLike.objects.exists()


def test_drafts_show_no_like_button(client, editor, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    assert "Like this:" not in client.get(draft.get_absolute_url()).content.decode()


@pytest.mark.parametrize("likers", [0, 3, 40])
def test_likes_cost_one_query_however_many_readers_like_it(
    client, article, likers, django_assert_num_queries
):
    for fan in make_readers(likers):
        article_like_toggle(article=article, user=fan)
    client.get("/")  # fill the sidebar cache
    client.get(article.get_absolute_url())  # and the ContentType cache the discussion uses
    # article, its categories, its tags (related articles kept in the cache since), the
    # discussion, the social-login apps, + the likers (when there are any)
    with django_assert_num_queries(5 + (1 if likers else 0)):
        client.get(article.get_absolute_url())


def test_a_signed_in_reader_costs_the_session_and_user_queries_only(
    client, article, reader, django_assert_num_queries
):
    for fan in make_readers(3):
        article_like_toggle(article=article, user=fan)
    client.force_login(reader)
    client.get("/")
    client.get(article.get_absolute_url())
    # session, user, article, categories, tags (related ones kept in the cache), likers (the
    # reader is not among them, and all likers are shown, so no "does the reader like it"
    # query); the discussion, the reader's comment likes, their social profile, their
    # subscription
    with django_assert_num_queries(10):
        client.get(article.get_absolute_url())
