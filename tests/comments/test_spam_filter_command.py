"""`manage.py spam_filter`: retrain from reviewed comments, reset, export and import."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comments.models import SpamToken
from comments.moderation import actions
from tests.factories import post

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("spam_filter", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def taught(article, editor):
    actions.comment_mark_spam(post(article, text="Designer sunglasses discount"), by=editor)
    actions.comment_approve(post(article, text="The talks resume on Monday"), by=editor)
    post(article, text="Nobody reviewed this one")


def test_without_an_option_it_says_what_it_knows(taught):
    assert "knows 1 spam and 1 legitimate comment(s)" in run()


def test_export_then_import_on_an_empty_site_gives_the_same_model(taught, tmp_path):
    path = tmp_path / "model.json"
    assert "Exported" in run("--export", str(path))
    before = set(SpamToken.objects.values_list("token", "spam_count", "ham_count"))
    run("--reset")
    assert not SpamToken.objects.exists()
    assert "knows 1 spam and 1 legitimate" in run("--import", str(path))
    assert set(SpamToken.objects.values_list("token", "spam_count", "ham_count")) == before
    assert json.loads(path.read_text())["tokens"]["sunglasses"] == [1, 0]


def test_retrain_learns_only_what_editors_reviewed(taught):
    SpamToken.objects.all().delete()
    assert "Retrained from 1 spam and 1 legitimate" in run("--retrain")
    assert SpamToken.objects.filter(token="reviewed").count() == 0
    assert SpamToken.objects.get(token="sunglasses").spam_count == 1


@pytest.mark.parametrize(
    "content, message",
    [("{not json", "is not JSON"), ('{"format": "other"}', "not an export")],
)
def test_a_bad_file_is_refused_with_the_model_kept(taught, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run("--import", str(path))
    assert SpamToken.objects.get(token="sunglasses").spam_count == 1


def test_a_missing_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*missing.json"):
        run("--import", str(tmp_path / "missing.json"))
