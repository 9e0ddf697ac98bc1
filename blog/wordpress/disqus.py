"""Importing a Disqus export (Admin → Moderation → Export: an XML file of categories,
threads and posts) as comments under the articles they were written about.

A thread is matched to an article by its `<link>`: an article's address here, or an old
address the redirect table knows (a WordPress permalink, once `import_wordpress` ran); else
by its identifier when the Disqus WordPress plugin wrote it ("123 https://…/?p=123": the
WordPress post ID of an imported post). Posts keep their parent, author, email (when the
export has it), IP address and date; deleted → removed, spam → spam (taught to the learned
filter). The file is read as a stream (one transaction, like the WordPress import), keyed by
Disqus's IDs: importing it again changes nothing.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_comments_xtd.models import XtdComment
from lxml import etree

from blog.models import Article, ImportedItem, Redirect
from blog.wordpress.importer import ImportSummary, _clean, _email, _ip
from blog.wordpress.markup import comment_text, plain_text
from blog.wordpress.parse import WXRError
from comments.discussion.services import threads_repair
from comments.models import CommentModeration
from comments.moderation.learned import SPAM, learned_train

DISQUS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"
KINDS = ("threads", "comments")


@dataclass
class DisqusPost:
    id: str
    thread: str
    parent: str
    message: str
    created_at: datetime.datetime | None
    name: str
    email: str
    ip: str
    deleted: bool
    spam: bool


def _text(elem, name: str) -> str:
    return (elem.findtext(f"{DISQUS}{name}") or "").strip()


def _child_id(elem, name: str) -> str:
    child = elem.find(f"{DISQUS}{name}")
    return (child.get(DSQ_ID) or "").strip() if child is not None else ""


def _date(value: str) -> datetime.datetime | None:
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _true(value: str) -> bool:
    return value.strip().lower() == "true"


def disqus_read(source):
    """Yield ("forum", name), ("thread", id, link, identifier) and ("post", DisqusPost) in
    file order. Raises `WXRError` (its message names the line) for a file that is not a
    complete Disqus export."""
    forum_sent = False
    try:
        for _event, elem in etree.iterparse(
            source, events=("end",), resolve_entities=False, no_network=True, huge_tree=True
        ):
            parent = elem.getparent()
            if parent is None or parent.tag != f"{DISQUS}disqus":
                continue
            if elem.tag == f"{DISQUS}category" and not forum_sent:
                forum_sent = True
                yield ("forum", _text(elem, "forum"))
            elif elem.tag == f"{DISQUS}thread":
                yield ("thread", elem.get(DSQ_ID, ""), _text(elem, "link"), _text(elem, "id"))
            elif elem.tag == f"{DISQUS}post":
                author = elem.find(f"{DISQUS}author")
                yield (
                    "post",
                    DisqusPost(
                        id=elem.get(DSQ_ID, ""),
                        thread=_child_id(elem, "thread"),
                        parent=_child_id(elem, "parent"),
                        message=elem.findtext(f"{DISQUS}message") or "",
                        created_at=_date(_text(elem, "createdAt")),
                        name=_text(author, "name") if author is not None else "",
                        email=_text(author, "email") if author is not None else "",
                        ip=_text(elem, "ipAddress"),
                        deleted=_true(_text(elem, "isDeleted")),
                        spam=_true(_text(elem, "isSpam")),
                    ),
                )
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        raise WXRError(
            f"the file is not a complete Disqus export ({exc.msg})", exc.lineno
        ) from None


def article_for_address(url: str) -> Article | None:
    """The article at `url` here: its own address, or an old one the redirect table sends
    to it (one hop, or two: an imported permalink to a story whose slug changed since)."""
    parts = urlsplit(url)
    paths = [parts.path or "/"]
    if parts.query.startswith("p="):
        paths.insert(0, f"/?{parts.query.split('&')[0]}")
    for path in paths:
        for _hop in range(3):
            try:
                match = resolve(path)
            except Resolver404:
                match = None
            if match is not None and match.url_name == "article":
                return Article.objects.filter(slug=match.kwargs["slug"]).first()
            redirect = Redirect.objects.filter(old_path=path).first()
            if redirect is None:
                break
            path = urlsplit(redirect.new_path).path
    return None


class DisqusImporter:
    def __init__(self, *, summary: ImportSummary, editor=None):
        self.summary = summary
        self.editor = editor
        self.origin = "disqus:"
        self.threads: dict[str, Article | None] = {}
        self.pks: dict[str, int] = {}  # Disqus post ID → comment pk, this run and before
        self.waiting: dict[str, list[DisqusPost]] = {}  # replies whose parent comes later
        self.touched: set[int] = set()
        self.content_type = ContentType.objects.get_for_model(Article)
        self.now = timezone.now()

    def forum(self, name: str) -> None:
        self.origin = f"disqus:{name}"[:300]

    def thread(self, thread_id: str, link: str, identifier: str) -> None:
        article = article_for_address(link) if link else None
        if article is None and identifier.split(" ")[0].isdigit():
            wordpress_post = ImportedItem.objects.filter(
                origin__startswith="wordpress:",
                kind=ImportedItem.Kind.POST,
                external_id=identifier.split(" ")[0],
            ).first()
            if wordpress_post is not None:
                article = Article.objects.filter(pk=wordpress_post.object_id).first()
        self.threads[thread_id] = article
        if article is None:
            self.summary.add("threads", "skipped", "no article at its address or identifier")
        else:
            self.summary.notes["Disqus threads matched to an article"] += 1

    def post(self, post: DisqusPost) -> None:
        article = self.threads.get(post.thread)
        if article is None:
            self.summary.add("comments", "skipped", "its thread matches no article")
            return
        if self._known(post.id):
            self.summary.add("comments", "skipped", "imported before")
            return
        if post.parent and post.parent not in self.pks and not self._known(post.parent):
            self.waiting.setdefault(post.parent, []).append(post)
            return
        self._create(post, article)

    def _known(self, post_id: str) -> bool:
        if post_id in self.pks:
            return True
        link = ImportedItem.objects.filter(
            origin=self.origin, kind=ImportedItem.Kind.COMMENT, external_id=post_id
        ).first()
        if link is not None:
            self.pks[post_id] = link.object_id
        return link is not None

    def _create(self, post: DisqusPost, article: Article) -> None:
        parent_pk = self.pks.get(post.parent) if post.parent else None
        thread_id = 0
        if parent_pk:
            thread_id = (
                XtdComment.norel_objects.filter(pk=parent_pk)
                .values_list("thread_id", flat=True)
                .first()
            )
        status = (
            CommentModeration.Status.SPAM
            if post.spam
            else CommentModeration.Status.REMOVED
            if post.deleted
            else CommentModeration.Status.PUBLISHED
        )
        row = XtdComment(
            content_type=self.content_type,
            object_pk=str(article.pk),
            site_id=settings.SITE_ID,
            user_name=_clean(plain_text(post.name))[:50],
            user_email=_email(post.email),
            comment=_clean(comment_text(post.message)),
            submit_date=post.created_at or self.now,
            ip_address=_ip(post.ip),
            is_public=status == CommentModeration.Status.PUBLISHED,
            is_removed=status == CommentModeration.Status.REMOVED,
            parent_id=parent_pk or 0,
            thread_id=thread_id or 0,
        )
        models.Model.save(row, force_insert=True)
        if not parent_pk or not thread_id:
            XtdComment.norel_objects.filter(pk=row.pk).update(parent_id=row.pk, thread_id=row.pk)
            row.parent_id = row.thread_id = row.pk
        record = CommentModeration.objects.create(
            comment=row, status=status, checked_at=row.submit_date
        )
        if status == CommentModeration.Status.SPAM:
            record.reviewed_by, record.reviewed_at = self.editor, self.now
            record.save(update_fields=["reviewed_by", "reviewed_at"])
            learned_train(comment=row, label=SPAM)
        ImportedItem.objects.create(
            origin=self.origin,
            kind=ImportedItem.Kind.COMMENT,
            external_id=post.id,
            object_id=row.pk,
            imported_at=self.now,
        )
        self.pks[post.id] = row.pk
        self.touched.add(article.pk)
        self.summary.add("comments", "created")
        for reply in self.waiting.pop(post.id, []):
            self._create(reply, self.threads[reply.thread])

    def finish(self) -> None:
        # Replies whose parent never came (deleted from Disqus before the export).
        for replies in list(self.waiting.values()):
            for reply in replies:
                reply.parent = ""
                self.summary.notes["reply to a missing comment shown as a new thread"] += 1
                self._create(reply, self.threads[reply.thread])
        self.waiting = {}
        for article_pk in sorted(self.touched):
            threads_repair(content_type=self.content_type, object_pk=str(article_pk))


def disqus_import(*, source, dry_run: bool = False, editor=None) -> ImportSummary:
    """Import the Disqus export `source` (a path or a binary file) in one transaction.
    Raises `WXRError` (nothing saved) for a file that is not a complete export."""
    summary = ImportSummary(dry_run=dry_run, kinds=KINDS)
    importer = DisqusImporter(summary=summary, editor=editor)
    with transaction.atomic():
        for kind, *values in disqus_read(source):
            getattr(importer, kind)(*values)
        importer.finish()
        if dry_run:
            transaction.set_rollback(True)
    return summary
