"""Admin template tags: the moderation queue's size on the admin index."""

from django import template

from comments.discussion.selectors import held_comments

register = template.Library()


@register.simple_tag
def held_comment_count() -> int:
    return held_comments().count()
