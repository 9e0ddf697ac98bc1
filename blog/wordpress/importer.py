"""Writing a WordPress export into this site: authors → staff accounts, categories (with
their parents) and tags, posts → articles, comments → threaded discussion with moderation
states, and the old permalinks → redirects.

One transaction per file: an export that turns out to be truncated or malformed half-way
rolls back everything it had written, and a dry run is the same import rolled back at the
end, so its summary is exactly what the real run will do. Every object made is keyed by its
WordPress ID (`ImportedItem`): the same file again changes nothing, a newer export adds
what is new and updates what changed in WordPress, unless it was edited here since.

Longer than the ~400 lines modules keep to: its parts (authors, terms, posts, comments,
redirects) read and fill one importer's maps of WordPress IDs, which a split would pass
around between modules.
"""

import contextlib
import hashlib
import ipaddress
import os
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_comments_xtd.models import XtdComment

from blog.models import Article, Category, ImportedItem, Redirect, Tag
from blog.pagecache import COMMENTS, SITE, page_generation_bump
from blog.redirects import redirect_add
from blog.sanitize import sanitize_article_html
from blog.validators import storable
from blog.wordpress.bulk import comments_create, comments_threads_write
from blog.wordpress.export import PHOTO_ALT_META, PHOTO_CAPTION_META, PHOTO_META
from blog.wordpress.markup import comment_text, plain_text, wordpress_html
from blog.wordpress.media import GALLERY, IMAGE_PATH, Attachment, MediaFiles, gallery_html
from blog.wordpress.parse import Author, Comment, Post, Site, Term, parse_date, wxr_read
from comments.discussion.services import threads_repair
from comments.models import CommentModeration
from comments.moderation.learned import HAM, SPAM, learned_train, learned_train_new

_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\s*")
KINDS = ("authors", "categories", "tags", "posts", "comments", "redirects", "attachments")
OUTCOMES = ("created", "updated", "skipped", "failed")

STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # scheduled: published_at is in the future
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.PENDING,
    "private": Article.Status.DRAFT,  # readers here cannot see a private post either
}
COMMENT_STATES = {
    "1": CommentModeration.Status.PUBLISHED,
    "approve": CommentModeration.Status.PUBLISHED,
    "0": CommentModeration.Status.HELD,
    "hold": CommentModeration.Status.HELD,
    "spam": CommentModeration.Status.SPAM,
    "trash": CommentModeration.Status.REMOVED,
    "post-trashed": CommentModeration.Status.REMOVED,
}
COMMENT_FIELDS = ["thread_id", "parent_id", "level", "order", "nested_count"]
# Comments written together (those of one post, or of several small ones): a few
# statements a batch. Memory holds one batch.
COMMENT_BATCH = 2000
PROGRESS_SECONDS = 1.0


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _links_add(through, article, name: str, targets) -> None:
    """A new article's categories or tags (no m2m signal: nothing here listens to one)."""
    targets = list(dict.fromkeys(targets))
    if targets:
        through.objects.bulk_create([through(article=article, **{name: t}) for t in targets])


@dataclass
class _ThreadPlan:
    """One post's new comments, in parents-first order: (comment, row, the WordPress ID of
    the comment it answers or ""), and what their thread pointers are made of."""

    article: Article
    repair: bool  # the discussion had comments: placed by threads_repair once written
    created: list = field(default_factory=list)
    pks: dict = field(default_factory=dict)  # WordPress ID → comment pk, old and new
    outside: set = field(default_factory=set)  # pks of earlier imports' comments answered

    def pointers_set(self, threads: dict) -> None:
        """Once the rows have their keys: xtd's `parent_id` and `thread_id` (a thread's
        first comment is its own parent and names the thread), as `XtdComment.save` sets
        them. `threads`: the thread of each comment in `outside`."""
        rows = {}
        for comment, row, parent in self.created:
            self.pks[comment.id] = row.pk
            rows[comment.id] = row
            if not parent:
                row.parent_id = row.thread_id = row.pk
                continue
            row.parent_id = self.pks[parent]
            if parent in rows:
                row.thread_id = rows[parent].thread_id
            elif row.parent_id in threads:
                row.thread_id = threads[row.parent_id]
            else:  # it answers a comment deleted here since: a thread of its own
                row.parent_id = row.thread_id = row.pk
                self.repair = True


@dataclass
class ImportSummary:
    """What an import did (or, dry, would do): per kind, how many objects were created,
    updated, skipped or failed, with the reasons; and notes for the editor."""

    dry_run: bool = False
    kinds: tuple = KINDS
    counts: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)
    notes: Counter = field(default_factory=Counter)

    def __post_init__(self):
        for kind in self.kinds:
            self.counts.setdefault(kind, Counter())
            self.reasons.setdefault(kind, Counter())

    def add(self, kind: str, outcome: str, reason: str = "", count: int = 1) -> None:
        self.counts[kind][outcome] += count
        if reason:
            self.reasons[kind][f"{outcome}: {reason}"] += count

    def rows(self) -> list[dict]:
        return [
            {
                "kind": kind,
                **{outcome: self.counts[kind][outcome] for outcome in OUTCOMES},
                "reasons": [f"{reason} ({n})" for reason, n in self.reasons[kind].most_common()],
            }
            for kind in self.kinds
        ]

    def to_dict(self) -> dict:
        """As JSON can hold it (the admin's import task hands it to the progress page)."""
        return {
            "dry_run": self.dry_run,
            "kinds": list(self.kinds),
            "counts": {kind: dict(counter) for kind, counter in self.counts.items()},
            "reasons": {kind: dict(counter) for kind, counter in self.reasons.items()},
            "notes": dict(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportSummary":
        return cls(
            dry_run=data["dry_run"],
            kinds=tuple(data["kinds"]),
            counts={kind: Counter(counts) for kind, counts in data["counts"].items()},
            reasons={kind: Counter(reasons) for kind, reasons in data["reasons"].items()},
            notes=Counter(data["notes"]),
        )

    def note_lines(self) -> list[str]:
        return [f"{note} ({n})" for note, n in self.notes.most_common()]

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def table(self) -> str:
        lines = [f"{'':<12}{'created':>9}{'updated':>9}{'skipped':>9}{'failed':>9}"]
        for row in self.rows():
            numbers = "".join(f"{row[outcome]:>9}" for outcome in OUTCOMES)
            lines.append(f"{row['kind']:<12}{numbers}")
            lines.extend(f"    {reason}" for reason in row["reasons"])
        lines.extend(f"note: {note}" for note in self.note_lines())
        if self.dry_run:
            lines.append("Dry run: nothing was saved.")
        return "\n".join(lines)


def _fingerprint(*parts) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _clean(text: str) -> str:
    """Text the database can store: no NUL (nothing else WordPress writes is refused)."""
    return text if storable(text) else text.replace("\x00", "")


def _email(value: str) -> str:
    try:
        EmailValidator()(value)
    except ValidationError:
        return ""
    return value[:254]


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def read_author_map(lines) -> dict[str, str]:
    """The `--author-map` CSV: `wordpress_login,user` rows (user: a username or an email
    address of an account here); a header row naming `wordpress_login` is skipped."""
    import csv

    mapping = {}
    for row in csv.reader(lines):
        if len(row) < 2 or not row[0].strip() or row[0].strip().lower() == "wordpress_login":
            continue
        mapping[row[0].strip()] = row[1].strip()
    return mapping


class WordPressImporter:
    def __init__(
        self, *, summary, author_map, media, pingbacks, editor, time_zone, teach_approved=False
    ):
        self.summary = summary
        self.dry_run = summary.dry_run
        self.author_map = author_map or {}
        self.media = media
        self.pingbacks = pingbacks
        self.editor = editor
        self.teach_approved = teach_approved
        self.tz = ZoneInfo(time_zone or settings.TIME_ZONE)
        self.origin = "wordpress:"
        self.prefix = ""
        self.users: dict[str, object] = {}  # login → user
        self.users_by_wp_id: dict[str, object] = {}
        self.categories: dict[str, Category] = {}  # WordPress slug → category
        self.category_parents: list[tuple[Category, str, str]] = []
        self.tags: dict[str, Tag] = {}
        self.attachments: dict[str, Attachment] = {}  # WordPress ID → its file
        self.featured: dict[int, str] = {}  # article pk → attachment id
        self.galleries: dict[int, str] = {}  # article pk → post ID, for `[gallery]`
        self.with_uploads: set[int] = set()  # article pks whose bodies show old uploads
        self.media_files = MediaFiles(editor=editor, dry_run=self.dry_run, notes=summary.notes)
        self.content_type = ContentType.objects.get_for_model(Article)
        self.max_level = getattr(settings, "COMMENTS_XTD_MAX_THREAD_LEVEL", 0) or 0
        self.now = timezone.now()
        self.comments_queued: list[tuple[list[Comment], Article]] = []
        self.comments_queued_count = 0
        self.comments_written = False

    # --- dispatch ----------------------------------------------------------------------

    def take(self, value) -> None:
        if isinstance(value, Site):
            self.site_start(value)
        elif isinstance(value, Author):
            self.author_import(value)
        elif isinstance(value, Term):
            self.term_import(value)
        elif isinstance(value, Post):
            self.post_import(value)

    def finish(self) -> None:
        self.comments_flush()
        if self.comments_written:
            # The comments were written without signals: their pages change once, here.
            page_generation_bump(SITE, COMMENTS)
        self._category_parents_resolve()
        self._galleries_convert()
        for article_pk, attachment_id in self.featured.items():
            if attachment_id not in self.attachments:
                continue
            item = self.attachments[attachment_id]
            if self.media == "download" and self._photo_download(article_pk, item):
                continue
            Article.objects.filter(pk=article_pk, featured_image=None).update(
                photo_url=item.url[:500], photo_alt=item.alt[:300], photo_caption=item.caption[:500]
            )
        if self.media == "download":
            self._bodies_media_download()
            self._attachments_download()

    def _galleries_convert(self) -> None:
        """`[gallery]` shortcodes, once every attachment of the file is known. Written with
        update(): the story is as imported (its `updated_at` says no editor touched it)."""
        for article_pk, post_id in self.galleries.items():
            body = Article.objects.filter(pk=article_pk).values_list("body", flat=True).first()
            converted = GALLERY.sub(
                lambda m, post_id=post_id: gallery_html(m, self.attachments, post_id), body
            )
            left = len(GALLERY.findall(converted))
            if left:
                self.summary.notes["[gallery] left as text (its images are not in the export)"] += (
                    left
                )
            if converted != body:
                converted = _EMPTY_PARAGRAPH.sub("", sanitize_article_html(converted))
                Article.objects.filter(pk=article_pk).update(body=converted)
                self.summary.notes["[gallery] shown as a figure of its images"] += 1
                if self.media == "download":
                    self.with_uploads.add(article_pk)
        self.galleries = {}

    def _bodies_media_download(self) -> None:
        """Every image of the old site's uploads shown or linked in the bodies, into the
        media library; the bodies point at the library's copies."""
        alts = {item.url: item.alt for item in self.attachments.values()}
        for article_pk in sorted(self.with_uploads):
            body = Article.objects.filter(pk=article_pk).values_list("body", flat=True).first()
            rewritten = self.media_files.body_rewrite(body or "", alts)
            if rewritten != body:
                # Sanitized again: a link to the library's copy is no longer external.
                rewritten = _EMPTY_PARAGRAPH.sub("", sanitize_article_html(rewritten))
                Article.objects.filter(pk=article_pk).update(body=rewritten)
        self.with_uploads = set()

    def _attachments_download(self) -> None:
        """Every other image attachment of the export into the media library too (as
        WordPress's own importer takes every attachment), with its alt text and caption;
        those already had as a featured or body image are not fetched again. An attachment
        that is not an image (a PDF) stays out of the library: skipped, with the reason."""
        featured = set(self.featured.values())
        for attachment_id, item in self.attachments.items():
            if not IMAGE_PATH.search(urlsplit(item.url).path):
                self.summary.add(
                    "attachments", "skipped", "not an image, kept out of the media library"
                )
            elif self.dry_run:
                if attachment_id not in featured and item.url not in self.media_files.found:
                    self.summary.notes["attachment to download"] += 1
            else:
                self.media_files.image(
                    item.url, alt=item.alt, caption=item.caption, what="attachment"
                )

    def _photo_download(self, article_pk: int, item: Attachment) -> bool:
        """Put a featured image into the media library (the wire import's fetcher: no
        private addresses, deadlines, size cap) and point the article and the body's
        <img> of the same file at it. False when it cannot be had (its address is kept)."""
        if self.dry_run:
            self.summary.notes["featured image to download"] += 1
            return True
        image = self.media_files.image(
            item.url, alt=item.alt, caption=item.caption, what="featured image"
        )
        if image is None:
            return False
        article = Article.objects.get(pk=article_pk)
        article.featured_image = image
        article.body = article.body.replace(
            f'src="{escape(item.url)}"', f'src="{image.file.url}" data-file="{image.pk}"'
        )
        article.save(update_fields=["featured_image", "body", "updated_at"])
        ImportedItem.objects.filter(
            origin=self.origin, kind=ImportedItem.Kind.POST, object_id=article_pk
        ).update(imported_at=timezone.now())
        return True

    def site_start(self, site: Site) -> None:
        address = (site.base_blog_url or site.link or site.base_site_url).rstrip("/")
        self.origin = f"wordpress:{address}"[:300]
        # A blog in a folder (example.com/blog/) had its permalinks under that folder.
        self.prefix = urlsplit(address).path.rstrip("/")
        for url in (site.base_site_url, site.base_blog_url, site.link):
            if urlsplit(url).netloc:
                self.media_files.hosts.add(urlsplit(url).netloc)

    def _link(self, kind: str, external_id: str):
        return ImportedItem.objects.filter(
            origin=self.origin, kind=kind, external_id=external_id
        ).first()

    def _link_save(self, link, *, kind, external_id, object_id, fingerprint="") -> None:
        # After the object's save: a later edit here is one with a later `updated_at`.
        now = timezone.now()
        if link is None:
            ImportedItem.objects.create(
                origin=self.origin,
                kind=kind,
                external_id=external_id,
                object_id=object_id,
                fingerprint=fingerprint,
                imported_at=now,
            )
        else:
            link.fingerprint, link.imported_at = fingerprint, now
            link.save(update_fields=["fingerprint", "imported_at"])

    # --- authors -----------------------------------------------------------------------

    def author_import(self, author: Author) -> None:
        if not author.login:
            self.summary.add("authors", "failed", "no login")
            return
        User = get_user_model()
        link = self._link(ImportedItem.Kind.AUTHOR, author.login)
        user = User.objects.filter(pk=link.object_id).first() if link else None
        if user is not None:
            self.summary.add("authors", "skipped", "imported before")
        elif author.login in self.author_map:
            wanted = self.author_map[author.login]
            user = (
                User.objects.filter(username=wanted).first()
                or User.objects.filter(email__iexact=wanted).order_by("pk").first()
            )
            if user is None:
                self.summary.add("authors", "failed", f"author map names no account: {wanted}")
                return
            self.summary.add("authors", "skipped", "mapped to an existing account")
        else:
            user = self._author_create(author)
        if link is None:
            self._link_save(
                None, kind=ImportedItem.Kind.AUTHOR, external_id=author.login, object_id=user.pk
            )
        self.users[author.login] = user
        if author.id:
            self.users_by_wp_id[author.id] = user

    def _author_create(self, author: Author):
        User = get_user_model()
        email = _email(author.email)
        existing = User.objects.filter(username=author.login).first()
        if existing is not None and email and existing.email.lower() == email.lower():
            self.summary.add("authors", "skipped", "same username and email as an account")
            return existing
        username, n = author.login[:150], 1
        while User.objects.filter(username=username).exists():
            n += 1
            username = f"{author.login[:140]}-wp{n if n > 2 else ''}"
        user = User(
            username=username,
            email=email,
            first_name=_clean(author.first_name or author.display_name)[:150],
            last_name=_clean(author.last_name)[:150],
            is_staff=True,
        )
        # Staff without a password: they sign in after "forgot password" or an admin's
        # invitation, never with a password that travelled in an export.
        user.set_unusable_password()
        user.save()
        group = Group.objects.filter(name="Author").first()
        if group is not None:
            user.groups.add(group)
        self.summary.add("authors", "created", "" if username == author.login else "renamed")
        return user

    # --- categories and tags -----------------------------------------------------------

    def _term_slug(self, term_slug: str, name: str, fallback: str) -> str:
        return (slugify(unquote(term_slug)) or slugify(name) or fallback)[:100]

    def term_import(self, term: Term) -> None:
        kind = "categories" if term.kind == "category" else "tags"
        if not term.slug and not term.name:
            self.summary.add(kind, "failed", "no name or slug")
            return
        if term.kind == "category":
            category = self._term_get(Category, term.slug, term.name, kind, term.id)
            self.categories[term.slug] = category
            if term.parent_slug:
                self.category_parents.append((category, term.parent_slug, term.slug))
        else:
            self.tags[term.slug] = self._term_get(Tag, term.slug, term.name, kind, term.id)

    def _term_get(self, model, wp_slug: str, name: str, kind: str, term_id: str = ""):
        # A slug in a script slugify cannot spell in ASCII (Arabic, Chinese…) becomes
        # "category-ID"; the old address redirects to it.
        fallback = f"{model.__name__.lower()}-{term_id or slugify(wp_slug) or 'imported'}"
        slug = self._term_slug(wp_slug, name, fallback)
        name = _clean(plain_text(name) or slug)[:100]
        term = model.objects.filter(slug=slug).first()
        if term is not None:
            self.summary.add(kind, "skipped", "already here")
            return term
        if model.objects.filter(name=name).exists():
            name = f"{name[:90]} ({slug})"[:100]
        term = model.objects.create(slug=slug, name=name)
        self.summary.add(kind, "created")
        base = "category" if model is Category else "tag"
        old = unquote(wp_slug or slug)
        if old != slug:
            self._redirect(f"{self.prefix}/{base}/{old}/", term.get_absolute_url())
        return term

    def _category_parents_resolve(self) -> None:
        for category, parent_slug, wp_slug in self.category_parents:
            parent = self.categories.get(parent_slug)
            if parent is None or parent == category:
                continue
            if category.parent_id != parent.pk:
                category.parent = parent
                category.save(update_fields=["parent"])
            # WordPress's address of a subcategory holds its parents' slugs.
            chain, seen, node = [unquote(wp_slug)], {wp_slug}, parent_slug
            parents = {wp: parent for _c, parent, wp in self.category_parents}
            while node and node not in seen:
                seen.add(node)
                chain.insert(0, unquote(node))
                node = parents.get(node, "")
            self._redirect(
                f"{self.prefix}/category/{'/'.join(chain)}/", category.get_absolute_url()
            )
        self.category_parents = []

    def _post_terms(self, post: Post):
        categories, tags = [], []
        for wp_slug, name in post.categories:
            if wp_slug not in self.categories:
                self.categories[wp_slug] = self._term_get(Category, wp_slug, name, "categories")
            categories.append(self.categories[wp_slug])
        for wp_slug, name in post.tags:
            if wp_slug not in self.tags:
                self.tags[wp_slug] = self._term_get(Tag, wp_slug, name, "tags")
            tags.append(self.tags[wp_slug])
        return categories, tags

    # --- posts -------------------------------------------------------------------------

    def post_import(self, post: Post) -> None:
        if post.type == "attachment":
            url = post.attachment_url or post.guid
            self.attachments[post.id] = Attachment(
                url=url,
                alt=_clean(post.meta.get("_wp_attachment_image_alt", "")),
                caption=_clean(plain_text(post.excerpt)),
                parent=post.parent,
            )
            # Its host serves the uploads (a WordPress.com blog's are on files.wordpress.com).
            if urlsplit(url).netloc:
                self.media_files.hosts.add(urlsplit(url).netloc)
                self.media_files.originals.add(url)
            return
        if post.type != "post":
            self.summary.add("posts", "skipped", f"post type “{post.type}” is not imported")
            return
        status = STATUSES.get(post.status)
        if status is None:
            self.summary.add("posts", "skipped", f"status “{post.status}” is not imported")
            return
        categories, tags = self._post_terms(post)
        fingerprint = _fingerprint(
            post.title, post.content, post.excerpt, post.status, post.date_gmt, post.slug,
            post.creator, post.categories, post.tags,
        )  # fmt: skip
        link = self._link(ImportedItem.Kind.POST, post.id)
        article = Article.objects.filter(pk=link.object_id).first() if link else None
        if link and article is None:
            self.summary.add("posts", "skipped", "deleted here since the last import")
            return
        if article is not None and link.fingerprint == fingerprint:
            self.summary.add("posts", "skipped", "unchanged")
        elif article is not None and article.updated_at > link.imported_at:
            self.summary.add("posts", "skipped", "edited here since the last import")
        else:
            if article is None:
                article = Article(announced_at=self.now)  # old news: nobody is emailed
            converted = wordpress_html(post.content)
            article.title = _clean(plain_text(post.title))[:300] or f"Untitled ({post.id})"
            article.standfirst = _clean(plain_text(post.excerpt))
            # What the allow-list empties (a <script> in its own paragraph) leaves no trace.
            article.body = _EMPTY_PARAGRAPH.sub("", sanitize_article_html(_clean(converted.html)))
            article.status = status
            article.published_at = parse_date(post.date_gmt) or parse_date(post.date, tz=self.tz)
            article.author = self.users.get(post.creator)
            article.slug = self._article_slug(post, article)
            created = article.pk is None
            article.save()
            if created:  # nothing to compare with: the links in two inserts
                _links_add(Article.categories.through, article, "category", categories)
                _links_add(Article.tags.through, article, "tag", tags)
            else:
                article.categories.set(categories)
                article.tags.set(tags)
            self._link_save(
                link,
                kind=ImportedItem.Kind.POST,
                external_id=post.id,
                object_id=article.pk,
                fingerprint=fingerprint,
            )
            self.summary.add("posts", "created" if created else "updated")
            if GALLERY.search(article.body):
                self.galleries[article.pk] = post.id
            if self.media == "download" and "://" in article.body:
                self.with_uploads.add(article.pk)
            for name in converted.unknown_shortcodes:
                self.summary.notes[f"shortcode [{name}] left as text"] += 1
            if post.status == "private":
                self.summary.notes["private post kept as a draft"] += 1
            if post.sticky:
                self.summary.notes["sticky in WordPress (no sticky posts here)"] += 1
            if article.status == Article.Status.PUBLISHED:
                self._post_redirects(post, article)
        if self.media == "link":
            self._wirepress_photo_link(post, article)
        thumbnail = post.meta.get("_thumbnail_id", "").strip()
        has_photo = article.photo_url or article.featured_image_id
        if thumbnail and self.media in ("link", "download") and not has_photo:
            self.featured[article.pk] = thumbnail
        self.comments_queue(post, article)

    def _wirepress_photo_link(self, post: Post, article: Article) -> None:
        """The featured photo of an export written by a Wirepress site (export.py)."""
        photo = post.meta.get(PHOTO_META, "")
        has_photo = article.featured_image_id or article.photo_url
        if not photo.startswith(("http://", "https://")) or has_photo:
            return
        Article.objects.filter(pk=article.pk).update(
            photo_url=photo[:500],
            photo_alt=_clean(post.meta.get(PHOTO_ALT_META, ""))[:300],
            photo_caption=_clean(post.meta.get(PHOTO_CAPTION_META, ""))[:500],
        )
        article.refresh_from_db(fields=["photo_url", "photo_alt", "photo_caption"])

    def _article_slug(self, post: Post, article: Article) -> str:
        slug = slugify(unquote(post.slug)) or slugify(plain_text(post.title)) or f"post-{post.id}"
        slug = slug[:200]
        taken = Article.objects.filter(slug=slug).exclude(pk=article.pk).exists()
        return f"{slug[:190]}-{post.id}" if taken else slug

    def _post_redirects(self, post: Post, article: Article) -> None:
        new = article.get_absolute_url()
        local = parse_date(post.date) or timezone.localtime(article.published_at, self.tz)
        date = f"{local.year:04d}/{local.month:02d}"
        paths = {f"{self.prefix}/?p={post.id}"}
        # Its slug, and the ones WordPress itself still redirected (`_wp_old_slug`).
        for slug in [unquote(post.slug) or article.slug, *map(unquote, post.old_slugs)]:
            paths |= {
                f"{self.prefix}/{date}/{local.day:02d}/{slug}/",
                f"{self.prefix}/{date}/{slug}/",
                f"{self.prefix}/{slug}/",
            }
        # The permalink the site really used (a custom structure such as /%category%/%postname%/).
        link = urlsplit(post.link)
        if link.path and not link.query:
            paths.add(unquote(link.path))
        self._redirects(sorted(paths), new)

    def _redirect(self, old_path: str, new_path: str) -> None:
        self._redirects([old_path], new_path)

    def _redirects(self, old_paths: list[str], new_path: str) -> None:
        """Send each of `old_paths` to `new_path`: new ones in one insert, a path that led
        elsewhere through `redirect_add` (which keeps chains short)."""
        old_paths = [p for p in dict.fromkeys(_clean(p)[:500] for p in old_paths) if p != new_path]
        current = dict(
            Redirect.objects.filter(old_path__in=old_paths).values_list("old_path", "new_path")
        )
        missing = [p for p in old_paths if p not in current]
        if missing:
            Redirect.objects.bulk_create([Redirect(old_path=p, new_path=new_path) for p in missing])
        for path in old_paths:
            if path in current and current[path] != new_path:
                redirect_add(old_path=path, new_path=new_path)
        changed = sum(1 for p in old_paths if current.get(p) != new_path)
        if changed:
            self.summary.add("redirects", "created", count=changed)
        if len(old_paths) > changed:
            self.summary.add("redirects", "skipped", "already here", count=len(old_paths) - changed)

    # --- comments ----------------------------------------------------------------------

    def comments_queue(self, post: Post, article: Article) -> None:
        """Keep the post's comments to write with those of the next posts (`COMMENT_BATCH`
        at a time): a few statements per batch instead of a few per comment."""
        if not post.comments:
            return
        self.comments_queued.append((post.comments, article))
        self.comments_queued_count += len(post.comments)
        if self.comments_queued_count >= COMMENT_BATCH:
            self.comments_flush()

    def comments_flush(self) -> None:
        queued, self.comments_queued, self.comments_queued_count = self.comments_queued, [], 0
        if not queued:
            return
        links = self._links(
            ImportedItem.Kind.COMMENT, [c.id for comments, _article in queued for c in comments]
        )
        discussed = set()
        for chunk in _chunks([str(article.pk) for _comments, article in queued]):
            discussed |= set(
                XtdComment.norel_objects.filter(content_type=self.content_type, object_pk__in=chunk)
                .values_list("object_pk", flat=True)
                .distinct()
            )
        plans = [
            self._comments_plan(comments, article, links, str(article.pk) in discussed)
            for comments, article in queued
        ]
        plans = [plan for plan in plans if plan.created]
        if not plans:
            return
        threads = {}  # thread of each comment answered that an earlier import wrote
        for chunk in _chunks(sorted({pk for plan in plans for pk in plan.outside})):
            threads |= dict(
                XtdComment.norel_objects.filter(pk__in=chunk).values_list("pk", "thread_id")
            )
        rows = [row for plan in plans for _comment, row, _parent in plan.created]
        comments_create(rows)
        for plan in plans:
            plan.pointers_set(threads)
        comments_threads_write(rows)
        for plan in plans:
            if plan.repair:
                threads_repair(content_type=self.content_type, object_pk=str(plan.article.pk))
        created = [(comment, row) for plan in plans for comment, row, _parent in plan.created]
        self._moderation_create(created)
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(
                    origin=self.origin,
                    kind=ImportedItem.Kind.COMMENT,
                    external_id=comment.id,
                    object_id=row.pk,
                    fingerprint=self._comment_fingerprint(comment),
                    imported_at=self.now,
                )
                for comment, row in created
            ],
            batch_size=500,
        )
        self.comments_written = True
        self.summary.add("comments", "created", count=len(created))

    def _links(self, kind: str, external_ids: list[str]) -> dict:
        links = {}
        for chunk in _chunks(external_ids):
            links |= {
                link.external_id: link
                for link in ImportedItem.objects.filter(
                    origin=self.origin, kind=kind, external_id__in=chunk
                )
            }
        return links

    def _comments_plan(self, comments, article, links, discussed: bool) -> "_ThreadPlan":
        """What to write of one post's comments: updates are made at once, new comments
        planned (rows in parents-first order, their places in the threads)."""
        plan = _ThreadPlan(article=article, repair=discussed)
        pks = plan.pks
        new = []
        for comment in comments:
            if comment.id in links:
                pks[comment.id] = links[comment.id].object_id
                self._comment_update(comment, links[comment.id])
            elif comment.type in ("pingback", "trackback") and not self.pingbacks:
                self.summary.add(
                    "comments", "skipped", f"{comment.type} (--pingbacks imports them)"
                )
            elif not comment.id:
                self.summary.add("comments", "failed", "no comment ID")
            else:
                new.append(comment)
        if not new:
            return plan
        by_id = {c.id: c for c in new}
        new.sort(key=lambda c: (c.date_gmt or c.date, int(c.id) if c.id.isdigit() else 0))
        parents: dict[str, str] = {}
        for comment in new:
            parents[comment.id] = self._comment_parent(comment, by_id, pks)
        # Parents before replies, one generation after the other, as the comments were
        # written one by one before: a reply's key is larger than its parent's.
        generations = defaultdict(list)
        for comment in new:
            generations[self._depth(comment.id, parents)].append(comment)
        # A first import places every comment in its thread before inserting it; comments
        # added to an existing discussion are placed afterwards, with the ones there.
        positions = {} if discussed else self._thread_positions(new, parents)
        plan.outside = {pks[p] for p in parents.values() if p and p not in by_id}
        for depth in sorted(generations):
            for comment in generations[depth]:
                row = self._comment_row(comment, article)
                if comment.id in positions:
                    row.level, row.order, row.nested_count = positions[comment.id]
                plan.created.append((comment, row, parents[comment.id]))
        return plan

    def _comment_parent(self, comment: Comment, by_id, pks) -> str:
        """The WordPress ID of the comment this one answers ("" for none), moved up to an
        ancestor when the thread is deeper than the site shows."""
        parent = comment.parent if comment.parent not in ("", "0") else ""
        if parent and parent not in by_id and parent not in pks:
            self.summary.notes["reply to a missing comment shown as a new thread"] += 1
            parent = ""
        chain, node = [], parent
        while node and node in by_id and node not in chain:
            chain.append(node)
            node = by_id[node].parent if by_id[node].parent not in ("", "0") else ""
        if node and node in chain:  # a loop of replies: break it here
            self.summary.notes["reply loop broken"] += 1
            return ""
        if self.max_level and len(chain) > self.max_level:
            self.summary.notes[f"reply deeper than {self.max_level} levels moved up"] += 1
            return chain[len(chain) - self.max_level]
        return parent

    def _depth(self, comment_id: str, parents: dict[str, str]) -> int:
        depth, node = 0, parents.get(comment_id, "")
        while node and node in parents:
            depth, node = depth + 1, parents[node]
        return depth

    def _comment_row(self, comment: Comment, article: Article) -> XtdComment:
        status = COMMENT_STATES.get(comment.approved, CommentModeration.Status.HELD)
        submitted = parse_date(comment.date_gmt) or parse_date(comment.date, tz=self.tz) or self.now
        url = comment.url if comment.url.startswith(("http://", "https://")) else ""
        return XtdComment(
            content_type=self.content_type,
            object_pk=str(article.pk),
            site_id=settings.SITE_ID,
            user=self.users_by_wp_id.get(comment.user_id) if comment.user_id != "0" else None,
            user_name=_clean(plain_text(comment.author))[:50],
            user_email=_email(comment.email),
            user_url=url[:200],
            comment=_clean(comment_text(comment.content)),
            submit_date=submitted,
            ip_address=_ip(comment.ip),
            is_public=status == CommentModeration.Status.PUBLISHED,
            is_removed=status == CommentModeration.Status.REMOVED,
        )

    def _thread_positions(self, new: list[Comment], parents: dict[str, str]) -> dict:
        """(level, order, nested_count) of each new comment, as xtd stores them: replies
        under their parent, siblings oldest first (`new` is in that order), as
        comments.discussion.services.threads_repair computes them."""
        children = defaultdict(list)
        for comment in new:
            children[parents[comment.id]].append(comment.id)
        positions = {}

        def place(comment_id: str, level: int, placed: list) -> None:
            index = len(placed)
            placed.append(comment_id)
            for child in children[comment_id]:
                place(child, level + 1, placed)
            positions[comment_id] = (level, index + 1, len(placed) - index - 1)

        for first in children[""]:
            place(first, 0, [])
        return positions

    def _teaches(self, status) -> str:
        """The label an imported comment of `status` teaches the learned filter ("" none).
        WordPress's spam is an editor's (or Akismet's) decision, as when an editor marks spam
        here. Its approved comments are a decision only where the site held comments for
        review, which the export does not say: taught only with `teach_approved`."""
        if status == CommentModeration.Status.SPAM:
            return SPAM
        if status == CommentModeration.Status.PUBLISHED and self.teach_approved:
            return HAM
        return ""

    def _moderation_create(self, created) -> None:
        records, taught = [], {SPAM: [], HAM: []}
        for comment, row in created:
            status = COMMENT_STATES.get(comment.approved, CommentModeration.Status.HELD)
            record = CommentModeration(comment=row, status=status, checked_at=row.submit_date)
            label = self._teaches(status)
            if label:
                record.reviewed_by, record.reviewed_at = self.editor, self.now
                record.trained_as = label
                taught[label].append(row)
            records.append(record)
        CommentModeration.objects.bulk_create(records, batch_size=500)
        for label, rows in taught.items():
            learned_train_new(comments=rows, label=label)

    def _comment_fingerprint(self, comment: Comment) -> str:
        return _fingerprint(comment.content, comment.approved, comment.author, comment.email)

    def _comment_update(self, comment: Comment, link) -> None:
        fingerprint = self._comment_fingerprint(comment)
        if link.fingerprint == fingerprint:
            self.summary.add("comments", "skipped", "unchanged")
            return
        row = XtdComment.norel_objects.filter(pk=link.object_id).first()
        record = CommentModeration.objects.filter(comment_id=link.object_id).first()
        if row is None or record is None:
            self.summary.add("comments", "skipped", "deleted here since the last import")
            return
        if record.reviewed_at and record.reviewed_at > link.imported_at:
            self.summary.add("comments", "skipped", "moderated here since the last import")
            return
        status = COMMENT_STATES.get(comment.approved, CommentModeration.Status.HELD)
        row.comment = _clean(comment_text(comment.content))
        row.is_public = status == CommentModeration.Status.PUBLISHED
        row.is_removed = status == CommentModeration.Status.REMOVED
        row.save(update_fields=["comment", "is_public", "is_removed"])
        record.status = status
        record.save(update_fields=["status"])
        label = self._teaches(status)
        if label:
            learned_train(comment=row, label=label)
        self._link_save(
            link,
            kind=ImportedItem.Kind.COMMENT,
            external_id=comment.id,
            object_id=row.pk,
            fingerprint=fingerprint,
        )
        self.summary.add("comments", "updated")


def wordpress_import(
    *,
    source,
    dry_run: bool = False,
    author_map: dict[str, str] | None = None,
    media: str = "link",
    pingbacks: bool = False,
    editor=None,
    time_zone: str | None = None,
    teach_approved: bool = False,
    progress=None,
) -> ImportSummary:
    """Import the WordPress export `source` (a path or a binary file) in one transaction.
    `author_map` maps WordPress logins to accounts here (username or email); `media` is
    "download" (featured images into the media library), "link" (they keep their WordPress
    address) or "skip"; `pingbacks` imports
    pingbacks and trackbacks as comments; `editor` is recorded as the reviewer of imported
    spam; `time_zone` reads dates that WordPress wrote without their UTC twin;
    `teach_approved` teaches the learned spam filter the approved comments as legitimate
    (its spam is always taught), for a site whose WordPress held comments for review;
    `progress(read, size, summary)`, when given, is called as the file is read (bytes read
    of its size, at most every `PROGRESS_SECONDS`) and once at its end. Raises `WXRError`
    (nothing saved) for a file that is not a complete export."""
    summary = ImportSummary(dry_run=dry_run)
    importer = WordPressImporter(
        summary=summary,
        author_map=author_map,
        media=media,
        pingbacks=pingbacks,
        editor=editor,
        time_zone=time_zone,
        teach_approved=teach_approved,
    )
    with contextlib.ExitStack() as stack:
        size = 0
        if progress is not None and isinstance(source, str | os.PathLike):
            size = os.path.getsize(source)
            source = stack.enter_context(open(source, "rb"))  # noqa: SIM115
        report_at = time.monotonic() + PROGRESS_SECONDS
        with transaction.atomic():
            for value in wxr_read(source):
                importer.take(value)
                if progress is not None and time.monotonic() >= report_at:
                    progress(source.tell() if size else 0, size, summary)
                    report_at = time.monotonic() + PROGRESS_SECONDS
            importer.finish()
            if dry_run:
                transaction.set_rollback(True)
        if progress is not None:
            progress(size, size, summary)
    return summary
