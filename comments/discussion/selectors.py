"""Every read of comments, with one definition of "public" (`PUBLIC`): an article's comments,
the site's latest, one comment by id (None when there is none: views answer 404), a
comment's address, the moderation queue, and an article's discussion as a flat, render-ready
list, in a constant number of queries.

The discussion needs, per comment: its place in the tree, its text as HTML, its like count, whether
the reader likes it, whether it is the reader's own comment awaiting moderation, and the
picture of a signed-in commenter's social account. All of it comes from one query for the
comments (like counts aggregated and pictures joined in SQL) and, for a signed-in reader, one
for their likes, whatever the number of comments.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, F, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from blog.models import Article
from comments.discussion.avatars import avatar_url, avatar_urls, css_url
from comments.discussion.paging import (
    CommentPage,
    comment_page,
    page_address,
    page_count,
    page_of_thread,
)
from comments.discussion.text import CommentDates, likes_label, render_comment_text
from comments.models import CommentModeration, Subscription

# Comment ids are 32-bit integers in the database; a bigger number from a URL or a form names
# no comment (and SQLite raises OverflowError on numbers beyond 64 bits rather than finding none).
MAX_COMMENT_ID = 2**31 - 1


def is_comment_id(value: int) -> bool:
    return 0 < value <= MAX_COMMENT_ID


def public_comment_id(value) -> int | None:
    """`value` (from a URL or a form) as the id of a comment, or None when it cannot be one."""
    try:
        value = int(value or 0)
    except (TypeError, ValueError):
        return None
    return value if is_comment_id(value) else None


# What readers see of a comment: published and not taken down. The one definition of
# "public", used by every read below, the admin's status filter and the moderation checks.
PUBLIC = Q(is_public=True, is_removed=False)


def comments_on(article: Article) -> QuerySet[XtdComment]:
    """Every comment on `article`, public or not, in thread order."""
    return XtdComment.norel_objects.filter(
        content_type=ContentType.objects.get_for_model(article),
        object_pk=str(article.pk),
        site_id=settings.SITE_ID,
    ).order_by("thread_id", "order")


def public_comments(article: Article) -> QuerySet[XtdComment]:
    """The public comments on `article`, in thread order."""
    return comments_on(article).filter(PUBLIC)


def public_comment(article: Article, comment_id) -> XtdComment | None:
    """The public comment `comment_id` (as a URL or a form gives it) on `article`, if any."""
    comment_id = public_comment_id(comment_id)
    if comment_id is None:
        return None
    return public_comments(article).filter(pk=comment_id).first()


def public_article_comments() -> QuerySet[XtdComment]:
    """The public comments on every article (published or not: callers narrow it down)."""
    return XtdComment.norel_objects.filter(
        PUBLIC, content_type__app_label="blog", content_type__model="article"
    )


def site_comments() -> QuerySet[XtdComment]:
    """The public comments of all published articles, newest first."""
    published = (
        Article.objects.published().annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    )
    return public_article_comments().filter(object_pk__in=published).order_by("-submit_date", "-pk")


def with_articles(comments) -> list[XtdComment]:
    """`comments` as a list, each with its `.article` set, in one query for all of them."""
    comments = list(comments)
    pks = {int(comment.object_pk) for comment in comments}
    articles = Article.objects.in_bulk(pks) if pks else {}
    for comment in comments:
        comment.article = articles.get(int(comment.object_pk))
    return [comment for comment in comments if comment.article is not None]


def comment_page_number(comment: XtdComment, article: Article) -> int:
    """The comment page holding `comment` (its thread's page): 1 when paging is off, else
    one query for the article's public threads."""
    if not settings.COMMENTS_PAGE_SIZE:
        return 1
    thread_ids = list(
        public_comments(article)
        .order_by("thread_id")
        .values_list("thread_id", flat=True)
        .distinct()
    )
    return page_of_thread(comment.thread_id, thread_ids)


def comment_url(comment: XtdComment, *, article: Article | None = None) -> str:
    """Where a comment is read: its article's page (the comment page holding it), at the
    comment. `article` defaults to the one `with_articles` set on the comment."""
    article = article or comment.article
    address = page_address(article.get_absolute_url(), comment_page_number(comment, article))
    return f"{address}#comment-{comment.pk}"


def comment_link(comment: XtdComment) -> str:
    """`comment_url` for lists of comments (feeds, the sidebar): with comment paging on, the
    comment's own redirect address, which finds its page when followed, so that a list costs
    no query per comment."""
    if not settings.COMMENTS_PAGE_SIZE:
        return comment_url(comment)
    content_type = ContentType.objects.get_for_model(XtdComment)
    return reverse("comments-url-redirect", args=(content_type.pk, comment.pk))


def likeable_comment(comment_id) -> tuple[XtdComment, Article] | None:
    """A public comment on a published article, and that article (None when there is no
    such comment: the view answers 404)."""
    comment_id = public_comment_id(comment_id)
    if comment_id is None:
        return None
    comment = (
        XtdComment.norel_objects.filter(
            PUBLIC, content_type=ContentType.objects.get_for_model(Article)
        )
        .filter(pk=comment_id)
        .first()
    )
    article = comment and Article.objects.published().filter(pk=comment.object_pk).first()
    return (comment, article) if article else None


def comments_by_address(email: str) -> QuerySet[XtdComment]:
    """Every comment written with this email address, or by the account that has it."""
    return XtdComment.norel_objects.filter(
        Q(user_email__iexact=email) | Q(user__email__iexact=email)
    )


def like_count(comment: XtdComment) -> int:
    return CommentFlag.objects.filter(comment=comment, flag=LIKEDIT_FLAG).count()


_Status = CommentModeration.Status
# What each moderation status means in xtd's flags (what readers see) and our record (spam
# and held are both hidden; comments stored before moderation existed have no record).
STATUS_FILTERS = {
    _Status.PUBLISHED: PUBLIC,
    _Status.HELD: Q(is_public=False, is_removed=False) & ~Q(moderation__status=_Status.SPAM),
    _Status.SPAM: Q(is_removed=False, moderation__status=_Status.SPAM),
    _Status.REMOVED: Q(is_removed=True),
}


def held_comments() -> QuerySet[XtdComment]:
    """The moderation queue: hidden comments that are neither spam nor removed."""
    return XtdComment.norel_objects.filter(STATUS_FILTERS[_Status.HELD])


@dataclass
class CommentNode:
    """One comment as the page shows it, with what the flat template needs to nest it.

    Its text for the page (ids, dates, avatar, likes) is made here, in Python, once: template
    filters and number formatting cost more than the rest of a comment's rendering, and a
    page may show a thousand comments (see bench/comments_tree.py).
    """

    comment: XtdComment
    depth: int
    like_count: int
    visible: bool  # False: a hidden comment kept as a placeholder for its visible replies
    pending: bool = False  # the reader's own comment, awaiting moderation
    liked: bool = False
    can_reply: bool = True
    opens_list: bool = False  # the first reply to the previous comment
    closes: range = range(0)  # reply lists to close before this comment
    parent: "CommentNode | None" = None
    avatar: str = ""  # given by discussion_for, which looks the URLs up for a whole page
    markup: str = ""  # its list item as the page shows it (comments.discussion.markup)
    date_text: str = ""  # "October 21, 2021 at 3:02 p.m."
    key: str = field(init=False)  # the comment's id as text, for anchors and URLs
    avatar_css: str = field(init=False)  # the avatar as a CSS url(), for the comment's style
    likes_label: str = field(init=False)  # "Liked by 3 people"

    def __post_init__(self):
        comment = self.comment
        self.key = str(comment.pk)
        self.date_text = self.date_text or CommentDates()(comment.submit_date)
        self.avatar = self.avatar or avatar_url(comment.user_email)
        self.avatar_css = css_url(self.avatar)
        self.likes_label = likes_label(self.like_count)

    @property
    def pk(self) -> int:
        return self.comment.pk

    @property
    def html(self) -> str:
        return render_comment_text(self.comment.comment)


@dataclass
class Discussion:
    nodes: list[CommentNode] = field(default_factory=list)
    count: int = 0  # public comments, as in "N thoughts on ..."
    final_closes: range = range(0)
    page: CommentPage = field(default_factory=CommentPage)


def discussion_for(article, *, user=None, own_comment_ids=(), page: int = 1) -> Discussion:
    """The discussion of `article` as `user` sees it: comment page `page` of it (see
    `comments.discussion.paging`; the count is of every page). `own_comment_ids` are
    comments this browser posted (guests' held comments are shown to their author only)."""
    own_ids = set(own_comment_ids)
    user_id = user.pk if user is not None and user.is_authenticated else None
    # Removed comments are read too: one with visible replies stays as a placeholder.
    rows = list(
        comments_on(article).annotate(
            like_count=Count("flags", filter=Q(flags__flag=LIKEDIT_FLAG)),
            # A commenter who logged in with Google, X... shows that account's picture.
            social_avatar=F("user__social_profile__avatar_url"),
            # Editors' comments carry a "staff" badge; the join above brings it for free.
            author_is_staff=F("user__is_staff"),
        )
    )
    liked = set()
    if user_id is not None:
        liked = set(
            CommentFlag.objects.filter(
                user_id=user_id,
                flag=LIKEDIT_FLAG,
                comment__content_type=ContentType.objects.get_for_model(article),
                comment__object_pk=str(article.pk),
            ).values_list("comment_id", flat=True)
        )

    max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
    avatars = avatar_urls(row.user_email for row in rows)
    dates = CommentDates()
    by_pk = {}
    for row in rows:
        parent = by_pk.get(row.parent_id) if row.parent_id != row.pk else None
        own = row.pk in own_ids or (user_id is not None and row.user_id == user_id)
        published = row.is_public and not row.is_removed
        by_pk[row.pk] = CommentNode(
            comment=row,
            depth=parent.depth + 1 if parent else 0,
            like_count=row.like_count,
            visible=published or (own and not row.is_removed),
            pending=own and not row.is_public and not row.is_removed,
            liked=row.pk in liked,
            can_reply=published and row.level < max_level,
            parent=parent,
            avatar=row.social_avatar or avatars[row.user_email],
            date_text=dates(row.submit_date),
        )

    # A hidden comment stays in the page, as a placeholder, only above a visible reply.
    needed = set()
    for node in by_pk.values():
        if node.visible:
            ancestor = node
            while ancestor is not None and ancestor.pk not in needed:
                needed.add(ancestor.pk)
                ancestor = ancestor.parent

    # Only the threads of the page asked for are shown (all of them when paging is off).
    public_threads = sorted({row.thread_id for row in rows if row.is_public and not row.is_removed})
    discussion = Discussion(
        page=comment_page(page, page_count(len(public_threads)), article.get_absolute_url())
    )
    previous_depth = -1
    for node in by_pk.values():
        if node.pk not in needed:
            continue
        if page_of_thread(node.comment.thread_id, public_threads) != page:
            if node.comment.is_public and not node.comment.is_removed:
                discussion.count += 1
            continue
        if node.depth > previous_depth:
            node.opens_list = previous_depth >= 0
            node.depth = previous_depth + 1
        else:
            node.closes = range(previous_depth - node.depth)
        previous_depth = node.depth
        discussion.nodes.append(node)
        if node.comment.is_public and not node.comment.is_removed:
            discussion.count += 1
    discussion.final_closes = range(max(previous_depth, 0))
    return discussion


def discussion_subscription(article, user):
    """The signed-in reader's subscription to `article`'s comments, if they have one."""
    if user is None or not user.is_authenticated or not user.email:
        return None
    return (
        Subscription.objects.of_address(user.email)
        .filter(kind=Subscription.Kind.COMMENTS, article=article)
        .first()
    )
