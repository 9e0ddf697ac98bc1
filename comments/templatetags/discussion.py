from django import template

from comments.text import likes_label

register = template.Library()
register.filter("likes_label", likes_label)
