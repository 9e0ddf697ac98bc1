"""What search engines and social networks read: JSON-LD NewsArticle, Open Graph and
Twitter cards, share links."""

import json
import re

import pytest

from blog.models import Article, Category, Tag

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def og_image_url(article):
    url = article.featured_image.file.url
    return url.removesuffix(".jpg") + "/1200w.jpeg"


def json_ld(html):
    (payload,) = JSON_LD.findall(html)
    return json.loads(payload)


@pytest.fixture
def photo_article(article, make_image, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the renditions
        article.featured_image = make_image(
            (1600, 900), alt="Jens Stoltenberg at a lectern", credit="Reuters"
        )
    article.save()
    article.categories.add(Category.objects.create(name="World", slug="world"))
    article.tags.add(Tag.objects.create(name="NATO", slug="nato"))
    return article


def test_json_ld_describes_the_news_article_with_its_attribution(client, photo_article):
    article = photo_article
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    page_url = f"http://testserver{article.get_absolute_url()}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["mainEntityOfPage"]["@id"] == page_url
    assert data["datePublished"].startswith(article.published_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert data["dateModified"] >= data["datePublished"]
    assert data["author"] == [{"@type": "Person", "name": "UNIAN correspondent"}]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Wirepress",
        "url": "http://testserver/",
        "logo": {
            "@type": "ImageObject",
            "url": "http://testserver/static/img/logo.png",
            "width": 512,
            "height": 512,
        },
    }
    # The 1200 px rendition, not the original.
    assert data["image"][0]["url"] == f"http://testserver{og_image_url(article)}"
    assert (data["image"][0]["width"], data["image"][0]["height"]) == (1200, 675)
    assert data["image"][0]["creditText"] == "Reuters"
    assert data["isBasedOn"] == "https://www.unian.info/world/nato-russia.html"
    assert data["sourceOrganization"] == {
        "@type": "NewsMediaOrganization",
        "name": "UNIAN",
        "url": "https://www.unian.info/",
    }
    assert data["copyrightNotice"] == f"(C)UNIAN {article.published_at.year}"
    assert data["articleSection"] == ["World"]
    assert data["keywords"] == ["NATO"]


def test_without_a_byline_the_agency_is_the_author(client, make_article):
    article = make_article(original_byline="")
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["author"] == [
        {"@type": "NewsMediaOrganization", "name": "UNIAN", "url": "https://www.unian.info/"}
    ]


def test_json_ld_cannot_be_broken_out_of(client, make_article):
    article = make_article(title='</script><script>alert("x")</script>')
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert json_ld(html)["headline"] == '</script><script>alert("x")</script>'


def test_drafts_have_no_json_ld(client, editor, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    assert not JSON_LD.findall(client.get(draft.get_absolute_url()).content.decode())


def test_open_graph_and_twitter_cards_with_the_photo(client, photo_article):
    article = photo_article
    html = client.get(article.get_absolute_url()).content.decode()
    image = f"http://testserver{og_image_url(article)}"
    for tag in (
        '<meta property="og:type" content="article">',
        f'<meta property="og:image" content="{image}">',
        '<meta property="og:image:width" content="1200">',
        '<meta property="og:image:alt" content="Jens Stoltenberg at a lectern">',
        '<meta property="article:section" content="World">',
        '<meta property="article:tag" content="NATO">',
        '<meta name="twitter:card" content="summary_large_image">',
        f'<meta name="twitter:title" content="{article.title}">',
        f'<meta name="twitter:image" content="{image}">',
    ):
        assert tag in html


def test_a_story_without_a_photo_gets_a_small_card(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<meta name="twitter:card" content="summary">' in html
    assert "og:image" not in html


def test_other_pages_describe_the_site(client, db):
    html = client.get("/").content.decode()
    assert '<meta property="og:type" content="website">' in html
    assert '<meta property="og:site_name" content="Wirepress">' in html


def test_share_links_are_plain_links_without_scripts(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    url = f"http%3A%2F%2Ftestserver%2F{article.get_absolute_url()[1:].replace('/', '%2F')}"
    assert "Share this:" in html
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={url}"' in html
    assert 'href="https://x.com/intent/tweet?text=NATO-Russia+Relations' in html
    assert f"&amp;url={url}" in html
    assert f'href="https://t.me/share/url?url={url}' in html
    assert 'href="https://wa.me/?text=NATO-Russia' in html
    assert 'href="mailto:?subject=NATO-Russia%20Relations' in html
    assert (
        f'<a href="http://testserver{article.get_absolute_url()}" data-copy-link>Copy link</a>'
        in html
    )
    # The only scripts are the site's own.
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"", html)
    assert sorted(scripts) == ["/static/js/comments.js", "/static/js/reader.js"]
