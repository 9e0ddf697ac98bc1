"""Search over published articles (title, standfirst, body, source name).

On PostgreSQL: full-text search over Article.search_vector (kept by a trigger and
GIN-indexed, see migration 0003) with English stemming, web-search syntax ("quoted
phrases", -excluded, or), ranked (title over standfirst over body over source), and
highlighted fragments made by the database (ts_headline) for the page shown. Elsewhere
(SQLite): every word of the query must appear in one of those fields, case-insensitively,
newest first; the excerpt and the highlighting are made in Python.

Highlighting is safe by construction: the text is escaped first, then only our own <mark>
elements are added.
"""

import re
from html import unescape

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from blog.models import Article

MAX_QUERY_LENGTH = 200
SEARCH_CONFIG = "english"  # as in the trigger that fills Article.search_vector
EXCERPT_LENGTH = 240
# Private-use characters cannot occur in articles: they delimit the database's highlights
# until the text has been escaped, then become <mark> elements.
MARK_START, MARK_STOP = "\ue000", "\ue001"
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_SEARCH_OPERATORS = {"or"}


def search_terms(query: str) -> list[str]:
    """The words of `query`, without web-search operators, longest first."""
    words = {word for word in _WORD.findall(query) if word.lower() not in _SEARCH_OPERATORS}
    return sorted(words, key=lambda word: (-len(word), word))


def articles_search(*, query: str) -> QuerySet[Article]:
    """Published articles matching `query`, best first (PostgreSQL) or newest first."""
    articles = Article.objects.published().select_related("source")
    if not search_terms(query):
        return articles.none()
    if connections[articles.db].vendor == "postgresql":
        return _full_text_search(articles, query)
    return _word_search(articles, query)


def _body_text():
    # Tags would otherwise end up inside the highlighted fragments.
    return Func(
        F("body"),
        Value("<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def _full_text_search(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    config = SEARCH_CONFIG
    search_query = SearchQuery(query, search_type="websearch", config=config)
    marks = {"start_sel": MARK_START, "stop_sel": MARK_STOP}
    return (
        articles.filter(search_vector=search_query)
        # alias(): the rank orders rows but is not fetched.
        .alias(rank=SearchRank(F("search_vector"), search_query))
        .annotate(
            title_headline=SearchHeadline(
                "title", search_query, config=config, highlight_all=True, **marks
            ),
            excerpt_headline=SearchHeadline(
                Concat("standfirst", Value(" "), _body_text(), output_field=TextField()),
                search_query,
                config=config,
                max_words=40,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
                **marks,
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def _word_search(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    for term in search_terms(query):
        articles = articles.filter(
            Q(title__icontains=term)
            | Q(standfirst__icontains=term)
            | Q(body__icontains=term)
            | Q(source__name__icontains=term)
        )
    return articles.order_by("-published_at", "-pk")


def highlight(text: str, query: str) -> SafeString:
    """`text` escaped, with each word of `query` wrapped in <mark>."""
    terms = search_terms(query)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # every piece is escaped above


def marked_html(headline: str) -> SafeString:
    """A database headline (plain text with MARK_START/STOP) as escaped HTML with <mark>s."""
    escaped = escape(headline)
    return mark_safe(  # escaped; only our own tags added
        escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    )


def article_text(article: Article) -> str:
    """The standfirst and body as plain text, entities decoded."""
    return " ".join(unescape(strip_tags(f"{article.standfirst} {article.body}")).split())


def search_excerpt(article: Article, query: str) -> SafeString:
    """A highlighted excerpt of `article` around the first match of `query`."""
    headline = getattr(article, "excerpt_headline", None)
    if headline is not None:
        return marked_html(" ".join(unescape(headline).split()))
    text = article_text(article)
    positions = [
        match.start()
        for term in search_terms(query)
        if (match := re.search(re.escape(term), text, re.IGNORECASE))
    ]
    start = max(0, min(positions, default=0) - EXCERPT_LENGTH // 3)
    if start:
        # Begin on a word boundary.
        start = text.find(" ", start) + 1 or start
    end = start + EXCERPT_LENGTH
    excerpt = text[start:end].rsplit(" ", 1)[0] if end < len(text) else text[start:]
    return format_html(
        "{}{}{}",
        "… " if start else "",
        highlight(excerpt, query),
        " …" if end < len(text) else "",
    )


def search_title(article: Article, query: str) -> SafeString:
    headline = getattr(article, "title_headline", None)
    if headline is not None:
        return marked_html(headline)
    return highlight(article.title, query)
