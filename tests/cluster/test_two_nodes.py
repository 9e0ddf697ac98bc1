"""Two app nodes (real gunicorn processes, each in a working directory of its own) sharing
one PostgreSQL database and its cache table, as behind a load balancer: a comment posted
on node 1 is shown by node 2, a like on node 2 is counted on node 1, and a reader's session
and forms work whichever node answers."""

import lxml.html
import pytest
import requests
from django.db import connection

from tests.cluster.conftest import finished

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="several processes: PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

# Every node has the same settings: above all the same SECRET_KEY (sessions, CSRF tokens and
# the comment form's security hash are signed with it).
NODE_SETTINGS = {
    "COMMENTS_MIN_SUBMIT_SECONDS": "0",
    "COMMENTS_RATE_PER_IP": "0",
    "COMMENTS_RATE_PER_AUTHOR": "0",
    "EMAIL_URL": "console://",
}


@pytest.fixture
def two_nodes(node, web_node):
    finished(node("node-1", "createcachetable"))
    return web_node("node-1", **NODE_SETTINGS), web_node("node-2", **NODE_SETTINGS)


def form_on(page: requests.Response, action_contains: str) -> tuple[str, dict]:
    document = lxml.html.fromstring(page.content)
    (form,) = [f for f in document.forms if action_contains in (f.action or "")]
    return form.action, dict(form.form_values())


def test_a_comment_posted_on_node_1_is_shown_by_node_2(two_nodes, article):
    node_1, node_2 = two_nodes
    guest = requests.Session()
    page = guest.get(node_1 + article.get_absolute_url(), timeout=10)
    action, fields = form_on(page, "/comments/post/")
    fields.update(name="Olena", email="olena@example.org", comment="Seen from the other node.")

    # As a browser does: a guest's post from a shared page is checked by its Origin.
    posted = guest.post(
        node_1 + action,
        data=fields,
        headers={"Origin": node_1},
        timeout=10,
        allow_redirects=False,
    )

    assert posted.status_code == 302
    shown = requests.get(node_2 + article.get_absolute_url(), timeout=10)
    assert "Seen from the other node." in shown.text


def test_a_reader_signed_in_on_node_1_likes_on_node_2_and_node_1_counts_it(
    two_nodes, article, reader
):
    node_1, node_2 = two_nodes
    rita = requests.Session()
    signin = rita.get(node_1 + "/accounts/login/", timeout=10)
    action, fields = form_on(signin, "/accounts/login/")
    fields.update(login="reader@example.org", password="reader-password")
    signed_in = rita.post(
        node_1 + "/accounts/login/", data=fields, timeout=10, allow_redirects=False
    )
    assert signed_in.status_code == 302 and "sessionid" in rita.cookies
    page = rita.get(node_2 + article.get_absolute_url(), timeout=10)
    action, fields = form_on(page, "/like/")

    liked = rita.post(node_2 + action, data=fields, timeout=10, allow_redirects=False)

    assert liked.status_code == 302
    assert (
        "One blogger likes this."
        in requests.get(node_1 + article.get_absolute_url(), timeout=10).text
    )
    article.refresh_from_db()
    assert article.like_count == 1
