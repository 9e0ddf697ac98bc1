"""Autosaves: the change form's content as an editor types it (static/js/autosave.js posts it
every half minute). Each editor has their own per story, so two editors never overwrite each
other's; a recent one by someone else means they are editing the story right now."""

from django.utils import timezone

from blog.models import Article, ArticleAutosave

# The form fields an autosave keeps: what an editor types.
AUTOSAVED_FIELDS = (
    "title",
    "slug",
    "standfirst",
    "body",
    "original_url",
    "original_byline",
    "copyright_line",
    "photo_url",
    "photo_alt",
    "photo_caption",
    "photo_credit",
)
MAX_FIELD_LENGTH = 200_000
# Someone whose last autosave is this recent is taken to be still editing.
EDITING_WINDOW = timezone.timedelta(minutes=3)


def autosave_store(*, user, article: Article | None, data) -> ArticleAutosave:
    """Keep the typed content of `article` (None: a story not saved yet) for `user`."""
    content = {
        name: str(data.get(name, ""))[:MAX_FIELD_LENGTH]
        for name in AUTOSAVED_FIELDS
        if name in data
    }
    autosave, _ = ArticleAutosave.objects.update_or_create(
        user=user, article=article, defaults={"content": content, "saved_at": timezone.now()}
    )
    return autosave


def autosave_discard(*, user, article: Article | None) -> None:
    """Forget `user`'s autosave once the story is saved for real."""
    ArticleAutosave.objects.filter(user=user, article=article).delete()


def autosave_to_offer(*, user, article: Article | None) -> ArticleAutosave | None:
    """`user`'s autosave when it is newer than the article as saved (any, for a new story)."""
    autosave = ArticleAutosave.objects.filter(user=user, article=article).first()
    if autosave is None:
        return None
    if article is not None and autosave.saved_at <= article.updated_at:
        return None
    return autosave


def editors_of(*, article: Article, user) -> list[str]:
    """The names of the others who autosaved `article` in the last few minutes."""
    recent = (
        ArticleAutosave.objects.filter(
            article=article, saved_at__gte=timezone.now() - EDITING_WINDOW
        )
        .exclude(user=user)
        .select_related("user")
        .order_by("-saved_at")
    )
    return [autosave.user.get_full_name() or autosave.user.get_username() for autosave in recent]
