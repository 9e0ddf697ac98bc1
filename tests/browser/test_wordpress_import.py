"""Moving in from WordPress in a real browser: upload the export in the admin, read the dry
run's table, import it, and read an imported story with its threaded comments."""

import re
from pathlib import Path

import pytest
from django_comments_xtd.models import XtdComment

from tests.browser.signin import staff_sign_in

pytestmark = pytest.mark.browser

EXPORT = Path(__file__).parents[1] / "fixtures" / "wordpress" / "field-notes.xml"


def test_a_superuser_imports_a_wordpress_blog_and_its_discussion_reads_as_threads(
    live_server, page, editor, settings, tmp_path
):
    settings.WORDPRESS_IMPORT_DIR = tmp_path / "staged"
    staff_sign_in(page, live_server.url, "editor@example.org", "editor-password")
    page.goto(f"{live_server.url}/admin/blog/article/")
    page.get_by_role("link", name="Import from WordPress").click()
    page.set_input_files("input[name=export]", str(EXPORT))
    page.get_by_role("button", name="Check the file").click()

    posts = page.locator("#wordpress-summary tr", has_text="Posts")
    assert posts.locator("td").all_inner_texts()[:4] == ["6", "0", "2", "0"]
    assert "Nothing is saved yet" in page.locator(".wordpress-outcome").inner_text()
    page.get_by_role("button", name="Import it").click()
    # The import's own page (a progress bar while the task worker imports), then its
    # summary, which a reload shows again.
    assert re.search(r"/import-wordpress/[0-9a-f]{32}/$", page.url)
    assert page.locator(".wordpress-outcome").inner_text().startswith("Imported")
    page.reload()
    comments = page.locator("#wordpress-summary tr", has_text="Comments")
    assert comments.locator("td").all_inner_texts()[0] == "6"

    # The old permalink leads to the story; Alice's answer sits under Nadia's comment.
    page.goto(f"{live_server.url}/2024/03/06/floods-le-pre/")
    assert page.locator("h1").first.inner_text().startswith("Floods in Le Pré-Saint-Gervais")
    nadia = XtdComment.objects.get(user_name="Nadia")
    alice = XtdComment.objects.get(user_name="Alice Aubert")
    reply = page.locator(f"#comment-{nadia.pk} #comment-{alice.pk}")
    assert "could you send them to us?" in reply.inner_text()
    # The [caption] shortcode is a figure in the body, beside the featured photo's own, and
    # the [gallery] one of its image (with the attachment's caption).
    captions = page.locator("figure figcaption").all_inner_texts()
    assert captions == ["The square at 11am", "The square at 11am & rising", "The square at 11am"]
    assert page.locator("text=[gallery").count() == 0
    assert page.locator("text=Nobody cares.").count() == 0  # trashed in WordPress
