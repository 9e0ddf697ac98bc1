"""`blog.wordpress.wordpress_import`: posts, authors, terms, comments and old addresses from a
WordPress export, idempotently, in one transaction."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django_comments_xtd.models import XtdComment

from blog.models import Article, Category, Redirect, Tag
from blog.wordpress import WXRError, wordpress_import
from comments.models import CommentModeration, SpamToken
from comments.moderation.learned import learned_stats
from tests.wordpress.conftest import FIELD_NOTES

pytestmark = pytest.mark.django_db


def comment_by(name):
    return XtdComment.objects.get(user_name=name)


def test_posts_become_articles_with_their_status(imported):
    statuses = dict(Article.objects.values_list("title", "status"))
    assert statuses == {
        "Floods in Le Pré-Saint-Gervais — café owners count the cost 🌊": "published",
        "Council votes on the new dikes": "draft",
        "Next week: the clean-up": "published",  # "future": scheduled
        "Pending: interview with the mayor": "pending",
        "Private notes": "draft",
        "أخبار الحي": "published",
    }
    assert Article.objects.get(slug="clean-up").is_scheduled
    assert imported.counts["posts"]["skipped"] == 2  # the page and the trashed post
    assert imported.notes["[gallery] shown as a figure of its images"] == 1


def test_dates_come_from_the_utc_fields_or_the_site_time_zone(db):
    wordpress_import(source=str(FIELD_NOTES), time_zone="Europe/Paris")
    floods = Article.objects.get(slug="floods-le-pre")
    assert floods.published_at == datetime.datetime(2024, 3, 5, 23, 30, tzinfo=datetime.UTC)
    # The draft has no UTC date: 09:00 in Paris is 08:00 UTC.
    draft = Article.objects.get(title="Council votes on the new dikes")
    assert draft.published_at == datetime.datetime(2024, 3, 10, 8, 0, tzinfo=datetime.UTC)


def test_the_excerpt_becomes_the_standfirst_as_plain_text(imported):
    floods = Article.objects.get(slug="floods-le-pre")
    assert floods.standfirst == "The river rose & the square flooded."


def test_classic_posts_get_paragraphs_and_captions_become_figures(imported):
    body = Article.objects.get(slug="floods-le-pre").body
    assert body.startswith("<p>The river rose overnight.<br>\nThe cafés on the square")
    assert (
        '<figure><img src="https://fieldnotes.example.com/wp-content/uploads/2024/03/square.jpg"'
        ' alt="The flooded square" width="640" height="427">'
        "<figcaption>The square at 11am &amp; rising</figcaption></figure>"
    ) in body
    assert "<script" not in body and "alert" not in body
    # [gallery ids="15,16"]: its image in the export (16 is a page, not an image).
    assert body.endswith(
        '<figure><img src="https://fieldnotes.example.com/wp-content/uploads/2024/03/square.jpg"'
        ' alt="The flooded square"><figcaption>The square at 11am</figcaption></figure>'
    )
    assert "[gallery" not in body


def test_text_survives_cdata_splits_emoji_rtl_and_combining_marks(imported):
    body = Article.objects.get(slug="floods-le-pre").body
    assert "A CDATA edge: x]]&gt;y." in body
    assert "مرحبا بالعالم" in body
    assert "🏳️‍🌈 👩🏽‍🔬" in body
    assert "Zoë" in body  # e + U+0308, kept as written
    assert Article.objects.filter(title="أخبار الحي").exists()


def test_block_editor_comments_are_removed_and_paragraphs_kept(imported):
    body = Article.objects.get(title="Council votes on the new dikes").body
    assert body == (
        "<p>The council meets on Thursday.</p>\n\n<h2>What is at stake</h2>\n\n"
        "<p>Three kilometres of wall.</p>"
    )


def test_authors_become_staff_without_a_usable_password(imported):
    alice = get_user_model().objects.get(username="alice")
    assert alice.email == "alice@fieldnotes.example.com"
    assert (alice.first_name, alice.last_name) == ("Alice", "Aubert")
    assert alice.is_staff and not alice.is_superuser
    assert not alice.has_usable_password()
    assert alice.groups.filter(name="Author").exists()
    assert Article.objects.get(slug="floods-le-pre").author == alice


def test_the_author_map_gives_posts_to_existing_accounts(django_user_model):
    dana = django_user_model.objects.create_user("dana", "dana@example.org", "pw")
    summary = wordpress_import(source=str(FIELD_NOTES), author_map={"alice": "dana@example.org"})
    assert Article.objects.get(slug="floods-le-pre").author == dana
    assert not django_user_model.objects.filter(username="alice").exists()
    assert summary.reasons["authors"]["skipped: mapped to an existing account"] == 1


def test_a_login_taken_here_by_someone_else_gets_a_new_name(django_user_model):
    django_user_model.objects.create_user("alice", "other-alice@example.org", "pw")
    wordpress_import(source=str(FIELD_NOTES))
    imported_alice = Article.objects.get(slug="floods-le-pre").author
    assert imported_alice.username == "alice-wp"
    assert imported_alice.email == "alice@fieldnotes.example.com"


def test_categories_keep_their_hierarchy_and_terms_their_names(imported):
    local = Category.objects.get(slug="local")
    assert local.parent == Category.objects.get(slug="news")
    assert Tag.objects.get(slug="cafe").name == "Café"
    assert Category.objects.get(slug="category-5").name == "أخبار"
    floods = Article.objects.get(slug="floods-le-pre")
    assert list(floods.categories.values_list("slug", flat=True)) == ["local"]
    assert sorted(floods.tags.values_list("slug", flat=True)) == ["cafe", "climate"]


def test_comments_keep_their_threads_in_reading_order(imported):
    floods = Article.objects.get(slug="floods-le-pre")
    thread = XtdComment.objects.filter(object_pk=str(floods.pk)).exclude(
        user_name__in=["Cheap Watches", "Troll"]
    )
    rows = [(c.user_name, c.level) for c in thread.order_by("thread_id", "order")]
    # Omar answered Alice's reply; Zoë answered Nadia later than Alice did.
    assert rows == [("Nadia", 0), ("Alice Aubert", 1), ("Omar", 2), ("Zoë", 1)]
    nadia, alice, omar = comment_by("Nadia"), comment_by("Alice Aubert"), comment_by("Omar")
    assert (alice.parent_id, omar.parent_id) == (nadia.pk, alice.pk)
    assert omar.thread_id == nadia.thread_id == nadia.pk
    assert nadia.nested_count == 3


def test_comments_keep_author_details_and_dates(imported):
    nadia = comment_by("Nadia")
    assert (nadia.user_email, nadia.user_url, nadia.ip_address) == (
        "nadia@example.org",
        "https://nadia.example.org",
        "203.0.113.7",
    )
    assert nadia.submit_date == datetime.datetime(2024, 3, 6, 8, 0, tzinfo=datetime.UTC)
    assert nadia.comment == "Our street too. Photos here (https://photos.example.org/1)."
    assert comment_by("Omar").ip_address == "2001:db8::1"
    assert comment_by("Zoë").ip_address is None  # "not-an-ip" in the export
    # The post's author answering while signed in is her account here.
    assert comment_by("Alice Aubert").user.username == "alice"


def test_comment_states_map_to_moderation(imported):
    states = {
        c.user_name: (c.moderation.status, c.is_public, c.is_removed)
        for c in XtdComment.objects.select_related("moderation")
    }
    assert states["Nadia"] == ("published", True, False)
    assert states["Omar"] == ("held", False, False)
    assert states["Cheap Watches"] == ("spam", False, False)
    assert states["Troll"] == ("removed", False, True)
    assert "Another Blog" not in states  # the pingback, skipped by default


def test_pingbacks_are_imported_when_asked(db):
    wordpress_import(source=str(FIELD_NOTES), pingbacks=True)
    pingback = comment_by("Another Blog")
    assert pingback.user_url == "https://another.example.net/2024/03/floods/"
    assert pingback.comment == "[…] as Field Notes reported […]"


def test_spam_teaches_the_learned_filter_as_an_editors_decision(imported):
    record = CommentModeration.objects.get(comment__user_name="Cheap Watches")
    assert record.trained_as == "spam" and record.reviewed_at is not None
    assert SpamToken.objects.get(token="replica").spam_count == 1


def test_approved_comments_teach_the_filter_only_when_asked(imported):
    # WordPress publishes comments unreviewed unless the site held them: by default its
    # approved comments are no decision the filter learns from.
    assert set(CommentModeration.objects.values_list("trained_as", flat=True)) == {"", "spam"}
    assert learned_stats()["ham_comments"] == 0


def test_teach_approved_makes_the_approved_comments_legitimate_examples(db):
    wordpress_import(source=str(FIELD_NOTES), teach_approved=True)

    nadia = CommentModeration.objects.get(comment__user_name="Nadia")
    assert nadia.trained_as == "ham" and nadia.reviewed_at is not None
    # Nadia, Alice Aubert and Zoë were approved; Omar's comment was still held (no
    # decision), the troll's trashed.
    assert learned_stats()["ham_comments"] == 3
    assert CommentModeration.objects.get(comment__user_name="Omar").trained_as == ""
    assert SpamToken.objects.get(token="street").ham_count == 1
    assert SpamToken.objects.get(token="our").ham_count == 2  # Nadia's and Zoë's
    assert SpamToken.objects.get(token="replica").spam_count == 1


def test_imported_stories_are_not_announced_to_followers(imported):
    assert not Article.objects.filter(announced_at__isnull=True).exists()


def test_importing_the_same_file_again_changes_nothing(imported):
    before = list(Article.objects.values_list("pk", "updated_at").order_by("pk"))
    comments_before = list(XtdComment.objects.values_list("pk", "thread_id", "order", "level"))
    again = wordpress_import(source=str(FIELD_NOTES))
    assert again.total("created") == again.total("updated") == 0
    assert list(Article.objects.values_list("pk", "updated_at").order_by("pk")) == before
    assert (
        list(XtdComment.objects.values_list("pk", "thread_id", "order", "level")) == comments_before
    )
    assert SpamToken.objects.get(token="replica").spam_count == 1


NEW_COMMENT = """<wp:comment>
    <wp:comment_id>108</wp:comment_id>
    <wp:comment_author><![CDATA[Nadia]]></wp:comment_author>
    <wp:comment_author_email><![CDATA[nadia@example.org]]></wp:comment_author_email>
    <wp:comment_date_gmt><![CDATA[2024-03-07 08:00:00]]></wp:comment_date_gmt>
    <wp:comment_content><![CDATA[Sent them by email.]]></wp:comment_content>
    <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
    <wp:comment_parent>102</wp:comment_parent>
</wp:comment>
</item>"""


def newer_export():
    text = FIELD_NOTES.read_text()
    text = text.replace("</item>", NEW_COMMENT, 1)
    text = text.replace("Three kilometres of wall.", "Four kilometres of wall.")
    return text.replace(
        "<![CDATA[Is the bakery open? 🥐]]></wp:comment_content>\n\t\t\t<wp:comment_approved>"
        "<![CDATA[0]]>",
        "<![CDATA[Is the bakery open? 🥐]]></wp:comment_content>\n\t\t\t<wp:comment_approved>"
        "<![CDATA[1]]>",
    )


def test_a_newer_export_adds_what_is_new_and_updates_what_changed(imported, wxr):
    summary = wordpress_import(source=str(wxr(newer_export())))
    assert summary.counts["comments"]["created"] == 1
    assert summary.counts["comments"]["updated"] == 1  # Omar's approved since
    assert summary.counts["posts"]["updated"] == 1
    assert "Four kilometres" in Article.objects.get(title="Council votes on the new dikes").body
    assert comment_by("Omar").is_public
    reply = XtdComment.objects.get(comment="Sent them by email.")
    alice = comment_by("Alice Aubert")
    assert (reply.parent_id, reply.level) == (alice.pk, 2)
    floods = Article.objects.get(slug="floods-le-pre")
    order = XtdComment.objects.filter(object_pk=str(floods.pk), thread_id=alice.thread_id)
    # Under Alice's reply: Omar's answer, then the new one (oldest first), then Zoë's.
    assert [c.user_name for c in order.order_by("order")] == [
        "Nadia", "Alice Aubert", "Omar", "Nadia", "Zoë",
    ]  # fmt: skip


def test_a_comment_approved_since_the_last_import_is_taught_when_asked(imported, wxr):
    wordpress_import(source=str(wxr(newer_export())), teach_approved=True)
    assert CommentModeration.objects.get(comment__user_name="Omar").trained_as == "ham"
    assert SpamToken.objects.get(token="bakery").ham_count == 1


def test_a_story_edited_here_is_not_overwritten_by_a_newer_export(imported, wxr):
    draft = Article.objects.get(title="Council votes on the new dikes")
    draft.body = "<p>Rewritten by our desk.</p>"
    draft.save()
    summary = wordpress_import(source=str(wxr(newer_export())))
    draft.refresh_from_db()
    assert draft.body == "<p>Rewritten by our desk.</p>"
    assert summary.reasons["posts"]["skipped: edited here since the last import"] == 1


def test_a_truncated_file_fails_with_its_line_and_saves_nothing(wxr):
    text = FIELD_NOTES.read_text()
    truncated = wxr(text[: text.index("<wp:comment_id>105")])
    with pytest.raises(WXRError) as error:
        wordpress_import(source=str(truncated))
    assert error.value.line is not None and error.value.line > 100
    assert str(error.value).startswith(f"line {error.value.line}: ")
    assert not Article.objects.exists()
    assert not get_user_model().objects.exists()
    assert not Category.objects.exists() and not XtdComment.objects.exists()


def test_a_file_that_is_not_an_export_is_refused(wxr):
    with pytest.raises(WXRError, match="not a WordPress export"):
        wordpress_import(source=str(wxr("<rss><channel><title>x</title></channel></rss>")))


def test_entities_are_not_expanded(wxr):
    bomb = (
        FIELD_NOTES.read_text()
        .replace(
            '<?xml version="1.0" encoding="UTF-8" ?>',
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
        )
        .replace("The river rose overnight.", "&secret;")
    )
    wordpress_import(source=str(wxr(bomb)))
    assert "root:" not in Article.objects.get(slug="floods-le-pre").body


def test_a_dry_run_reports_the_same_and_saves_nothing(db):
    summary = wordpress_import(source=str(FIELD_NOTES), dry_run=True)
    assert summary.counts["posts"]["created"] == 6
    assert summary.counts["comments"]["created"] == 6
    assert not Article.objects.exists() and not Redirect.objects.exists()


def chain_export(length: int) -> str:
    comments = "".join(
        f"""<wp:comment><wp:comment_id>{n}</wp:comment_id>
        <wp:comment_author>Reader {n}</wp:comment_author>
        <wp:comment_date_gmt>2024-01-01 10:{n:02d}:00</wp:comment_date_gmt>
        <wp:comment_content>Reply number {n}</wp:comment_content>
        <wp:comment_approved>1</wp:comment_approved>
        <wp:comment_parent>{n - 1 if n > 1 else 0}</wp:comment_parent></wp:comment>"""
        for n in range(1, length + 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.1/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<link>https://deep.example</link><wp:wxr_version>1.1</wp:wxr_version>
<item><title>Deep</title><content:encoded>Text</content:encoded><wp:post_id>1</wp:post_id>
<wp:post_date_gmt>2024-01-01 09:00:00</wp:post_date_gmt><wp:post_name>deep</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{comments}</item>
</channel></rss>"""


def test_replies_deeper_than_the_site_shows_go_under_the_deepest_ancestor(wxr, settings):
    settings.COMMENTS_XTD_MAX_THREAD_LEVEL = 4
    summary = wordpress_import(source=str(wxr(chain_export(7))))
    rows = XtdComment.objects.order_by("order").values_list("comment", "level")
    assert [level for _text, level in rows] == [0, 1, 2, 3, 4, 4, 4]
    assert summary.notes["reply deeper than 4 levels moved up"] == 2
    assert [text for text, _level in rows][-3:] == [
        "Reply number 5",
        "Reply number 6",
        "Reply number 7",
    ]
