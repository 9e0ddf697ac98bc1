"""The editors' side of the wire import: sources with feeds, "Import now", pasted stories,
and agency updates waiting for review."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from blog import wire
from blog.models import Article, Source, SourceFeed
from blog.wire.importing import _content_of

STORY_TEXT = """Ceasefire talks resume in Istanbul

Delegates at the table on Thursday / Reuters

Delegations from both sides met for the first time in months.

The talks will continue on Friday, the hosts said.

(C)UNIAN 2024
"""
STORY_PAGE = b"""<!DOCTYPE html><html><head>
<title>Ceasefire talks resume | UNIAN</title>
<meta property="og:title" content="Ceasefire talks resume">
<meta name="author" content="Jane Doe">
<meta name="description" content="Delegations met for the first time in months.">
<meta property="og:image" content="/photos/talks.jpg">
<meta property="article:published_time" content="2024-05-02T08:15:00+03:00">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Ceasefire talks resume</h1>
<p>Delegations from both sides met in Istanbul on Thursday, for the first time in months, to
discuss a ceasefire along the whole front line and an exchange of prisoners.</p>
<p>The talks will continue on Friday, the hosts said, and <a href="/world/hosts?utm_source=x">the
hosts</a> expect a joint statement by the end of the week.</p>
<script>track()</script>
</article>
<footer>Subscribe to our newsletter</footer>
</body></html>"""


@pytest.fixture
def tasks_backend(settings):
    """Choose the django-tasks backend for a test."""
    # django_tasks rebuilds its backends when TASKS changes through a receiver in its
    # signals module, which its AppConfig loads only when the app is installed.
    import django_tasks.signals  # noqa: F401

    def use(backend):
        settings.TASKS = {"default": {"BACKEND": f"django_tasks.backends.{backend}"}}

    return use


@pytest.fixture
def staff_without_rights(django_user_model):
    user = django_user_model.objects.create_user("intern", "intern@example.org", "pw")
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "view_source", "change_source"])
    )
    return user


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Sources and their feeds -------------------------------------------------------------


def test_an_editor_adds_a_source_with_a_feed(client, editor, world):
    client.force_login(editor)
    response = client.post(
        "/admin/blog/source/add/",
        {
            "name": "Reuters",
            "slug": "reuters",
            "homepage": "https://www.reuters.com/",
            "licence_note": "",
            "copyright_notice": "© Reuters {year}",
            "canonical_required": "on",
            "default_category": world.pk,
            "feeds-TOTAL_FORMS": "1",
            "feeds-INITIAL_FORMS": "0",
            "feeds-MIN_NUM_FORMS": "0",
            "feeds-MAX_NUM_FORMS": "1000",
            "feeds-0-url": "https://feeds.reuters.example/world.rss",
            "feeds-0-is_active": "on",
            "feeds-0-interval_minutes": "15",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    source = Source.objects.get(slug="reuters")
    assert (source.default_category, source.publish_on_import) == (world, False)
    feed = SourceFeed.objects.get(source=source)
    assert (feed.url, feed.interval_minutes) == ("https://feeds.reuters.example/world.rss", 15)


def test_the_source_page_shows_each_feeds_last_import(client, editor, serve, add_feed, unian):
    add_feed(serve("/unian.rss", "unian_rss.xml"))
    wire.wire_import()
    client.force_login(editor)
    html = client.get(f"/admin/blog/source/{unian.pk}/change/").content.decode()
    assert "Imported: 3 new" in html


def test_filing_a_draft_in_the_admin_does_not_stop_agency_updates(
    client, editor, serve, add_feed, feed_server, world
):
    story = "&lt;p&gt;Talks began.&lt;/p&gt;\n&lt;p&gt;{}&lt;/p&gt;"
    feed = '<rss version="2.0"><channel><title>U</title><item><title>Talks</title>'
    feed += "<guid>talks-1</guid><link>https://www.unian.info/talks.html</link>"
    feed += "<description>{}</description></item></channel></rss>"
    add_feed(serve("/live.rss", feed.format(story.format("More soon.")).encode()))
    wire.wire_import()
    article = Article.objects.get()
    client.force_login(editor)
    # The editor only files the draft under a category; the browser sends the story back
    # with CRLF line ends, as it does for every text area.
    response = client.post(
        f"/admin/blog/article/{article.pk}/change/",
        {
            "title": article.title,
            "slug": article.slug,
            "standfirst": article.standfirst,
            "body": article.body.replace("\n", "\r\n"),
            "status": "draft",
            "published_at_0": "",
            "published_at_1": "",
            "source": article.source_id,
            "original_url": article.original_url,
            "original_byline": article.original_byline,
            "copyright_line": article.copyright_line,
            "photo_url": article.photo_url,
            "photo_alt": "",
            "photo_caption": article.photo_caption,
            "photo_credit": article.photo_credit,
            "categories": [world.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    feed_server.clear()
    serve("/live.rss", feed.format(story.format("Talks ended.")).encode())

    assert [item.outcome for item in wire.wire_import().feeds[0].items] == ["updated"]
    article.refresh_from_db()
    assert article.body == "<p>Talks began.</p>\n<p>Talks ended.</p>"
    assert list(article.categories.all()) == [world]


# --- Import now --------------------------------------------------------------------------


def test_import_now_imports_the_selected_sources_and_reports(
    client, editor, serve, add_feed, unian, tasks_backend
):
    tasks_backend("immediate.ImmediateBackend")
    url = serve("/unian.rss", "unian_rss.xml")
    add_feed(url)
    client.force_login(editor)

    response = client.post(
        "/admin/blog/source/",
        {"action": "import_now", "_selected_action": [unian.pk]},
        follow=True,
    )

    assert messages_of(response) == [f"UNIAN · {url}: 3 new"]
    assert Article.objects.filter(status=Article.Status.DRAFT, source=unian).count() == 3


def test_import_now_reports_failures_as_warnings(
    client, editor, feed_server, serve, add_feed, unian, make_source, tasks_backend
):
    tasks_backend("immediate.ImmediateBackend")
    feed_server.expect_request("/down.rss").respond_with_data("", status=502)
    down = make_source("Down agency")
    add_feed(feed_server.url_for("/down.rss"), down)
    add_feed(serve("/odd.rss", "odd_items.xml"))
    quiet = make_source("Quiet agency")
    client.force_login(editor)

    response = client.post(
        "/admin/blog/source/",
        {"action": "import_now", "_selected_action": [unian.pk, down.pk, quiet.pk]},
        follow=True,
    )

    assert [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)] == [
        ("warning", "Quiet agency has no active feed."),
        (
            "warning",
            f"Down agency · {feed_server.url_for('/down.rss')}: failed: HTTP 502 BAD GATEWAY",
        ),
        (
            "warning",
            f"UNIAN · {feed_server.url_for('/odd.rss')}: 4 new, 1 skipped, 1 failed. "
            "Failed: “Has neither ID nor link” (no ID and no link: it cannot be de-duplicated)",
        ),
    ]


def test_import_now_mentions_updates_held_for_review(
    client, editor, serve, add_feed, feed_server, unian, tasks_backend
):
    tasks_backend("immediate.ImmediateBackend")
    feed = '<rss version="2.0"><channel><title>U</title><item><title>{}</title>'
    feed += "<guid>a</guid><description>Text.</description></item></channel></rss>"
    url = serve("/live.rss", feed.format("Before").encode())
    add_feed(url)
    wire.wire_import()
    Article.objects.update(status=Article.Status.PUBLISHED)
    feed_server.clear()
    serve("/live.rss", feed.format("After").encode())
    client.force_login(editor)

    response = client.post(
        "/admin/blog/source/",
        {"action": "import_now", "_selected_action": [unian.pk]},
        follow=True,
    )

    assert messages_of(response) == [
        f"UNIAN · {url}: 1 held. Held updates wait in the articles filtered by “agency update”"
    ]


def test_an_import_that_crashes_is_reported(client, editor, unian, tasks_backend, monkeypatch):
    tasks_backend("immediate.ImmediateBackend")

    def crash(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("blog.tasks.wire_import", crash)
    client.force_login(editor)
    response = client.post(
        "/admin/blog/source/",
        {"action": "import_now", "_selected_action": [unian.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert messages_of(response) == ["The import failed: see the server log."]


def test_import_now_is_queued_when_a_worker_runs_the_tasks(
    client, editor, serve, add_feed, unian, tasks_backend
):
    tasks_backend("dummy.DummyBackend")
    add_feed(serve("/unian.rss", "unian_rss.xml"))
    client.force_login(editor)

    response = client.post(
        "/admin/blog/source/",
        {"action": "import_now", "_selected_action": [unian.pk]},
        follow=True,
    )

    assert messages_of(response)[0].startswith("Import queued: the task worker runs it shortly.")
    assert Article.objects.count() == 0
    from django_tasks import default_task_backend

    (queued,) = default_task_backend.results
    assert (queued.task.name, queued.kwargs) == ("wire_import_task", {"source_ids": [unian.pk]})


def test_import_now_is_not_offered_to_staff_who_cannot_add_articles(
    client, staff_without_rights, serve, add_feed, unian
):
    add_feed(serve("/unian.rss", "unian_rss.xml"))
    client.force_login(staff_without_rights)
    assert "import_now" not in client.get("/admin/blog/source/").content.decode()
    client.post("/admin/blog/source/", {"action": "import_now", "_selected_action": [unian.pk]})
    assert Article.objects.count() == 0


# --- Paste a wire story ------------------------------------------------------------------


def test_the_article_list_links_to_the_paste_form(client, editor):
    client.force_login(editor)
    html = client.get("/admin/blog/article/").content.decode()
    assert '<a href="/admin/blog/article/paste/">Paste a wire story</a>' in html
    form = client.get("/admin/blog/article/paste/")
    assert form.status_code == 200
    assert 'name="text"' in form.content.decode()


def test_pasted_text_becomes_an_attributed_draft(client, editor, unian):
    client.force_login(editor)

    response = client.post(
        "/admin/blog/article/paste/",
        {
            "source": unian.pk,
            "url": "https://www.unian.info/world/talks.html?utm_source=tg",
            "text": STORY_TEXT,
        },
    )

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/blog/article/{article.pk}/change/"
    assert article.status == Article.Status.DRAFT
    assert article.title == "Ceasefire talks resume in Istanbul"
    assert article.body == (
        "<p>Delegations from both sides met for the first time in months.</p>"
        "<p>The talks will continue on Friday, the hosts said.</p>"
    )
    assert (article.photo_caption, article.photo_credit) == (
        "Delegates at the table on Thursday",
        "Reuters",
    )
    assert article.copyright_line == "(C)UNIAN 2024"
    assert article.original_url == "https://www.unian.info/world/talks.html"
    assert (article.source, article.author) == (unian, editor)


def test_pasted_html_is_cleaned(client, editor, unian):
    client.force_login(editor)
    client.post(
        "/admin/blog/article/paste/",
        {
            "source": unian.pk,
            "url": "https://www.unian.info/world/x.html",
            "text": '<h2>Headline here</h2><p onclick="x()">Text <a href="/more">more</a></p>'
            "<script>alert(1)</script><p>(C)UNIAN 2024</p>",
        },
    )
    article = Article.objects.get()
    assert article.title == "Headline here"
    assert article.body == (
        '<p>Text <a href="https://www.unian.info/more" rel="nofollow noopener">more</a></p>'
    )
    assert article.copyright_line == "(C)UNIAN 2024"


def test_a_pasted_address_is_fetched_and_extracted(client, editor, unian, serve):
    url = serve("/world/talks.html", STORY_PAGE, content_type="text/html; charset=utf-8")
    client.force_login(editor)

    response = client.post("/admin/blog/article/paste/", {"source": unian.pk, "url": url})

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Ceasefire talks resume"
    assert article.original_byline == "Jane Doe"
    assert article.standfirst == "Delegations met for the first time in months."
    assert article.photo_url == url.replace("/world/talks.html", "/photos/talks.jpg")
    assert "Delegations from both sides met in Istanbul" in article.body
    assert url.replace("/world/talks.html", "/world/hosts") in article.body
    for unwanted in ("Subscribe", "track()", "utm_source", "<h1>"):
        assert unwanted not in article.body
    assert article.copyright_line == "(C)UNIAN 2024"


def test_an_address_that_fails_is_explained_and_nothing_is_lost(
    client, editor, unian, feed_server, wire_settings
):
    feed_server.expect_request("/gone.html").respond_with_data("", status=404)
    client.force_login(editor)

    response = client.post(
        "/admin/blog/article/paste/",
        {"source": unian.pk, "url": feed_server.url_for("/gone.html")},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "HTTP 404 NOT FOUND" in html
    assert f'value="{feed_server.url_for("/gone.html")}"' in html
    assert Article.objects.count() == 0


def test_an_empty_paste_is_explained(client, editor, unian):
    client.force_login(editor)
    response = client.post("/admin/blog/article/paste/", {"source": unian.pk})
    assert "Paste the story, or give the address of its original." in response.content.decode()
    assert Article.objects.count() == 0


def test_a_paste_without_a_headline_is_explained_and_kept(client, editor, unian):
    pasted = "<p>" + "A long first paragraph that cannot be a headline. " * 8 + "</p>"
    client.force_login(editor)
    response = client.post("/admin/blog/article/paste/", {"source": unian.pk, "text": pasted})
    html = response.content.decode()
    assert "No title found: put the headline on the first line." in html
    assert "A long first paragraph that cannot be a headline." in html  # still in the form
    assert Article.objects.count() == 0


def test_a_story_already_on_the_site_is_opened_not_duplicated(client, editor, unian, article):
    client.force_login(editor)
    response = client.post(
        "/admin/blog/article/paste/",
        {"source": unian.pk, "url": article.original_url, "text": STORY_TEXT},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/admin/blog/article/{article.pk}/change/"
    assert messages_of(response) == ["That story is already on the site: here it is."]
    assert Article.objects.count() == 1


def test_the_paste_form_is_closed_to_strangers(client, stranger):
    client.force_login(stranger)
    response = client.get("/admin/blog/article/paste/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_paste_form_is_closed_to_staff_who_cannot_add_articles(client, staff_without_rights):
    client.force_login(staff_without_rights)
    assert client.get("/admin/blog/article/paste/").status_code == 403


# --- Agency updates waiting for review -------------------------------------------------


@pytest.fixture
def held_article(make_article):
    article = make_article(
        title="Talks resume",
        body="<p>The editor's words.</p>",
        wire_guid="talks-1",
        wire_snapshot={"title": "Talks resume", "body": "<p>Agency v1.</p>"},
    )
    article.wire_update = {
        "content": {**_content_of(article), "body": "<p>Agency v2.</p>"},
        "received_at": "2024-05-02T09:30:00+00:00",
    }
    article.save()
    return article


def test_the_change_page_shows_the_waiting_update(client, editor, held_article):
    client.force_login(editor)
    html = client.get(f"/admin/blog/article/{held_article.pk}/change/").content.decode()
    assert "The agency updated this story" in html
    assert "Received 2 May 2024, 09:30." in html
    assert "<td>The editor&#x27;s words.</td>" in html
    assert "<del>The editor&#x27;s words.</del><ins>Agency v2.</ins>" in html
    listing = client.get("/admin/blog/article/?wire_update=waiting").content.decode()
    assert "Published · agency update waiting" in listing


def test_applying_the_update_replaces_the_story(client, editor, held_article):
    client.force_login(editor)
    response = client.post(f"/admin/blog/article/{held_article.pk}/wire-update/apply/")
    assert response["Location"] == f"/admin/blog/article/{held_article.pk}/change/"
    held_article.refresh_from_db()
    assert (held_article.body, held_article.wire_update) == ("<p>Agency v2.</p>", None)
    assert held_article.is_public  # still published: applying is the editor's decision


def test_dismissing_the_update_keeps_the_story(client, editor, held_article):
    client.force_login(editor)
    client.post(f"/admin/blog/article/{held_article.pk}/wire-update/dismiss/")
    held_article.refresh_from_db()
    assert (held_article.body, held_article.wire_update) == ("<p>The editor's words.</p>", None)
    assert held_article.wire_snapshot["body"] == "<p>Agency v2.</p>"


def test_the_update_views_reject_get(client, editor, held_article):
    client.force_login(editor)
    assert (
        client.get(f"/admin/blog/article/{held_article.pk}/wire-update/apply/").status_code == 405
    )
    held_article.refresh_from_db()
    assert held_article.wire_update is not None


def test_the_update_views_deny_a_stranger(client, stranger, held_article):
    client.force_login(stranger)
    response = client.post(f"/admin/blog/article/{held_article.pk}/wire-update/apply/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    held_article.refresh_from_db()
    assert held_article.body == "<p>The editor's words.</p>"


def test_the_update_views_deny_staff_who_cannot_change_articles(
    client, staff_without_rights, held_article
):
    client.force_login(staff_without_rights)
    response = client.post(f"/admin/blog/article/{held_article.pk}/wire-update/apply/")
    assert response.status_code == 403
    held_article.refresh_from_db()
    assert held_article.body == "<p>The editor's words.</p>"


def test_an_unknown_decision_is_404(client, editor, held_article):
    client.force_login(editor)
    response = client.post(f"/admin/blog/article/{held_article.pk}/wire-update/ignore/")
    assert response.status_code == 404
