"""`export_wordpress`: a WXR 1.2 file WordPress's importer reads, and the round trip."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from django_comments_xtd.models import XtdComment
from lxml import etree

from blog.models import Article, Category, ImportedItem, Redirect, Tag
from blog.wordpress import wordpress_import
from blog.wordpress.export import wordpress_export
from comments.models import SpamToken

pytestmark = pytest.mark.django_db
WP = {"wp": "http://wordpress.org/export/1.2/"}


def exported() -> bytes:
    out = io.BytesIO()
    wordpress_export(out=out)
    return out.getvalue()


def site_snapshot():
    """What a reader and an editor see of the stories and their discussions."""
    stories = {}
    for article in Article.objects.order_by("title"):
        comments = XtdComment.objects.filter(object_pk=str(article.pk)).select_related("moderation")
        names = {c.pk: c.user_name for c in comments}
        stories[article.title] = {
            "slug": article.slug,
            "status": article.status,
            "published_at": article.published_at,
            "standfirst": article.standfirst,
            "body": " ".join(article.body.split()),
            "author": article.author.email if article.author else None,
            "categories": sorted(
                (c.slug, c.name, c.parent.slug if c.parent else "")
                for c in article.categories.all()
            ),
            "tags": sorted(article.tags.values_list("slug", "name")),
            "photo": (article.photo_url, article.photo_alt, article.photo_caption),
            "discussion": [
                (
                    c.user_name,
                    c.user_email,
                    c.user_url,
                    c.ip_address,
                    c.submit_date,
                    c.comment,
                    c.level,
                    c.moderation.status,
                    names[c.parent_id] if c.parent_id != c.pk else None,
                )
                for c in comments.order_by("thread_id", "order")
            ],  # fmt: skip
        }
    return stories


def empty_the_site():
    XtdComment.objects.all().delete()
    Article.objects.all().delete()
    for model in (Category, Tag, Redirect, ImportedItem, SpamToken):
        model.objects.all().delete()
    get_user_model().objects.all().delete()


def test_the_round_trip_keeps_stories_threads_and_states(imported):
    before = site_snapshot()
    assert sum(len(story["discussion"]) for story in before.values()) == 6
    export = exported()
    empty_the_site()
    summary = wordpress_import(source=io.BytesIO(export))
    assert summary.counts["posts"]["created"] == 6
    assert site_snapshot() == before


def test_the_export_is_wxr_1_2_with_threads_and_states(imported):
    tree = etree.fromstring(exported())
    assert tree.findtext("channel/wp:wxr_version", namespaces=WP) == "1.2"
    floods = Article.objects.get(slug="floods-le-pre")
    item = tree.xpath(f"//item[wp:post_id='{floods.pk}']", namespaces=WP)[0]
    assert item.findtext("wp:status", namespaces=WP) == "publish"
    assert item.findtext("wp:post_name", namespaces=WP) == "floods-le-pre"
    states = {
        c.findtext("wp:comment_author", namespaces=WP): (
            c.findtext("wp:comment_approved", namespaces=WP),
            c.findtext("wp:comment_parent", namespaces=WP),
        )
        for c in item.iterfind("wp:comment", namespaces=WP)
    }
    alice = XtdComment.objects.get(user_name="Alice Aubert")
    assert states["Nadia"] == ("1", "0")
    assert states["Omar"] == ("0", str(alice.pk))
    assert states["Cheap Watches"] == ("spam", "0")
    assert states["Troll"] == ("trash", "0")
    scheduled = tree.xpath("//item[wp:post_name='clean-up']/wp:status", namespaces=WP)
    assert scheduled[0].text == "future"
    local = tree.xpath("//wp:category[wp:category_nicename='local']", namespaces=WP)[0]
    assert local.findtext("wp:category_parent", namespaces=WP) == "news"


def test_text_with_a_cdata_end_survives_the_export(imported):
    floods = Article.objects.get(slug="floods-le-pre")
    assert "x]]&gt;y" in floods.body
    floods.standfirst = "A standfirst with ]]> inside"
    floods.save()
    tree = etree.fromstring(exported())
    item = tree.xpath(f"//item[wp:post_id='{floods.pk}']", namespaces=WP)[0]
    excerpt = item.findtext("{http://wordpress.org/export/1.2/excerpt/}encoded")
    assert excerpt == "A standfirst with ]]> inside"


def test_the_command_writes_to_a_file_or_standard_output(imported, tmp_path):
    target = tmp_path / "site.xml"
    call_command("export_wordpress", "--output", str(target), stderr=io.StringIO())
    assert etree.parse(str(target)).findtext("channel/wp:wxr_version", namespaces=WP) == "1.2"


def test_since_limits_the_export_to_recent_changes(imported):
    assert (
        wordpress_export(out=io.BytesIO(), since=timezone.now() + datetime.timedelta(days=1)) == 0
    )
    assert (
        wordpress_export(out=io.BytesIO(), since=timezone.now() - datetime.timedelta(days=1)) == 6
    )
