"""Old WordPress addresses answer with a 301 to the imported story, category or tag."""

import pytest

from blog.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def floods(imported):
    return Article.objects.get(slug="floods-le-pre").get_absolute_url()


@pytest.mark.parametrize(
    "old",
    [
        "/2024/03/06/floods-le-pre/",  # /%year%/%monthnum%/%day%/%postname%/ (Paris's date)
        "/2024/03/floods-le-pre/",  # /%year%/%monthnum%/%postname%/
        "/floods-le-pre/",  # /%postname%/
        "/?p=10",  # plain permalinks
        "/2024/03/06/floods/",  # an earlier slug WordPress kept (_wp_old_slug)
        "/floods/",
    ],
)
def test_each_permalink_structure_leads_to_the_story(client, floods, old):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == floods
    assert client.get(response["Location"]).status_code == 200


def test_a_slug_in_another_script_keeps_its_old_address(client, imported):
    story = Article.objects.get(title="أخبار الحي")
    response = client.get("/2024/02/01/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1-%D8%A7%D9%84%D8%AD%D9%8A/")
    assert (response.status_code, response["Location"]) == (301, story.get_absolute_url())


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/category/news/local/", "/category/local/"),
        ("/category/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/", "/category/category-5/"),
        ("/tag/caf%C3%A9/", "/tag/cafe/"),
    ],
)
def test_category_and_tag_addresses_lead_to_their_pages(client, imported, old, new):
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)


def test_the_front_page_with_an_unknown_post_id_is_the_front_page(client, imported):
    assert client.get("/?p=999").status_code == 200


def test_the_old_address_of_a_draft_does_not_reveal_it(client, imported):
    assert client.get("/?p=11").status_code == 200  # the front page, not the draft
    assert client.get("/council-votes-on-the-new-dikes/").status_code == 404
