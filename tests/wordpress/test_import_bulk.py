"""Comments are written in batches (blog/wordpress/bulk.py), without model signals: the
threads come out as django-comments-xtd builds them one comment at a time, the learned
filter counts what it would count one by one, followers are not emailed, and cached pages
still show the new comments."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from blog.models import Article
from blog.wordpress import importer, wordpress_import
from comments.models import CommentModeration, Mailing, SpamToken, Subscription
from comments.moderation.learned import learned_train, learned_train_new
from tests.wordpress.conftest import FIELD_NOTES

pytestmark = pytest.mark.django_db

# (id, parent, minute): replies to replies, late replies to early comments, two threads,
# listed out of date order in the file as exports sometimes are.
THREADS = [
    (1, 0, 0),
    (3, 0, 2),
    (2, 1, 1),
    (5, 1, 4),
    (4, 2, 3),
    (6, 3, 5),
    (7, 4, 6),
    (8, 5, 7),
    (9, 0, 8),
    (10, 7, 9),
]

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Threads</title><link>https://threads.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
"""
ITEM = """<item><title>Story {post}</title><content:encoded>Text.</content:encoded>
<wp:post_id>{post}</wp:post_id><wp:post_date_gmt>2024-03-01 09:00:00</wp:post_date_gmt>
<wp:post_name>story-{post}</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>{comments}</item>
"""
COMMENT = """<wp:comment><wp:comment_id>{id}</wp:comment_id>
<wp:comment_author>Reader {n}</wp:comment_author>
<wp:comment_date_gmt>2024-03-02 10:{minute:02d}:00</wp:comment_date_gmt>
<wp:comment_content>Comment {n} on story {post}</wp:comment_content>
<wp:comment_approved>{state}</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>
</wp:comment>"""


def export(posts, comments=THREADS, state="1"):
    items = []
    for post in posts:
        # WordPress's comment IDs are the site's: each story's are its own.
        rows = [
            COMMENT.format(
                id=post * 100 + n,
                n=n,
                post=post,
                minute=minute,
                parent=post * 100 + parent if parent else 0,
                state=state,
            )
            for n, parent, minute in comments
        ]
        items.append(ITEM.format(post=post, comments="".join(rows)))
    return HEAD + "".join(items) + "</channel></rss>\n"


def shape(article):
    """Each comment's text → its parent's, its thread's first, level, order, replies."""
    rows = XtdComment.objects.filter(object_pk=str(article.pk))
    text = {row.pk: row.comment.split(" on ")[0] for row in rows}
    return {
        text[row.pk]: (
            text[row.parent_id],
            text[row.thread_id],
            row.level,
            row.order,
            row.nested_count,
        )
        for row in rows
    }


def written_one_by_one(comments=THREADS):
    """The same discussion written through xtd's own `save`, oldest first, on an article."""
    article = Article.objects.create(
        title="By hand", slug="by-hand", body="<p>x</p>", status="published"
    )
    rows = {}
    when = datetime.datetime(2024, 3, 2, 10, 0, tzinfo=datetime.UTC)
    for n, parent, minute in sorted(comments, key=lambda c: c[2]):
        rows[n] = XtdComment.objects.create(
            content_type=ContentType.objects.get_for_model(Article),
            object_pk=str(article.pk),
            site_id=1,
            user_name=f"Reader {n}",
            comment=f"Comment {n} on story by-hand",
            submit_date=when + datetime.timedelta(minutes=minute),
            parent_id=rows[parent].pk if parent else 0,
        )
    return article


@pytest.mark.parametrize("batch", [1, 5, 2000])
def test_threads_are_those_xtd_builds_one_comment_at_a_time(wxr, monkeypatch, batch):
    # A batch of 1 writes each story's comments alone, 2000 all three stories' together.
    monkeypatch.setattr(importer, "COMMENT_BATCH", batch)
    summary = wordpress_import(source=str(wxr(export([1, 2, 3]))))
    assert summary.counts["comments"]["created"] == 30
    expected = shape(written_one_by_one())
    assert expected["Comment 10"] == ("Comment 7", "Comment 1", 4, 5, 0)  # the deepest
    for slug in ("story-1", "story-2", "story-3"):
        assert shape(Article.objects.get(slug=slug)) == expected


def test_replies_added_by_a_newer_export_join_their_threads_as_xtd_would(wxr):
    first = [c for c in THREADS if c[0] in (1, 2, 3, 4, 6)]
    wordpress_import(source=str(wxr(export([1], comments=first))))
    summary = wordpress_import(source=str(wxr(export([1]), name="newer.xml")))
    assert summary.counts["comments"]["created"] == 5
    assert summary.counts["comments"]["skipped"] == 5
    assert shape(Article.objects.get(slug="story-1")) == shape(written_one_by_one())


def test_imported_spam_counts_in_the_filter_as_if_marked_one_by_one(wxr):
    wordpress_import(source=str(wxr(export([1, 2], state="spam"))))
    imported = dict(SpamToken.objects.values_list("token", "spam_count"))
    assert imported[" comments"] == 20
    assert imported["comment"] == 20  # in every comment: counted once each
    assert imported["story"] == 20
    assert set(CommentModeration.objects.values_list("trained_as", flat=True)) == {"spam"}

    SpamToken.objects.all().delete()
    CommentModeration.objects.update(trained_as="")
    for comment in XtdComment.objects.order_by("pk"):
        learned_train(comment=comment, label="spam")
    assert dict(SpamToken.objects.values_list("token", "spam_count")) == imported


def test_training_nothing_changes_nothing():
    assert learned_train_new(comments=[], label="spam") == 0
    assert not SpamToken.objects.exists()


def test_imported_comments_do_not_email_the_discussions_followers(imported, wxr):
    floods = Article.objects.get(slug="floods-le-pre")
    Subscription.objects.create(
        email="follower@example.org",
        kind=Subscription.Kind.COMMENTS,
        article=floods,
        confirmed_at=timezone.now(),
    )
    newer = FIELD_NOTES.read_text().replace(
        "</item>",
        "<wp:comment><wp:comment_id>300</wp:comment_id><wp:comment_author>Lou</wp:comment_author>"
        "<wp:comment_date_gmt>2024-03-08 08:00:00</wp:comment_date_gmt>"
        "<wp:comment_content>Old news, newly exported.</wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved></wp:comment></item>",
        1,
    )
    summary = wordpress_import(source=str(wxr(newer)))
    assert summary.counts["comments"]["created"] == 1
    assert XtdComment.objects.get(comment="Old news, newly exported.").is_public
    assert not Mailing.objects.exists()


def test_a_cached_story_page_shows_comments_imported_later(
    wxr, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    first = [c for c in THREADS if c[0] < 9]
    wordpress_import(source=str(wxr(export([1], comments=first))))
    story = Article.objects.get(slug="story-1")
    assert "Comment 9 on story 1" not in Client().get(story.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        wordpress_import(source=str(wxr(export([1]), name="newer.xml")))
    page = Client().get(story.get_absolute_url()).content.decode()
    assert "Comment 9 on story 1" in page


def test_a_reply_to_a_comment_deleted_here_since_starts_its_own_thread(wxr):
    wordpress_import(source=str(wxr(export([1], comments=[(1, 0, 0)]))))
    XtdComment.objects.get(comment="Comment 1 on story 1").delete()
    summary = wordpress_import(
        source=str(wxr(export([1], comments=[(1, 0, 0), (2, 1, 1)]), name="newer.xml"))
    )
    assert summary.counts["comments"]["created"] == 1
    reply = XtdComment.objects.get(comment="Comment 2 on story 1")
    assert (reply.parent_id, reply.thread_id, reply.level, reply.order) == (
        reply.pk,
        reply.pk,
        0,
        1,
    )
