"""The newsroom in a real browser: review from submission to the author's email, restoring a
revision, and an autosave that outlives its tab."""

import pytest

from blog.models import Article
from blog.revisions import revision_by
from tests.browser.signin import staff_sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def immediate_tasks(settings):
    # The author's email goes out in the request (django_tasks resets its backends on a
    # TASKS change through its signals module).
    import django_tasks.signals  # noqa: F401

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def logged_in_page(browser, live_server, username):
    context = browser.new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    staff_sign_in(page, live_server.url, f"{username}@example.org", f"{username}-password")
    return page


def test_a_contributor_submits_an_editor_publishes_and_the_contributor_is_told(
    live_server, browser, make_staff, smtp, immediate_tasks
):
    contributor = make_staff("Contributor", "carla")
    make_staff("Editor", "desk")

    page = logged_in_page(browser, live_server, "carla")
    page.goto(f"{live_server.url}/admin/blog/article/add/")
    page.fill("#id_title", "Harvest starts early")
    page.locator(".prose-editor .tiptap").fill("Farmers began the harvest a week early.")
    assert page.locator("#id_status option").all_inner_texts() == ["Draft", "Pending review"]
    page.select_option("#id_status", "pending")
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    page.context.close()

    page = logged_in_page(browser, live_server, "desk")
    page.get_by_role("link", name="1 story awaiting review").click()
    page.get_by_role("link", name="Harvest starts early").click()
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    page.context.close()

    article = Article.objects.get(title="Harvest starts early")
    assert article.is_public
    [message] = smtp.to(contributor.email)
    assert message["Subject"].strip() == "[Wirepress] “Harvest starts early” is published"
    assert article.get_absolute_url() in message.get_body(("plain",)).get_content()


def test_an_editor_restores_an_earlier_revision(live_server, browser, make_staff, article):
    editor = make_staff("Editor", "desk")
    for title in ("The first title", "A worse title"):
        with revision_by(editor, f"Titled “{title}”."):
            article.title = title
            article.save()

    page = logged_in_page(browser, live_server, "desk")
    page.goto(f"{live_server.url}/admin/blog/article/{article.pk}/change/")
    page.get_by_role("link", name="Revisions").click()
    assert page.locator(".text-diff del").first.inner_text().strip() == "The first"
    page.get_by_role("button", name="Restore this revision").click()
    assert page.input_value("#id_title") == "The first title"
    assert "The revision is restored" in page.locator(".messagelist").inner_text()
    page.context.close()
    article.refresh_from_db()
    assert article.title == "The first title"


def test_an_autosaved_draft_survives_closing_the_tab(live_server, browser, make_staff, settings):
    settings.ARTICLE_AUTOSAVE_SECONDS = 1
    make_staff("Author", "ann")

    page = logged_in_page(browser, live_server, "ann")
    page.goto(f"{live_server.url}/admin/blog/article/add/")
    with page.expect_response("**/admin/blog/article/autosave/") as autosaved:
        page.fill("#id_title", "Storm hits the coast")
        page.locator(".prose-editor .tiptap").fill("Winds of 120 km/h.")
    assert autosaved.value.ok
    # Leaving with unsaved changes asks first.
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.close(run_before_unload=True)
    page.context.close()
    assert dialogs == ["beforeunload"]
    assert not Article.objects.exists()

    page = logged_in_page(browser, live_server, "ann")
    page.goto(f"{live_server.url}/admin/blog/article/add/")
    assert "There is an autosave of a story you had not saved" in page.inner_text(".autosave-offer")
    page.get_by_role("button", name="Restore the autosave").click()
    assert page.input_value("#id_title") == "Storm hits the coast"
    assert page.input_value("#id_body") == "<p>Winds of 120 km/h.</p>"
    # The editor shows it, not only the field under it.
    assert page.inner_text(".prose-editor .tiptap") == "Winds of 120 km/h."
    page.click("input[name=_save]")
    assert Article.objects.get().title == "Storm hits the coast"
    assert Article.objects.get().body == "<p>Winds of 120 km/h.</p>"
    page.context.close()
