"""The editor's desk in a real browser: write, format and illustrate a story without typing
HTML, and what readers then get."""

import re
from pathlib import Path

import pytest
from PIL import Image as PillowImage
from playwright.sync_api import expect

from blog import wire
from blog.models import Article, Source, SourceFeed
from tests.browser.signin import staff_sign_in

pytestmark = pytest.mark.browser

FEED = Path(__file__).parents[1] / "blog" / "feeds" / "unian_rss.xml"


def log_in(page, live_server):
    staff_sign_in(page, live_server.url, "editor@example.org", "editor-password")


def photo_jpeg(tmp_path):
    path = tmp_path / "summit.jpg"
    PillowImage.new("RGB", (1600, 1000), "navy").save(path, "JPEG")
    return path


def test_an_editor_writes_illustrates_and_publishes_a_story_that_a_reader_reads(
    live_server, page, browser, editor, unian, tmp_path
):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/blog/article/add/")
    page.fill("#id_title", "Ceasefire talks resume")
    body = page.locator(".prose-editor [contenteditable=true]")
    menu = page.locator(".prose-menubar").first
    word_count = page.locator(".editor-word-count")
    expect(word_count).to_have_text("0 words · 1 min read")

    # A heading, from the block-type menu.
    body.click()
    page.keyboard.type("Where things stand")
    menu.locator(".prose-menubar__selected").click()
    menu.locator(".prose-menubar__option[data-name=heading2]").click()
    # A bold word, with the toolbar.
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("The talks are ")
    menu.locator("[data-name=bold]").click()
    page.keyboard.type("historic")
    menu.locator("[data-name=bold]").click()
    page.keyboard.type(", says the agency")
    # A bulleted list.
    page.keyboard.press("Enter")
    menu.locator("[data-name=bulletList]").click()
    page.keyboard.type("Ankara")
    page.keyboard.press("Enter")
    page.keyboard.type("Kyiv")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(word_count).to_have_text("12 words · 1 min read")

    # An image uploaded from the editor into the library, with its description and caption.
    menu.locator("[data-name=figure]").click()
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Browse...").click()
    library = opened.value
    library.set_input_files("#id_file", photo_jpeg(tmp_path))
    library.fill("#id_alt", "Delegates around a table")
    library.fill("#id_caption", "The delegations in Istanbul")
    library.fill("#id_credit", "Reuters")
    with library.expect_event("close"):
        library.get_by_role("button", name="Upload and insert").click()
    assert page.input_value("dialog[open] input[name=altText]") == "Delegates around a table"
    assert page.input_value("dialog[open] input[name=caption]") == "The delegations in Istanbul"
    page.click("dialog[open] button[type=submit]")

    # A link opening in a new tab, on a word picked with the mouse.
    word = body.evaluate(
        """body => {
            const text = [...body.querySelectorAll("p")].find(p => p.textContent.endsWith("agency"))
                .lastChild;
            const range = document.createRange();
            range.setStart(text, text.length - "agency".length);
            range.setEnd(text, text.length);
            const box = range.getBoundingClientRect();
            return {x: box.x + box.width / 2, y: box.y + box.height / 2};
        }"""
    )
    page.mouse.dblclick(word["x"], word["y"])
    menu.locator("[data-name=link]").click()
    page.fill("dialog[open] input[name=href]", "https://www.unian.info/world")
    page.check("dialog[open] input[name=openInNewWindow]")
    page.click("dialog[open] button[type=submit]")
    assert page.input_value("#id_body").startswith(
        "<h2>Where things stand</h2><p>The talks are <strong>historic</strong>, says the "
        '<a target="_blank" rel="noopener" href="https://www.unian.info/world" title="">'
        "agency</a></p><ul><li><p>Ankara</p></li><li><p>Kyiv</p></li></ul><figure"
    )

    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    article = Article.objects.get(title="Ceasefire talks resume")
    assert article.is_public

    # A reader on a 390 px phone sees the formatting and the illustrated story.
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    reader = phone.new_page()
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    story = reader.locator(".article-body")
    assert story.locator("h2").inner_text() == "Where things stand"
    assert story.locator("strong").inner_text() == "historic"
    link = story.get_by_role("link", name="agency")
    assert link.get_attribute("href") == "https://www.unian.info/world"
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel").split()
    assert story.locator("ul li").all_inner_texts() == ["Ankara", "Kyiv"]
    figure = story.locator("figure")
    assert figure.locator("figcaption").inner_text() == "The delegations in Istanbul / Reuters"
    image = figure.locator("img")
    assert image.get_attribute("alt") == "Delegates around a table"
    assert (image.get_attribute("width"), image.get_attribute("height")) == ("1600", "1000")
    assert image.get_attribute("loading") == "lazy"
    image.scroll_into_view_if_needed()
    reader.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    # 390 px less the margins is 358 px wide: the 400 px rendition, not the 1600 px original.
    assert re.search(r"/400w\.(avif|webp)$", image.evaluate("img => img.currentSrc"))
    assert reader.locator(".reading-time").inner_text() == "1 min read"
    phone.close()

    # At 320 px nothing makes the page scroll sideways.
    narrow = browser.new_context(viewport={"width": 320, "height": 640})
    reader = narrow.new_page()
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert reader.evaluate("document.documentElement.scrollWidth") <= 320
    narrow.close()


def reader_view(page, url):
    """What a reader sees of a story's body: its text and its structure."""
    page.goto(url)
    return page.locator(".article-body").evaluate(
        """body => ({
            text: body.innerText,
            elements: [...body.querySelectorAll("*")]
                .filter(e => !["P", "B", "STRONG", "I", "EM"].includes(e.tagName))
                .map(e => e.tagName + " " + (e.getAttribute("href") || e.getAttribute("src") || "")),
        })"""
    )


def open_and_save(page, live_server, article):
    page.goto(f"{live_server.url}/admin/blog/article/{article.pk}/change/")
    page.locator(".prose-editor [contenteditable=true]").wait_for()
    page.click("input[name=_save]")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()


def test_opening_and_saving_the_demo_story_changes_nothing_a_reader_sees(
    live_server, page, editor, demo
):
    log_in(page, live_server)
    url = f"{live_server.url}{demo.get_absolute_url()}"
    before = reader_view(page, url)

    open_and_save(page, live_server, demo)

    assert reader_view(page, url) == before


def test_an_imported_story_opens_in_the_editor_and_saves_unchanged(
    live_server, page, editor, feed_server
):
    feed_server.expect_request("/unian.rss").respond_with_data(
        FEED.read_text(), content_type="application/rss+xml"
    )
    unian = Source.objects.create(name="UNIAN", slug="unian")
    SourceFeed.objects.create(source=unian, url=feed_server.url_for("/unian.rss"))
    wire.wire_import()
    story = Article.objects.get(wire_guid="unian-11607183")
    log_in(page, live_server)
    url = f"{live_server.url}{story.get_absolute_url()}"
    before = reader_view(page, url)

    open_and_save(page, live_server, story)

    assert reader_view(page, url) == before


def test_the_editor_counts_words_as_the_reader_page_does(live_server, page, editor, demo):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/blog/article/{demo.pk}/change/")
    count = page.locator(".editor-word-count").inner_text()
    assert count == f"{demo.word_count} words · {demo.reading_minutes} min read"
    assert demo.word_count > 300


def test_a_bad_upload_from_the_editor_is_explained_and_the_form_kept(
    live_server, page, editor, tmp_path
):
    log_in(page, live_server)
    not_a_photo = tmp_path / "minutes.jpg"
    not_a_photo.write_bytes(b"Minutes of the meeting\n" * 100)
    page.goto(f"{live_server.url}/admin/blog/image/picker/")
    page.set_input_files("#id_file", not_a_photo)
    page.fill("#id_caption", "The delegations in Istanbul")
    page.get_by_role("button", name="Upload and insert").click()
    assert "This file is not an image, or it is damaged" in page.locator(".errorlist").inner_text()
    assert page.input_value("#id_caption") == "The delegations in Istanbul"


def test_text_pasted_from_word_keeps_its_structure_and_loses_its_styles(live_server, page, editor):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/blog/article/add/")
    body = page.locator(".prose-editor [contenteditable=true]")
    body.click()
    word_html = (
        '<h2 style="color:#2F5496;font-family:Calibri Light">Summit ends</h2>'
        '<p class="MsoNormal" style="margin:0cm;font-size:11pt"><b><span style="font-size:14pt;'
        'color:red">Leaders</span></b> agreed on <i>three</i> points:</p>'
        '<ul style="margin-top:0cm"><li class="MsoListParagraph">a ceasefire</li>'
        '<li class="MsoListParagraph">talks in <a href="https://www.unian.info/">Kyiv</a></li></ul>'
        '<p><font face="Comic Sans MS">Signed.</font></p>'
    )
    body.evaluate(
        """(body, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "Summit ends");
            body.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
        }""",
        word_html,
    )
    expect(page.locator("#id_body")).to_have_value(
        re.compile(r"^<h2>Summit ends</h2><p><strong>Leaders</strong> agreed on <em>three</em>")
    )
    pasted = page.input_value("#id_body")
    assert "<ul><li><p>a ceasefire</p></li><li><p>talks in <a" in pasted
    assert 'href="https://www.unian.info/"' in pasted and "<p>Signed.</p>" in pasted
    assert not re.search(r"style=|class=|<span|<font|Mso", pasted)
