"""The "view on site" address of comments and their targets.

django-comments' models reverse ``comments-url-redirect`` with a content type and an object
id. Django's generic ``contenttypes.views.shortcut`` would follow any model's
``get_absolute_url`` — drafts, held comments, subscriptions with their secret token — for
anyone who walks the ids. This view resolves one thing only: a published article, or a
public comment on one."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET
from django_comments_xtd.models import XtdComment

from blog.models import Article
from comments.discussion.selectors import comment_url


@require_GET
def comment_target(request, content_type_id: int, object_id: str):
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404("No such page.") from None
    if not object_id.isdigit():
        raise Http404("No such page.")
    comment = None
    if model is XtdComment:
        comment = XtdComment.objects.filter(
            pk=object_id,
            is_public=True,
            is_removed=False,
            content_type=ContentType.objects.get_for_model(Article),
        ).first()
        if comment is None:
            raise Http404("No such comment.")
    elif model is not Article:
        raise Http404("No such page.")
    article = (
        Article.objects.published().filter(pk=comment.object_pk if comment else object_id).first()
    )
    if article is None:
        raise Http404("No such article.")
    # A comment's address is on the comment page holding it.
    return redirect(
        comment_url(comment, article=article) if comment else article.get_absolute_url()
    )
