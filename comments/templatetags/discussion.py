"""Template tags of the comment form: the login icons, the commenter, the Akismet notice."""

from django import template

from comments.moderation.akismet import akismet_enabled
from comments.social.identity import commenter_for, login_options

register = template.Library()
# {% akismet_enabled as akismet_on %}: the form's notice names Akismet only when it is used.
register.simple_tag(akismet_enabled, name="akismet_enabled")


@register.simple_tag(takes_context=True)
def comment_login_options(context):
    """{% comment_login_options as options %}: the icons above the comment form."""
    request = context.get("request")
    return login_options(request) if request is not None else []


@register.simple_tag(takes_context=True)
def commenter(context):
    """{% commenter as identity %}: how the signed-in reader comments (None for a guest)."""
    request = context.get("request")
    return commenter_for(request) if request is not None else None
