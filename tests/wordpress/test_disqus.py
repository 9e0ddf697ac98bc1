"""`import_disqus`: Disqus threads matched to imported stories, posts threaded with states."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_comments_xtd.models import XtdComment

from blog.models import Article
from blog.wordpress import WXRError
from blog.wordpress.disqus import disqus_import
from tests.wordpress.conftest import FIXTURES

pytestmark = pytest.mark.django_db
DISQUS = FIXTURES / "disqus.xml"


def by_name(name):
    return XtdComment.objects.select_related("moderation").get(user_name=name)


def test_threads_are_matched_by_old_address_or_wordpress_id(imported):
    summary = disqus_import(source=str(DISQUS))
    floods = Article.objects.get(slug="floods-le-pre")
    arabic = Article.objects.get(title="أخبار الحي")
    # By the old permalink (through the redirect table)…
    assert by_name("Kai").object_pk == str(floods.pk)
    # …and by the WordPress plugin's identifier when the address leads nowhere.
    assert by_name("Samir").object_pk == str(arabic.pk)
    assert summary.counts["threads"]["skipped"] == 1  # the About page was not imported
    assert summary.notes["Disqus threads matched to an article"] == 2
    assert not XtdComment.objects.filter(user_name="Visitor").exists()


def test_replies_sit_under_their_parent_even_when_they_come_first(imported):
    disqus_import(source=str(DISQUS))
    kai, lea = by_name("Kai"), by_name("Léa")
    assert (lea.parent_id, lea.thread_id, lea.level) == (kai.pk, kai.pk, 1)
    assert lea.comment == "Replying to Kai: the pumps arrived at 3pm."
    assert (lea.user_email, lea.ip_address) == ("lea@example.org", "198.51.100.20")
    assert kai.user_email == ""  # anonymous: Disqus gave no address


def test_deleted_and_spam_posts_keep_their_state(imported):
    disqus_import(source=str(DISQUS))
    assert by_name("Kai").moderation.status == "published" and by_name("Kai").is_public
    spam = by_name("Growth Hacker")
    assert (spam.moderation.status, spam.is_public, spam.moderation.trained_as) == (
        "spam",
        False,
        "spam",
    )
    gone = by_name("Gone")
    assert (gone.moderation.status, gone.is_removed) == ("removed", True)


def test_importing_again_changes_nothing(imported):
    disqus_import(source=str(DISQUS))
    before = list(XtdComment.objects.values_list("pk", "thread_id", "order", "level"))
    again = disqus_import(source=str(DISQUS))
    assert again.total("created") == 0
    assert again.reasons["comments"]["skipped: imported before"] == 5
    assert list(XtdComment.objects.values_list("pk", "thread_id", "order", "level")) == before


def test_a_truncated_export_fails_with_its_line_and_saves_nothing(imported, wxr):
    comments_before = XtdComment.objects.count()
    cut = wxr(DISQUS.read_bytes()[:3000], name="disqus-cut.xml")
    with pytest.raises(WXRError, match=r"^line \d+: "):
        disqus_import(source=str(cut))
    assert XtdComment.objects.count() == comments_before


def test_the_command_prints_the_table_and_names_a_broken_file(imported, wxr):
    out = io.StringIO()
    call_command("import_disqus", str(DISQUS), stdout=out)
    assert "comments            5        0        1        0" in out.getvalue()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_disqus", str(wxr(b"<disqus><post>", name="bad.xml")))
