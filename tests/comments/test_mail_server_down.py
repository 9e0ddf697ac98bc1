"""A mail server that is down (a real SMTP server on 127.0.0.1, stopped) never turns a reader's
request into an error page, and loses nothing the reader needs to try again."""

from comments.models import DataRequest


def test_a_data_request_with_the_mail_server_down_is_sent_when_it_comes_back(
    client, smtp, db, queued_tasks
):
    smtp.stop()
    data = {"email": "olena@example.org", "kind": "export"}

    response = client.post("/comments/privacy/request/", data, follow=True)

    # The email is queued, so the reader is told it is on its way, as it is.
    assert "We have sent a confirmation link to olena@example.org" in response.content.decode()
    (first,) = queued_tasks.ready()
    assert queued_tasks.run(first) == "retrying"
    (retry,) = queued_tasks.waiting()
    assert DataRequest.objects.get().email == "olena@example.org"

    smtp.start()
    assert queued_tasks.run(retry) == "sent"
    assert [m["To"] for m in smtp.messages] == ["olena@example.org"]


def test_a_password_reset_with_the_mail_server_down_shows_a_message_not_an_error(
    client, smtp, reader
):
    smtp.stop()

    response = client.post("/accounts/password/reset/", {"email": reader.email}, follow=True)

    assert response.status_code == 200
    assert "We could not send you an email just now" in response.content.decode()
