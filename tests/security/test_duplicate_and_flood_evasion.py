"""Attack on the spam defence: the duplicate and flood checks compared raw text, so a doubled
space, a zero-width space or a full-width letter made the same text look new."""

import pytest

from comments.moderation.pipeline import DuplicateComment
from tests.factories import post

pytestmark = pytest.mark.django_db

TEXT = "Recovery Expert Mark got all my money back, write to him."
DISGUISES = {
    "doubled space": TEXT.replace("Mark got", "Mark  got"),
    "zero-width space": TEXT.replace("money", "mo\u200bney"),
    "full-width letters": TEXT.replace("Mark", "\uff2d\uff41\uff52\uff4b"),
    "line break and tab": TEXT.replace(" back, ", "\nback,\t"),
    "word joiner and bidi mark": TEXT.replace("write", "wr\u2060ite\u200e"),
}


@pytest.mark.parametrize("disguise", DISGUISES)
def test_a_disguised_double_post_is_refused(article, disguise):
    post(article, text=TEXT)
    with pytest.raises(DuplicateComment):
        post(article, text=DISGUISES[disguise])


@pytest.mark.parametrize("disguise", DISGUISES)
def test_a_disguised_copy_by_someone_else_is_held_as_a_flood(article, disguise):
    post(article, email="first@example.org", text=TEXT)
    copy = post(article, email="second@example.org", text=DISGUISES[disguise])
    assert copy.moderation.status == "held"
    assert "flood" in {reason["check"] for reason in copy.moderation.reasons}


def test_different_words_are_still_a_different_comment(article):
    post(article, text=TEXT)
    assert post(article, text=TEXT.replace("Mark", "Marta")).is_public
