from blog.sanitize import sanitize_article_html


def test_it_removes_scripts_and_their_content():
    assert sanitize_article_html("<p>Hi</p><script>alert(1)</script>") == "<p>Hi</p>"


def test_it_removes_event_handlers():
    assert sanitize_article_html('<p onclick="steal()">Hi</p>') == "<p>Hi</p>"


def test_it_removes_javascript_urls():
    assert sanitize_article_html('<a href="javascript:alert(1)">x</a>') == "<a>x</a>"


def test_it_removes_iframes_and_styles():
    html = '<iframe src="https://evil.example"></iframe><style>p{}</style><p style="x">ok</p>'
    assert sanitize_article_html(html) == "<p>ok</p>"


def test_it_keeps_article_markup():
    html = (
        "<h2>Sub</h2><p><strong>Bold</strong> and <em>em</em></p><blockquote>q</blockquote>"
        '<ul><li>one</li></ul><figure><img src="https://x.example/a.jpg" alt="A">'
        "<figcaption>Cap</figcaption></figure>"
    )
    assert sanitize_article_html(html) == html


def test_external_links_get_nofollow_noopener():
    html = sanitize_article_html('<a title="t" href="https://www.unian.info/x">UNIAN</a>')
    assert html == '<a title="t" href="https://www.unian.info/x" rel="nofollow noopener">UNIAN</a>'


def test_local_links_keep_no_rel():
    assert sanitize_article_html('<a href="/2021/10/">here</a>') == '<a href="/2021/10/">here</a>'


def test_an_editors_rel_is_replaced():
    html = sanitize_article_html('<a rel="follow" href="//evil.example">x</a>')
    assert html == '<a href="//evil.example" rel="nofollow noopener">x</a>'


# What the body editor (django-prose-editor) writes goes through the same allow-list.


def test_editor_figures_keep_their_library_image_and_caption():
    html = (
        '<figure class="figure"><img src="/media/images/a.jpg" alt="Flags" data-file="12">'
        '<figcaption class="figure-caption">The summit</figcaption></figure>'
    )
    assert sanitize_article_html(html) == (
        '<figure><img src="/media/images/a.jpg" alt="Flags" data-file="12">'
        "<figcaption>The summit</figcaption></figure>"
    )


def test_a_library_reference_that_is_not_a_number_is_dropped():
    html = sanitize_article_html('<img src="/a.jpg" data-file="1 onerror=alert(1)">')
    assert html == '<img src="/a.jpg">'


def test_links_opening_a_new_tab_get_noopener():
    html = sanitize_article_html(
        '<a href="/2021/10/" target="_blank" rel="noopener noreferrer nofollow">here</a>'
    )
    assert html == '<a href="/2021/10/" target="_blank" rel="noopener">here</a>'


def test_only_new_tab_targets_are_kept():
    html = sanitize_article_html('<a href="/x" target="_parent">x</a>')
    assert html == '<a href="/x">x</a>'


def test_editor_output_is_unchanged_by_a_second_sanitizing():
    html = sanitize_article_html(
        '<h2>Sub</h2><p><strong>Bold</strong> <a href="https://e.example/" target="_blank">e</a>'
        '</p><ol><li><p>one</p></li></ol><hr><figure><img src="/m/a.jpg" alt="A" data-file="3">'
        "<figcaption>Cap</figcaption></figure>"
    )
    assert sanitize_article_html(html) == html
