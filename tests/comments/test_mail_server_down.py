"""A mail server that is down (a real SMTP server on 127.0.0.1, stopped) never turns a reader's
request into an error page, and loses nothing the reader needs to try again."""

from comments.models import DataRequest


def test_a_data_request_says_the_email_could_not_be_sent_and_can_be_made_again(client, smtp, db):
    smtp.stop()
    data = {"email": "olena@example.org", "kind": "export"}

    response = client.post("/comments/privacy/request/", data)

    assert response.status_code == 503
    assert "We could not send the confirmation email just now" in response.content.decode()
    assert not DataRequest.objects.exists()

    smtp.start()
    response = client.post("/comments/privacy/request/", data)
    assert response.status_code == 302
    assert [m["To"] for m in smtp.messages] == ["olena@example.org"]


def test_a_password_reset_with_the_mail_server_down_shows_a_message_not_an_error(
    client, smtp, reader
):
    smtp.stop()

    response = client.post("/accounts/password/reset/", {"email": reader.email}, follow=True)

    assert response.status_code == 200
    assert "We could not send you an email just now" in response.content.decode()
