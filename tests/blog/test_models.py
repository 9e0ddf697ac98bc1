import datetime

from django.utils import timezone

from blog.models import Article


def test_published_excludes_drafts_and_scheduled(make_article):
    visible = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + datetime.timedelta(days=1))
    assert list(Article.objects.published()) == [visible]


def test_publishing_without_a_time_publishes_now(make_article):
    article = make_article(published_at=None)
    assert article.published_at is not None
    assert article.is_public


def test_copyright_line_defaults_to_the_sources_notice_for_the_year(make_article):
    article = make_article(published_at=datetime.datetime(2021, 10, 21, tzinfo=datetime.UTC))
    assert article.copyright_line == "(C)UNIAN 2021"


def test_an_editors_copyright_line_is_kept(make_article):
    assert make_article(copyright_line="© AP 2024").copyright_line == "© AP 2024"


def test_body_is_sanitized_on_save(make_article):
    article = make_article(body='<p onmouseover="x()">Hi</p><script>x()</script>')
    article.refresh_from_db()
    assert article.body == "<p>Hi</p>"


def test_slug_comes_from_the_title(make_article):
    assert make_article(title="NATO – Russia talks", slug="").slug == "nato-russia-talks"


def test_url_carries_the_publication_date(make_article):
    article = make_article(
        slug="talks", published_at=datetime.datetime(2021, 10, 21, 12, tzinfo=datetime.UTC)
    )
    assert article.get_absolute_url() == "/2021/10/21/talks/"


def test_canonical_url_only_when_the_source_requires_it(article, unian):
    assert article.canonical_url == ""
    unian.canonical_required = True
    unian.save()
    article.refresh_from_db()
    assert article.canonical_url == "https://www.unian.info/world/nato-russia.html"
