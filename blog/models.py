"""Publishing: wire agencies (sources), articles with their attribution, categories, tags,
the media library, autosaves and redirects.

A little over 400 lines: every model of the app stays in the module its migrations expect
(one app label); each is short, and the code that uses them lives by concern
(docs/architecture.md)."""

import re
from html import unescape
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from blog.fields import LibraryPictureField
from blog.sanitize import sanitize_article_html

# An adult reads a news story at about this speed (the figure most reading-time widgets use).
READING_WORDS_PER_MINUTE = 230
# Word counting: block tags separate words, inline ones (<strong>, <a>) do not. The editor
# counts the same way (static/js/editor_word_count.js).
_BLOCK_TAG = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|blockquote|figure|figcaption|pre|table|tr|td|th|dl|dt|dd|hr|br|img)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")


class Source(models.Model):
    """A wire agency whose stories are republished (UNIAN, Reuters, AP...)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    homepage = models.URLField(blank=True)
    copyright_notice = models.CharField(
        "attribution template",
        max_length=200,
        blank=True,
        help_text="Default copyright line for its stories; {year} is replaced by the year "
        "of publication, e.g. “(C)UNIAN {year}”.",
    )
    licence_note = models.TextField(
        blank=True, help_text="The terms under which its stories are republished (editors only)."
    )
    canonical_required = models.BooleanField(
        "link canonically to the original",
        default=False,
        help_text="The licence asks for rel=canonical to point at the agency's original.",
    )

    # Wire import (blog/wire.py)
    default_category = models.ForeignKey(
        "Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Filed under this category when imported from the agency's feeds.",
    )
    publish_on_import = models.BooleanField(
        "publish imported stories at once",
        default=False,
        help_text="Off: stories from its feeds arrive as drafts for an editor to review.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:source", args=[self.slug])

    def copyright_for(self, year: int) -> str:
        return self.copyright_notice.replace("{year}", str(year))


class SourceFeedQuerySet(models.QuerySet):
    def due(self, now=None):
        """Active feeds whose check interval has elapsed (or that were never checked)."""
        now = now or timezone.now()
        return self.filter(is_active=True).filter(
            models.Q(next_check_at__isnull=True) | models.Q(next_check_at__lte=now)
        )


class SourceFeed(models.Model):
    """An RSS or Atom feed of a source, imported by `manage.py import_wire`."""

    class Outcome(models.TextChoices):
        OK = "ok", "Imported"
        NOT_MODIFIED = "not_modified", "Not modified"
        FAILED = "failed", "Failed"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField("feed address", max_length=500)
    is_active = models.BooleanField("active", default=True)
    interval_minutes = models.PositiveIntegerField(
        "check every (minutes)",
        default=30,
        validators=[MinValueValidator(1)],
        help_text="How often `import_wire --due` looks at this feed.",
    )

    # Conditional GET: the validators the agency's server sent with the last full answer.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)

    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    last_outcome = models.CharField(max_length=20, choices=Outcome, blank=True, editable=False)
    last_message = models.CharField(max_length=500, blank=True, editable=False)

    objects = SourceFeedQuerySet.as_manager()

    class Meta:
        ordering = ["source__name", "url"]
        verbose_name = "feed"
        constraints = [
            models.UniqueConstraint(fields=["source", "url"], name="unique_feed_per_source")
        ]

    def __str__(self):
        return self.url


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    # The hierarchy a WordPress import brings along (blog/wordpress/); pages stay flat.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category", args=[self.slug])


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles a reader may see: published, with a publication time not in the future."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        return self.select_related("source").order_by("-published_at", "-pk")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending review"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    standfirst = models.TextField(blank=True, help_text="The line under the title.")
    body = models.TextField(
        blank=True, help_text="HTML. Scripts, styles and unknown markup are removed on save."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        db_index=True,
        help_text="Published articles with a time in the future are scheduled: readers see "
        "them from that time on.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="The editor who republished it.",
    )
    # Why an editor sent the story back to its author (blog/workflow.py); cleared on submit.
    review_note = models.TextField(blank=True, editable=False)

    # Attribution
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    original_url = models.URLField("original article", max_length=500, blank=True)
    original_byline = models.CharField(max_length=200, blank=True)
    copyright_line = models.CharField(
        max_length=200, blank=True, help_text="Left blank, the source's notice is used."
    )

    # Featured photo: from the media library, or the agency's copy (photo_url, with the
    # caption and credit the feed gave) when the site does not download photos.
    featured_image = models.ForeignKey(
        "Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="featured_in",
        verbose_name="featured photo",
        help_text="From the media library: its description, caption and credit go with it.",
    )
    photo_alt = models.CharField(
        "agency photo description",
        max_length=300,
        blank=True,
        help_text="Alt text of the agency's photo.",
    )
    photo_caption = models.CharField("agency photo caption", max_length=500, blank=True)
    photo_credit = models.CharField(
        "agency photo credit", max_length=200, blank=True, help_text="e.g. “Reuters”."
    )
    photo_url = models.URLField(
        "agency photo address",
        max_length=500,
        blank=True,
        help_text="An image hosted by the agency, shown when there is no featured photo.",
    )

    categories = models.ManyToManyField(Category, blank=True, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")

    # Wire provenance (blog/wire.py): the agency's item ID, the story as last imported (to
    # tell an editor's edits from the agency's), and an agency update held for review.
    wire_guid = models.CharField("wire item ID", max_length=500, blank=True, editable=False)
    wire_snapshot = models.JSONField(null=True, blank=True, editable=False)
    wire_update = models.JSONField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When subscribers were emailed about it (or it was found too old to announce).
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Denormalized count of ArticleLike rows, kept by blog.services.article_like_toggle,
    # so lists and the "N bloggers like this" line never count rows.
    like_count = models.PositiveIntegerField(default=0, editable=False)
    # PostgreSQL only: the full-text document (title, standfirst, body, source name), kept
    # by a database trigger on every write and GIN-indexed (migration 0003). Always empty
    # on SQLite, whose search does not need it.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"])]
        # The newsroom roles (blog/workflow.py) are groups holding these.
        permissions = [
            ("publish_article", "Can publish and schedule own articles"),
            ("edit_any_article", "Can edit, publish and schedule anyone's articles"),
            ("import_wire", "Can import wire stories"),
        ]
        constraints = [
            # One article per agency item, even when two imports run at once.
            models.UniqueConstraint(
                fields=["source", "wire_guid"],
                condition=~models.Q(wire_guid=""),
                name="unique_wire_item_per_source",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Sanitizing here, not in a form, keeps every path (admin, import, shell) safe.
        self.body = sanitize_article_html(self.body)
        if not self.slug:
            self.slug = slugify(self.title)[:200]
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if not self.copyright_line and self.source_id and self.source.copyright_notice:
            year = (self.published_at or timezone.now()).year
            self.copyright_line = self.source.copyright_for(year)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        date = timezone.localtime(self.published_at or self.created_at or timezone.now())
        return reverse(
            "blog:article",
            kwargs={"year": date.year, "month": date.month, "day": date.day, "slug": self.slug},
        )

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def word_count(self) -> int:
        return len(unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", self.body))).split())

    @property
    def reading_minutes(self) -> int:
        """Minutes a reader needs for the body (at least 1); the editor counts the same way."""
        return max(1, round(self.word_count / READING_WORDS_PER_MINUTE))

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_public

    @property
    def canonical_url(self) -> str:
        """The original's URL when the source's licence asks for a canonical link."""
        if self.source and self.source.canonical_required and self.original_url:
            return self.original_url
        return ""


class ArticleLike(models.Model):
    """A signed-in reader's "Like" on an article (the WordPress.com "Like this:" button)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_likes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="one_like_per_reader")
        ]
        indexes = [models.Index(fields=["article", "-created_at"])]

    def __str__(self):
        return f"{self.user} likes {self.article}"


class ArticleAutosave(models.Model):
    """The change form's content as an editor was typing it, saved every half minute by
    static/js/autosave.js: one per article and editor (and one per editor for a story
    not saved yet). Not a revision, never shown to readers."""

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_autosaves"
    )
    content = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"],
                condition=models.Q(article__isnull=False),
                name="one_autosave_per_article_and_editor",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(article__isnull=True),
                name="one_new_story_autosave_per_editor",
            ),
        ]

    def __str__(self):
        return f"{self.user} on {self.article or 'a new story'}"


class Redirect(models.Model):
    """An old address answered with a 301 to the new one (blog/redirects.py): kept when a
    published story's address changes, or entered by hand (and by importers)."""

    old_path = models.CharField(
        max_length=500, unique=True, help_text="e.g. /2025/01/31/old-slug/ (no domain)."
    )
    new_path = models.CharField(max_length=500, help_text="A path on this site, or a full URL.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"


class Image(models.Model):
    """A photo of the media library: the featured photo of articles and the images in their
    bodies. Checked and cleaned on upload (blog.media.image_upload_clean); its renditions
    are made by the tasks worker."""

    file = LibraryPictureField(
        "image", upload_to="images/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    alt = models.CharField(
        "description",
        max_length=300,
        blank=True,
        help_text="Alt text for readers who cannot see it; required to publish a story with it.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(max_length=200, blank=True, help_text="e.g. “Reuters”.")
    source_note = models.TextField(
        "source and licence",
        blank=True,
        help_text="Where it comes from and on what terms (editors only).",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    # The file name whose renditions the worker made: pages use renditions only when it is
    # the current file's (until then, the original with its width and height).
    renditions_of = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.alt or self.caption or PurePosixPath(self.file.name).name


class ImportedItem(models.Model):
    """What an import made of another system's object (a WordPress post, term, author or
    comment; a Disqus post): the key that makes importing the same file again change nothing.
    `fingerprint` is a hash of the object as last imported: a newer export with a different
    one updates the object, unless it was edited here since."""

    class Kind(models.TextChoices):
        AUTHOR = "author"
        CATEGORY = "category"
        TAG = "tag"
        POST = "post"
        COMMENT = "comment"

    # "wordpress:<the site's address>" or "disqus:<forum>": two sites' IDs never collide.
    origin = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind)
    external_id = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    fingerprint = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "kind", "external_id"], name="unique_imported_item"
            )
        ]

    def __str__(self):
        return f"{self.origin} {self.kind} {self.external_id} → {self.object_id}"
