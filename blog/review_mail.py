"""The email an author gets when an editor publishes their story or sends it back."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from blog.models import Article

SUBJECTS = {
    "published": "“{title}” is published",
    "returned": "“{title}” was sent back to you",
}


def review_mail_send(*, article_id: int, event: str, note: str = "", editor_id=None) -> bool:
    """Send the mail; False when there is no one to send it to any more."""
    article = Article.objects.select_related("author").filter(pk=article_id).first()
    if article is None or article.author is None or not article.author.email:
        return False
    editor = get_user_model().objects.filter(pk=editor_id).first()
    context = {
        "site_name": settings.SITE_NAME,
        "article": article,
        "event": event,
        "note": note,
        "editor": (editor.get_full_name() or editor.get_username()) if editor else "An editor",
        "article_url": f"{settings.SITE_URL}{article.get_absolute_url()}",
        "edit_url": f"{settings.SITE_URL}{reverse('admin:blog_article_change', args=[article.pk])}",
    }
    subject = SUBJECTS[event].format(title=" ".join(article.title.split()))
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=render_to_string("email/review_decision.txt", context),
        to=[article.author.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("email/review_decision.html", context), "text/html")
    message.send()
    return True
