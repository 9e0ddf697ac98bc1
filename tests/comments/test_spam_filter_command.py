"""`manage.py spam_filter`: retrain from reviewed comments, reset, the seed model, export and
import."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comments.models import SpamToken
from comments.moderation import actions
from comments.moderation.learned import SEED_MODEL, TOTALS, learned_score
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


def test_the_seed_gives_a_new_site_a_filter_that_already_speaks(db):
    assert "knows 0 spam and 0 legitimate" in run()
    out = run("--seed")
    seed = json.loads(SEED_MODEL.read_text())
    assert f"Loaded the seed model ({len(seed['tokens'])} token(s))" in out
    assert f"knows {seed['spam_comments']} spam and {seed['ham_comments']} legitimate" in out
    pitch = "Buy cheap essay writing service, best price guaranteed, order today"
    assert learned_score(text=pitch).enough_evidence
    assert learned_score(text=pitch).probability > 0.9


def test_the_seed_if_new_leaves_a_filter_that_learned_from_this_site(taught):
    assert "seed was not loaded" in run("--seed", "--if-new")
    assert SpamToken.objects.get(token=TOTALS).spam_count == 1


def test_the_seed_if_new_loads_on_a_filter_reset_to_nothing(taught):
    run("--reset")
    assert "Loaded the seed model" in run("--seed", "--if-new")


def test_the_seed_replaces_what_the_site_learned_and_retrain_drops_it(taught):
    run("--seed")
    # The corpus never says "sunglasses": what the site taught is gone.
    assert not SpamToken.objects.filter(token="sunglasses").exists()
    assert "Retrained from 1 spam and 1 legitimate" in run("--retrain")
    assert SpamToken.objects.get(token=TOTALS).spam_count == 1


def test_editors_decisions_add_to_the_seed(article, editor):
    run("--seed")
    spam_before = SpamToken.objects.get(token=TOTALS).spam_count
    actions.comment_mark_spam(post(article, text="Replica watches at factory prices"), by=editor)
    assert SpamToken.objects.get(token=TOTALS).spam_count == spam_before + 1


def test_if_new_alone_is_refused(db):
    with pytest.raises(CommandError, match="--if-new goes with --seed"):
        run("--if-new")
