"""Applying an agency's update part by part, with the article as it was kept first."""

import pytest

from blog.revisions import article_versions
from blog.wire.importing import _content_of, _is_edited
from tests.blog.newsroom.conftest import messages_of


@pytest.fixture
def updated(make_article, newsroom_editor):
    article = make_article(
        title="Talks resume",
        standfirst="The editor's standfirst.",
        body="<p>Talks resumed in Geneva on Monday.</p>",
        original_byline="Staff",
        photo_url="https://agency.example/old.jpg",
        wire_guid="talks-1",
    )
    article.wire_snapshot = _content_of(article)
    article.wire_update = {
        "content": {
            **_content_of(article),
            "title": "Talks resume in Geneva",
            "standfirst": "The agency's standfirst.",
            "body": "<p>Talks resumed in Geneva on Tuesday.</p>",
            "original_byline": "Jane Roe",
            "photo_url": "https://agency.example/new.jpg",
        },
        "received_at": "2024-05-02T09:30:00+00:00",
    }
    article.save()
    return article


def apply(client, article, *parts):
    return client.post(
        f"/admin/blog/article/{article.pk}/agency-update/", {"fields": list(parts)}, follow=True
    )


def test_the_update_is_offered_part_by_part_with_the_body_diff(client, newsroom_editor, updated):
    client.force_login(newsroom_editor)
    html = client.get(f"/admin/blog/article/{updated.pk}/change/").content.decode()
    for part in ("title", "standfirst", "body", "photo", "byline"):
        assert f'name="fields" value="{part}"' in html
    assert "on <del>Monday.</del><ins>Tuesday.</ins>" in html


def test_only_the_ticked_parts_are_applied(client, newsroom_editor, updated):
    client.force_login(newsroom_editor)
    response = apply(client, updated, "title", "body")
    assert messages_of(response)[-1].startswith("The agency's update is applied")
    updated.refresh_from_db()
    assert updated.title == "Talks resume in Geneva"
    assert updated.body == "<p>Talks resumed in Geneva on Tuesday.</p>"
    assert updated.standfirst == "The editor's standfirst."  # kept, as the editor chose
    assert updated.original_byline == "Staff"
    assert updated.photo_url == "https://agency.example/old.jpg"
    assert updated.wire_update is None and updated.is_public


def test_the_article_as_it_was_is_kept_as_a_revision_first(client, newsroom_editor, updated):
    client.force_login(newsroom_editor)
    apply(client, updated, "standfirst")
    after, before = article_versions(updated)
    assert before.field_dict["standfirst"] == "The editor's standfirst."
    assert before.revision.get_comment() == "Before applying the agency's update."
    assert after.field_dict["standfirst"] == "The agency's standfirst."
    assert after.revision.get_comment() == "Applied the agency's update: standfirst."
    client.post(f"/admin/blog/article/{updated.pk}/revisions/{before.pk}/restore/")
    updated.refresh_from_db()
    assert updated.standfirst == "The editor's standfirst."


def test_the_photo_and_byline_parts(client, newsroom_editor, updated):
    client.force_login(newsroom_editor)
    apply(client, updated, "photo", "byline")
    updated.refresh_from_db()
    assert (updated.photo_url, updated.original_byline) == (
        "https://agency.example/new.jpg",
        "Jane Roe",
    )
    assert updated.title == "Talks resume"


def test_applying_nothing_is_refused_and_keeps_the_update(client, newsroom_editor, updated):
    client.force_login(newsroom_editor)
    response = apply(client, updated)
    assert messages_of(response)[-1] == "Tick at least one part of the update to apply."
    updated.refresh_from_db()
    assert updated.wire_update is not None
    response = apply(client, updated, "headline")
    assert "Select a valid choice" in messages_of(response)[-1]


def test_the_same_update_is_not_offered_again_after_a_partial_apply(
    client, newsroom_editor, updated
):
    client.force_login(newsroom_editor)
    apply(client, updated, "title")
    updated.refresh_from_db()
    # The parts left out now count as the editor's edits: later agency updates are held.
    assert _is_edited(updated)


def test_applying_needs_the_right_to_change_the_story(client, contributor, updated):
    client.force_login(contributor)
    assert (
        client.post(
            f"/admin/blog/article/{updated.pk}/agency-update/", {"fields": ["title"]}
        ).status_code
        == 404
    )
    assert client.get(f"/admin/blog/article/{updated.pk}/agency-update/").status_code == 405
    updated.refresh_from_db()
    assert updated.title == "Talks resume" and updated.wire_update is not None
