"""The learned spam filter: tokens in any script, training by editors' decisions (and only
theirs), Robinson–Fisher scoring, thresholds, the minimum evidence, export and import."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from comments.models import BlocklistEntry, CommentModeration, SpamToken
from comments.moderation import actions
from comments.moderation.learned import (
    TOTALS,
    describe_token,
    learned_export,
    learned_import,
    learned_reset,
    learned_retrain,
    learned_score,
    score_tokens,
    tokenize,
)
from tests.factories import post

CHANGELIST = "/admin/comments/comment/"

# Spam that no default blocklist word catches: only the filter can learn it.
SPAM_TEXTS = [
    "Exclusive discount on designer sunglasses, limited offer https://shades.example/sale",
    "Grow your channel with our promotion package, fast results https://growth.example/start",
    "Unlock premium membership free today with this code https://premium.example/code",
    "Work from home, earn weekly with our simple system https://workhome.example/join",
]
HAM_TEXTS = [
    "The minister's statement contradicts what was said last week about the talks.",
    "Thank you for translating this, the original interview was hard to follow.",
    "I doubt the ceasefire will hold, given how the previous one ended.",
    "Which agency first reported the meeting? The timeline in the article is unclear.",
]


def counts(token):
    row = SpamToken.objects.filter(token=token).values_list("spam_count", "ham_count").first()
    return row or (0, 0)


def trained_as(comment):
    return CommentModeration.objects.get(comment=comment).trained_as


@pytest.fixture
def trained(article, editor, settings):
    """A filter taught 20 spam and 20 legitimate comments by an editor (the minimum)."""
    settings.COMMENTS_LEARNED_MIN_EACH = 20
    for n in range(20):
        spam = post(article, email=f"s{n}@spam.example", text=f"{SPAM_TEXTS[n % 4]} #{n}")
        actions.comment_mark_spam(spam, by=editor)
        ham = post(article, email=f"h{n}@example.org", text=f"{HAM_TEXTS[n % 4]} ({n})")
        actions.comment_approve(ham, by=editor)


# --- Tokens --------------------------------------------------------------------------------


def test_latin_words_are_case_folded_and_width_normalized():
    assert {"ceasefire", "hold"} <= set(tokenize(text="CEASEFIRE will ｈｏｌｄ"))


def test_cyrillic_words_are_tokens_of_their_own():
    assert {"раскрутка", "сайтов", "недорого"} <= set(tokenize(text="Раскрутка сайтов недорого!"))


def test_words_shorter_than_three_letters_say_nothing():
    words = [t for t in tokenize(text="Спасибо за перевод, it is so") if ":" not in t]
    assert words == ["спасибо", "перевод"]


def test_words_in_capitals_are_also_tokens_of_their_own_in_any_script():
    tokens = tokenize(text="FREE entry, free ТОЛЬКО СЕГОДНЯ, OK? NATO says")
    assert {"upper:free", "upper:только", "upper:сегодня", "upper:nato"} <= set(tokens)
    assert {"free", "только", "nato"} <= set(tokens)  # the word itself as well
    assert "upper:ok" not in tokens and "upper:says" not in tokens


def test_long_numbers_give_their_length_whatever_their_digits():
    tokens = tokenize(text="Call 09061701461 or 08712460324 before 2026, not 42")
    assert {"digits:11", "digits:4"} <= set(tokens)
    assert "digits:2" not in tokens
    assert tokens.count("digits:11") == 1  # two phone numbers: one token, counted once


def test_the_scripts_of_the_text_and_its_length_are_tokens():
    tokens = tokenize(text="Дякую за переклад, very helpful 東京", url="https://seo.example/")
    assert {"script:cyrillic", "script:latin", "script:cjk"} <= set(tokens)
    assert "length:6" in tokens  # 32 to 63 characters
    assert "script:latin" not in tokenize(text="Дякую https://example.com/page")  # a link's letters
    assert "length:1" in tokenize(text="!") and "length:13" in tokenize(text="a" * 9000)


def test_cjk_runs_become_character_pairs():
    tokens = tokenize(text="東京タワー")
    assert {"東京", "京タ", "タワ", "ワー"} <= set(tokens)
    assert "東京タワー" not in tokens


def test_emoji_are_tokens():
    assert {"🎰", "💰"} <= set(tokenize(text="win big 🎰💰 now"))


def test_mixed_script_words_are_flagged_and_latin_next_to_cjk_is_split():
    tokens = set(tokenize(text="vіagra iPhone手机"))  # a Cyrillic "і" inside "viagra"
    assert {"vіagra", "script:mixed", "iphone", "手机"} <= tokens
    assert "script:mixed" not in tokenize(text="Привет, hello")


def test_links_name_and_email_give_prefixed_tokens():
    tokens = set(
        tokenize(
            text="see https://www.shop.spam.example/x?y=1",
            name="Best Casino",
            email="someone@Mail.RU",
            url="http://seo.example.org/",
        )
    )
    assert {"domain:shop.spam.example", "domain:spam.example", "domain:seo.example.org"} <= tokens
    assert {"name:best", "name:casino", "emaildomain:mail.ru", "website", "links:1"} <= tokens
    assert "https" not in tokens and "www" not in tokens
    assert "domain:" not in tokenize(text="broken link https:// here", url="http://")


# --- Training ------------------------------------------------------------------------------


def test_marking_spam_counts_the_comments_tokens_once(article, editor):
    comment = post(article, text="Cheap cheap replica sunglasses")
    actions.comment_mark_spam(comment, by=editor)
    actions.comment_mark_spam(comment, by=editor)
    assert counts("replica") == (1, 0) and counts("cheap") == (1, 0)
    assert counts(TOTALS) == (1, 0)
    assert trained_as(comment) == "spam"


def test_not_spam_after_spam_moves_the_counts(article, editor):
    comment = post(article, text="Replica of the treaty text, for reference")
    actions.comment_mark_spam(comment, by=editor)
    actions.comment_mark_ham(comment, by=editor)
    assert counts("replica") == (0, 1) and counts(TOTALS) == (0, 1)
    assert trained_as(comment) == "ham"


def test_approving_a_held_comment_trains_it_as_legitimate(article, editor):
    comment = post(article, text="Links https://a.example https://b.example https://c.example")
    assert CommentModeration.objects.get(comment=comment).status == "held"
    actions.comment_approve(comment, by=editor)
    assert counts("domain:a.example") == (0, 1)


def test_holding_removing_and_unreviewed_comments_teach_nothing(article, editor):
    held = post(article, text="Unreviewed words stay unknown")
    actions.comment_hold(held, by=editor)
    actions.comment_remove(post(article, text="Removed words stay unknown"), by=editor)
    assert not SpamToken.objects.exists()


def test_readers_reports_do_not_train_the_filter(article, settings, reader):
    settings.COMMENTS_REPORTS_TO_HOLD = 2
    comment = post(article, text="An unpopular opinion about the talks")
    actions.comment_report(comment=comment, user=reader)
    actions.comment_report(comment=comment, email="guest@example.org")
    assert CommentModeration.objects.get(comment=comment).status == "held"
    assert not SpamToken.objects.exists() and trained_as(comment) == ""


def test_retrain_uses_only_reviewed_comments_and_reset_forgets_everything(article, editor):
    reviewed = post(article, text="Replica sunglasses")
    actions.comment_mark_spam(reviewed, by=editor)
    post(article, text="Ceasefire unreviewed")
    SpamToken.objects.update(spam_count=99)  # a damaged model
    assert learned_retrain() == {"spam": 1, "ham": 0}
    assert counts("replica") == (1, 0) and counts("ceasefire") == (0, 0)
    learned_reset()
    assert not SpamToken.objects.exists() and trained_as(reviewed) == ""


# --- Scoring and the verdict ---------------------------------------------------------------


def test_scores_follow_the_evidence():
    model = {TOTALS: (10, 10), "replica": (9, 0), "cheap": (8, 1), "talks": (0, 9), "the": (5, 5)}
    model["ceasefire"] = (1, 8)
    assert score_tokens(["replica", "cheap", "the"], model).probability > 0.95
    assert score_tokens(["talks", "ceasefire", "the"], model).probability < 0.05
    # One token alone is Robinson's f(w): 9 comments, all spam → (0.5 + 9) / (1 + 9).
    assert score_tokens(["replica"], model).probability == pytest.approx(0.95)
    assert score_tokens(["the", "unknown"], model).probability == 0.5
    assert score_tokens(["replica"], {TOTALS: (0, 10), "replica": (9, 0)}).probability == 0.5


def test_the_verdict_says_nothing_before_the_minimum_of_each_label(article, trained, settings):
    spam_like = SPAM_TEXTS[0] + " again"
    assert learned_score(text=spam_like).probability > 0.95
    settings.COMMENTS_LEARNED_MIN_EACH = 21
    comment = post(article, email="new@spam.example", text=spam_like)
    # Held by the short-promotion rule only: the filter does not speak.
    assert CommentModeration.objects.get(comment=comment).checks == " off_topic_promotion "


def test_a_spammy_comment_is_spam_with_its_strongest_words_shown(article, trained):
    comment = post(article, email="new@spam.example", text=SPAM_TEXTS[2] + " again")
    record = CommentModeration.objects.get(comment=comment)
    assert record.status == "spam"
    learned = next(r for r in record.reasons if r["check"] == "learned")
    assert learned["detail"].startswith("learned filter: 1.00 spam; strongest words: ")
    assert "unlock" in learned["detail"] and "emaildomain:spam.example" in learned["detail"]


def test_shapes_among_the_strongest_words_read_as_words():
    described = [
        describe_token(token)
        for token in tokenize(text="FREE prize, call 09061701461 Дякую")
        if ":" in token and not token.startswith("links:")
    ]
    assert described == [
        "FREE",
        "11-digit number",
        "Cyrillic script",
        "Latin script",
        "32–63 characters",
    ]
    assert describe_token("script:cjk") == "CJK script"
    assert describe_token("length:13") == "4,096+ characters"
    assert describe_token("digits:12") == "number of 12 digits or more"
    assert describe_token("emaildomain:spam.example") == "emaildomain:spam.example"
    assert describe_token("script:mixed") == "script:mixed"


def test_the_uncertain_middle_is_held_and_legitimate_comments_pass(article, trained, settings):
    text = SPAM_TEXTS[1] + " " + HAM_TEXTS[0]
    probability = learned_score(text=text).probability
    settings.COMMENTS_LEARNED_HOLD_THRESHOLD = probability - 0.01
    settings.COMMENTS_LEARNED_SPAM_THRESHOLD = probability + 0.01
    held = post(article, email="mixed@example.net", text=text)
    assert CommentModeration.objects.get(comment=held).status == "held"
    fine = post(article, email="fine@example.net", text=HAM_TEXTS[2] + " Indeed.")
    assert CommentModeration.objects.get(comment=fine).status == "published"


# Spam words and legitimate ones mixed: the filter is unsure (README, "The learned filter").
UNSURE = "Grow your channel with our promotion, the statement contradicts"


def hold_just_below(fields, settings):
    """Thresholds around the score of a comment posted with `fields`: above the usual hold
    threshold, below the spam one."""
    score = learned_score(
        text=fields["text"], name="Rita Reader", email="b@example.net", url=fields.get("url", "")
    ).probability
    assert 0.5 < score < 0.99
    settings.COMMENTS_LEARNED_HOLD_THRESHOLD = score - 0.01
    settings.COMMENTS_LEARNED_SPAM_THRESHOLD = score + 0.01


def test_a_short_comment_that_sends_readers_nowhere_is_held_only_from_the_higher_threshold(
    article, trained, settings
):
    # Nothing to follow or write to: the filter's doubt alone does not hold it...
    hold_just_below({"text": UNSURE}, settings)
    settings.COMMENTS_LEARNED_HOLD_THRESHOLD_NO_LINK = 0.99
    # (Numbers of one digit are no token: both comments score the same.)
    published = post(article, email="a1@example.net", text=UNSURE + " (1)")
    assert CommentModeration.objects.get(comment=published).status == "published"
    assert published.is_public
    # ...unless it is sure enough: from COMMENTS_LEARNED_HOLD_THRESHOLD_NO_LINK on, held.
    settings.COMMENTS_LEARNED_HOLD_THRESHOLD_NO_LINK = settings.COMMENTS_LEARNED_HOLD_THRESHOLD
    held = post(article, email="a2@example.net", text=UNSURE + " (2)")
    record = CommentModeration.objects.get(comment=held)
    assert record.status == "held" and not held.is_public
    assert record.checks == " learned "


@pytest.mark.parametrize(
    "fields",
    [
        {"text": UNSURE + " https://growth.example/start"},
        {"text": UNSURE + " growth-channel.com"},
        {"text": UNSURE + ", write to grow@growth.example"},
        {"text": UNSURE, "url": "https://growth.example"},
        {"text": f"{UNSURE}. {UNSURE.upper()}! {UNSURE}?"},
    ],
    ids=["link", "domain", "email address", "website", "long"],
)
def test_a_comment_with_somewhere_to_go_or_many_words_is_held_from_the_usual_threshold(
    article, trained, settings, fields
):
    hold_just_below(fields, settings)
    settings.COMMENTS_LEARNED_HOLD_THRESHOLD_NO_LINK = 0.99
    comment = post(article, email="b@example.net", **fields)
    assert CommentModeration.objects.get(comment=comment).status == "held"


RUSSIAN_HAM = [
    "Полный текст заявления министерства опубликован, подробности там.",
    "Спасибо за перевод заявления, подробности министерства важны.",
    "Министерство опять ничего не объяснило, подробности скрывают.",
]


def test_a_trained_filter_clears_a_short_link_in_another_script_than_the_articles(
    article, trained, editor
):
    # The off-topic rule cannot compare a Russian comment with an English article; the
    # filter, taught by this site's editors that such comments are legitimate, can.
    for n in range(6):
        ham = post(article, email=f"r{n}@example.ru", text=f"{RUSSIAN_HAM[n % 3]} ({n})")
        actions.comment_approve(ham, by=editor)
    text = "Полный текст заявления министерства здесь: https://mid.example/news — подробности там."
    comment = post(article, email="dmitry@example.ru", text=text)
    assert comment.is_public, comment.moderation.reasons
    assert comment.moderation.reasons == []


def test_a_short_link_in_another_script_that_the_filter_does_not_know_stays_held(article, trained):
    comment = post(article, text="Отличная статья, заходите на www.kupi-divan.ru")
    assert comment.moderation.status == "held"
    assert [r["check"] for r in comment.moderation.reasons] == ["off_topic_promotion"]
    assert "script the article does not use" in comment.moderation.reasons[0]["detail"]


# A reader's legitimate comment citing two sources: the links rule holds it until the
# filter, trained by this site's editors, can tell that it reads like their approved ones.
TWO_SOURCES = (
    "The minister's statement contradicts what was said last week about the talks: "
    "https://ministry.example/statement and https://agency.example/transcript"
)


def test_a_trained_filter_lifts_the_links_hold_on_a_legitimate_looking_comment(article, trained):
    comment = post(article, email="reader@example.net", text=TWO_SOURCES)
    assert comment.is_public, comment.moderation.reasons
    assert comment.moderation.reasons == []


def test_an_untrained_filter_leaves_a_comment_with_two_links_held(article):
    comment = post(article, email="reader@example.net", text=TWO_SOURCES)
    assert comment.moderation.status == "held"
    assert "links" in [r["check"] for r in comment.moderation.reasons]


def test_below_its_minimum_evidence_the_filter_lifts_no_hold(article, trained, settings):
    settings.COMMENTS_LEARNED_MIN_EACH = 21
    comment = post(article, email="reader@example.net", text=TWO_SOURCES)
    assert comment.moderation.status == "held"


def test_a_ham_threshold_of_zero_turns_the_lifting_off(article, trained, settings):
    settings.COMMENTS_LEARNED_HAM_THRESHOLD = 0.0
    comment = post(article, email="reader@example.net", text=TWO_SOURCES)
    assert comment.moderation.status == "held"


def test_a_short_comment_promoting_its_website_stays_held_however_legitimate_its_text(
    article, trained
):
    # Stock praise in front of a website is written to read like approved comments.
    text = "Thank you for translating this, the original interview was hard to follow."
    assert learned_score(text=text).probability < 0.2
    comment = post(article, email="reader@example.net", url="https://shop.example", text=text)
    assert comment.moderation.status == "held"
    assert [r["check"] for r in comment.moderation.reasons] == ["off_topic_promotion"]


def test_the_trained_filter_never_lifts_a_spam_verdict_nor_a_blocklist_hold(article, trained):
    BlocklistEntry.objects.create(kind="word", value="transcript", action="spam")
    spam = post(article, email="reader@example.net", text=TWO_SOURCES)
    assert spam.moderation.status == "spam"
    BlocklistEntry.objects.create(kind="domain", value="agency.example", action="hold")
    BlocklistEntry.objects.filter(action="spam").delete()
    held = post(article, email="other@example.net", text=TWO_SOURCES + " (again)")
    assert held.moderation.status == "held"
    assert [r["check"] for r in held.moderation.reasons] == ["moderation_list"]


def test_akismet_stays_authoritative_when_it_answers(article, trained, settings, monkeypatch):
    from comments.moderation import pipeline

    settings.AKISMET_API_KEY = "key"
    monkeypatch.setattr(pipeline, "check_akismet", lambda submission: None)  # "not spam"
    comment = post(article, email="new@spam.example", text=SPAM_TEXTS[2] + " again")
    # Held by the short-promotion rule only: the filter is not asked.
    assert CommentModeration.objects.get(comment=comment).checks == " off_topic_promotion "


# --- Export and import ---------------------------------------------------------------------


def test_export_then_import_restores_the_same_model(article, trained):
    exported = learned_export()
    before = learned_score(text=SPAM_TEXTS[3]).probability
    learned_reset()
    assert learned_import(exported) == len(exported["tokens"])
    assert learned_export() == exported
    assert learned_score(text=SPAM_TEXTS[3]).probability == before


@pytest.mark.parametrize(
    "data, message",
    [
        ([], "not an export"),
        ({"format": "wirepress-learned-spam-filter", "version": 2}, "unknown version"),
        (
            {"format": "wirepress-learned-spam-filter", "version": 1, "tokens": {}},
            "spam: expected a count",
        ),
        (
            {
                "format": "wirepress-learned-spam-filter",
                "version": 1,
                "spam_comments": 1,
                "ham_comments": 1,
                "tokens": {"casino": [1, -1]},
            },
            "token 'casino'",
        ),
    ],
)
def test_a_bad_import_says_why_and_keeps_the_model(article, editor, data, message):
    actions.comment_mark_spam(post(article, text="Replica sunglasses"), by=editor)
    with pytest.raises(ValueError, match=message):
        learned_import(data)
    assert counts("replica") == (1, 0)


# --- Integration: the admin ----------------------------------------------------------------


def test_an_admin_mark_as_spam_changes_the_next_verdict_on_a_similar_comment(
    client, article, editor, settings
):
    settings.COMMENTS_LEARNED_MIN_EACH = 1
    actions.comment_approve(post(article, text=HAM_TEXTS[0]), by=editor)
    # Long enough for the short-promotion rule to leave it to the filter.
    pitch = (
        "Earn crypto daily with our trading signals: members doubled their savings within a "
        "month, and anyone can start with a small deposit, join https://signals.example/vip"
    )
    first = post(article, email="a@signals.example", text=pitch)
    assert CommentModeration.objects.get(comment=first).status == "published"

    client.force_login(editor)
    data = {"action": "mark_spam", ACTION_CHECKBOX_NAME: [first.pk]}
    assert client.post(CHANGELIST, data, follow=True).status_code == 200

    second = post(article, email="b@signals.example", text=pitch.replace("daily", "weekly"))
    record = CommentModeration.objects.get(comment=second)
    # One example of each label is enough for a near copy: the filter, silent before, says spam.
    assert record.status == "spam" and record.checks == " learned "


def test_the_desks_spam_button_trains_the_filter(client, article, editor):
    comment = post(article, text="Replica sunglasses for sale")
    client.force_login(editor)
    client.post(f"{CHANGELIST}{comment.pk}/desk/spam/")
    assert counts("replica") == (1, 0) and trained_as(comment) == "spam"
