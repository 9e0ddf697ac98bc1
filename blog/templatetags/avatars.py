"""`{% load avatars %}` then `<img src="{{ email|avatar_url }}">` or `{{ email|avatar_url:32 }}`."""

from django import template

from comments.discussion import avatars

register = template.Library()


@register.filter
def avatar_url(email: str, size: int = 48) -> str:
    return avatars.avatar_url(email, size=int(size))
