"""`{% load reader %}`: the sidebar, share links, JSON-LD and search highlighting."""

from urllib.parse import quote, urlencode

from django import template

from blog import search, selectors
from blog.structured_data import article_json_ld, json_ld_script

register = template.Library()


@register.inclusion_tag("blog/_sidebar.html")
def sidebar():
    return selectors.sidebar_widgets()


@register.inclusion_tag("blog/_share.html", takes_context=True)
def share_links(context, article):
    """Plain share links: no third-party script runs on the page and nothing is tracked."""
    url = context["request"].build_absolute_uri(article.get_absolute_url())
    title = article.title
    return {
        "url": url,
        "services": [
            ("Email", f"mailto:?subject={quote(title)}&body={quote(url)}"),
            ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
            ("X", "https://x.com/intent/tweet?" + urlencode({"text": title, "url": url})),
            ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
            ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {url}"})),
        ],
    }


@register.simple_tag(takes_context=True)
def json_ld(context, article):
    return json_ld_script(
        article_json_ld(article, absolute_url=context["request"].build_absolute_uri)
    )


@register.simple_tag
def search_title(article, query):
    return search.search_title(article, query)


@register.simple_tag
def search_excerpt(article, query):
    return search.search_excerpt(article, query)
