from django import template

from comments.moderation import akismet_enabled
from comments.text import likes_label

register = template.Library()
register.filter("likes_label", likes_label)
# {% akismet_enabled as akismet_on %}: the form's notice names Akismet only when it is used.
register.simple_tag(akismet_enabled, name="akismet_enabled")
