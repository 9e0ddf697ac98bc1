"""Editors moderate comments in the admin; the thread on the page stays consistent."""

from django_comments_xtd.models import XtdComment

from tests.factories import add_comment
from tests.helpers import comment_item, comment_text, parse, text_of

CHANGELIST = "/admin/comments/comment/"
PLACEHOLDER = "This comment is no longer available."


def moderate(client, action, *comments):
    response = client.post(
        CHANGELIST, {"action": action, "_selected_action": [c.pk for c in comments]}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def children_of(page, comment) -> list[str]:
    return comment_item(page, comment.pk).xpath('./ol[@class="children"]/li/@id')


def test_editors_see_comments_in_the_admin(client, editor, article):
    add_comment(article, "A comment to moderate", user_name="Taras")
    client.force_login(editor)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "A comment to moderate" in response.content.decode()


def test_readers_cannot_moderate(client, reader, article):
    comment = add_comment(article)
    client.force_login(reader)
    response = client.post(
        CHANGELIST, {"action": "remove_comments", "_selected_action": [comment.pk]}
    )
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not XtdComment.objects.get().is_removed


def test_removing_a_comment_with_a_visible_reply_leaves_a_placeholder(client, editor, article):
    parent = add_comment(article, "Rude words", user_name="Troll")
    reply = add_comment(article, "Please be polite", parent=parent)
    client.force_login(editor)
    moderate(client, "remove_comments", parent)

    page = parse(client.get(article.get_absolute_url()))
    item = comment_item(page, parent.pk)
    assert text_of(item, "./p") == PLACEHOLDER
    assert "Rude words" not in item.text_content() and "Troll" not in item.text_content()
    assert not item.xpath("./a | ./button")  # no byline, reply link, like button
    assert item.get("aria-label") is None and item.get("style") is None  # no name, no avatar
    assert children_of(page, parent) == [f"comment-{reply.pk}"]
    assert text_of(page, '//h2[@id="comments-title"]').startswith("1 thought on")


def test_removing_a_comment_without_replies_takes_it_off_the_page(client, editor, article):
    kept, removed = add_comment(article, "Kept"), add_comment(article, "Removed")
    client.force_login(editor)
    moderate(client, "remove_comments", removed)
    page = parse(client.get(article.get_absolute_url()))
    assert comment_item(page, removed.pk) is None
    assert comment_item(page, kept.pk) is not None
    assert PLACEHOLDER not in page.text_content()


def test_removing_a_middle_comment_keeps_the_thread_below_in_place(client, editor, article):
    top = add_comment(article, "Top")
    middle = add_comment(article, "Middle", parent=top)
    bottom = add_comment(article, "Bottom", parent=middle)
    after = add_comment(article, "Next thread")
    client.force_login(editor)
    moderate(client, "remove_comments", middle)
    page = parse(client.get(article.get_absolute_url()))
    assert children_of(page, top) == [f"comment-{middle.pk}"]
    assert children_of(page, middle) == [f"comment-{bottom.pk}"]
    assert "depth-2" in comment_item(page, bottom.pk).get("class")
    assert page.xpath('//ol[@class="comment-list"]/li/@id') == [
        f"comment-{top.pk}",
        f"comment-{after.pk}",
    ]


def test_unpublishing_holds_a_comment_and_keeps_its_replies_in_place(client, editor, article):
    parent = add_comment(article, "Questionable")
    reply = add_comment(article, "An answer", parent=parent)
    client.force_login(editor)
    moderate(client, "unpublish_comments", parent)
    assert not XtdComment.objects.get(pk=parent.pk).is_public
    assert XtdComment.objects.get(pk=reply.pk).is_public

    page = parse(client.get(article.get_absolute_url()))
    assert text_of(comment_item(page, parent.pk), "./p") == PLACEHOLDER
    assert children_of(page, parent) == [f"comment-{reply.pk}"]


def test_approving_a_parent_does_not_publish_its_held_replies(client, editor, article):
    parent = add_comment(article, "Held parent", public=False)
    reply = add_comment(article, "Held reply", parent=parent, public=False)
    client.force_login(editor)
    moderate(client, "approve_comments", parent)
    assert XtdComment.objects.get(pk=parent.pk).is_public
    assert not XtdComment.objects.get(pk=reply.pk).is_public

    page = parse(client.get(article.get_absolute_url()))
    assert comment_text(comment_item(page, parent.pk)) == ("Held parent")
    assert comment_item(page, reply.pk) is None


def test_approving_a_held_reply_shows_it_under_its_parent(client, editor, article):
    parent = add_comment(article, "Published parent")
    reply = add_comment(article, "Held reply", parent=parent, public=False)
    client.force_login(editor)
    moderate(client, "approve_comments", reply)
    page = parse(client.get(article.get_absolute_url()))
    assert children_of(page, parent) == [f"comment-{reply.pk}"]
    assert text_of(page, '//h2[@id="comments-title"]').startswith("2 thoughts on")


def test_removing_then_approving_restores_a_comment(client, editor, article):
    comment = add_comment(article, "Second chance")
    client.force_login(editor)
    moderate(client, "remove_comments", comment)
    moderate(client, "approve_comments", comment)
    page = parse(client.get(article.get_absolute_url()))
    assert comment_text(comment_item(page, comment.pk)) == ("Second chance")
