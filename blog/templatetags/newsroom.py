"""The admin index's review queue line."""

from django import template

from blog.workflow import pending_review_count as count_pending

register = template.Library()


@register.simple_tag
def pending_review_count() -> int:
    return count_pending()
