"""`manage.py import_wordpress`: the summary table, the author map, clear failures."""

import io

import pytest
from django.core.management import CommandError, call_command

from blog.models import Article
from comments.moderation.learned import learned_stats
from tests.wordpress.conftest import FIELD_NOTES

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("import_wordpress", *args, stdout=out)
    return out.getvalue()


def test_it_prints_what_it_created_skipped_and_why():
    table = run(str(FIELD_NOTES))
    assert "posts               6        0        2        0" in table
    assert "comments            6        0        1        0" in table
    assert "skipped: pingback (--pingbacks imports them) (1)" in table
    assert "note: [gallery] shown as a figure of its images (1)" in table


def test_a_dry_run_says_so_and_saves_nothing():
    assert run(str(FIELD_NOTES), "--dry-run").strip().endswith("Dry run: nothing was saved.")
    assert not Article.objects.exists()


def test_the_author_map_is_read_from_a_csv(tmp_path, django_user_model):
    dana = django_user_model.objects.create_user("dana", "dana@example.org", "pw")
    mapping = tmp_path / "authors.csv"
    mapping.write_text("wordpress_login,user\nalice,dana\n")
    run(str(FIELD_NOTES), "--author-map", str(mapping))
    assert Article.objects.get(slug="floods-le-pre").author == dana


def test_a_truncated_file_is_named_with_its_line(tmp_path):
    truncated = tmp_path / "cut.xml"
    truncated.write_bytes(FIELD_NOTES.read_bytes()[:5000])
    with pytest.raises(CommandError, match=r"cut\.xml, line \d+: .* Nothing was imported\."):
        run(str(truncated))
    assert not Article.objects.exists()


def test_teach_approved_teaches_the_filter_the_approved_comments():
    run(str(FIELD_NOTES), "--teach-approved")
    stats = learned_stats()
    assert (stats["spam_comments"], stats["ham_comments"]) == (1, 3)
