"""The reference page"s discussion: four comments, one reply, and their like counts.

The texts are real reader comments as published on the reference page; keep them as is.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

DISCUSSION = [
    {
        "name": "Sheldon",
        "email": "sheldon@example.org",
        "submitted": "2021-10-21T15:02:00",
        "reply_to": None,  # index in this list
        "likes": 3,
        "text": (
            "Stoltenberg is the worse Secretary General in Nato history. An ex (?) Marxist "
            "who achieved precisely nothing in his political career who presides over an "
            "organisation that is swamped with arseholes who hate Ukraine and suck up to the "
            "tiny poisoner."
        ),
    },
    {
        "name": "foccusser",
        "email": "foccusser@example.org",
        "submitted": "2021-10-21T15:40:00",
        "reply_to": None,  # index in this list
        "likes": 5,
        "text": (
            "“But NATO policy remains consistent and we remain open to dialogue, including "
            "through the NATO-Russia Council.”\n"
            "\n"
            "This is the problem, dialogue with terrorists never works, only a big stick. "
            "You would think after all these years NATO would realise that. As for "
            "Stoltenberg, how the hell did he get elected to head of NATO?\n"
            "\n"
            "“Stoltenberg participated in protest rallies against the U.S. war in Vietnam in "
            "the 1970s. In 2011, Stoltenberg said “We sang the chorus, ‘Singing Norway, "
            "Norway out of Nato.’ It was a hit.”\n"
            "\n"
            "Luckily his term is over soon, and a new head of NATO will be elected, one of "
            "the names touted would have my vote straight away. Dalia Grybauskaitė. She is "
            "probably too anti Russian for the jellyfish under Putin’s pay, so no doubt some "
            "other weak kneed asshole will get elected."
        ),
    },
    {
        "name": "Stella Kyiv",
        "email": "stella@example.org",
        "submitted": "2021-10-21T16:18:00",
        "reply_to": 1,  # index in this list
        "likes": 3,
        "text": (
            "…and Norway is still in NATO 🙂 I guess he needed to sing a little louder.\n"
            "Besides that, wth is there to negotiate? I know I’ve asked that a hundred times "
            "but get real Stoltenberg, RuSSia isn’t buying a house or a pile of diamonds, "
            "there’s literally nothing to negotiate. Putin invaded, Putin must leave. "
            "Nothing less would be acceptable in Ukraine."
        ),
    },
    {
        "name": "Mark Hunter",
        "email": "mark.hunter@example.org",
        "submitted": "2021-10-21T17:05:00",
        "reply_to": None,  # index in this list
        "likes": 3,
        "text": (
            "They never were above the bottom to begin with. RuSSia organized the islamist "
            "assault on Europe, and all the fake refugees should have been diverted back to "
            "Muscovy. Belarus does not border any islamic countries, thus all the scum is "
            "coming through RuSSia. Yet the EU sanctions Luka instead of RuSSia."
        ),
    },
    {
        "name": "Jan de Vries",
        "email": "jan@example.org",
        "submitted": "2021-10-21T19:47:00",
        "reply_to": None,  # index in this list
        "likes": 4,
        "text": (
            "Unfortunately, the relationship between the marshmallow organization NATO and "
            "the crime syndicate was stopped by the crime syndicate. The marshmallows in "
            "NATO are far too yellow-bellied to throw this trash country out. All this "
            "leaves quite a bitter taste in the mouth."
        ),
    },
]

DEMO_LIKERS = [f"demo-reader-{n}" for n in range(1, 6)]


@transaction.atomic
def load_demo_discussion(article) -> int:
    """Create the reference discussion under `article` unless it has comments already.
    Returns the number of comments the article has."""
    content_type = ContentType.objects.get_for_model(article)
    existing = XtdComment.objects.filter(content_type=content_type, object_pk=str(article.pk))
    if existing.exists():
        return existing.count()

    User = get_user_model()
    likers = []
    for username in DEMO_LIKERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        likers.append(user)

    created_comments = []
    for entry in DISCUSSION:
        parent = created_comments[entry["reply_to"]] if entry["reply_to"] is not None else None
        comment = XtdComment(
            content_type=content_type,
            object_pk=str(article.pk),
            site_id=1,
            user_name=entry["name"],
            user_email=entry["email"],
            comment=entry["text"],
            submit_date=datetime.datetime.fromisoformat(entry["submitted"]).replace(
                tzinfo=datetime.UTC
            ),
            parent_id=parent.pk if parent else 0,
            is_public=True,
        )
        comment.save()
        CommentFlag.objects.bulk_create(
            CommentFlag(
                comment=comment, user=user, flag=LIKEDIT_FLAG, flag_date=comment.submit_date
            )
            for user in likers[: entry["likes"]]
        )
        created_comments.append(comment)
    return len(created_comments)
