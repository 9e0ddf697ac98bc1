"""Commenters' data kept by Wirepress itself (comments are django-comments-xtd's models)."""

from django.conf import settings
from django.db import models


class SocialProfile(models.Model):
    """How a reader who logs in with Google, X, WordPress.com... appears beside comments:
    the picture and profile link of their latest social login. Copied from the social
    account at each login so the discussion shows avatars without a query per comment."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_profile"
    )
    provider = models.CharField(max_length=200, help_text="allauth provider id, e.g. google")
    provider_name = models.CharField(max_length=100, help_text="e.g. Google")
    display_name = models.CharField(max_length=150, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    profile_url = models.URLField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user} via {self.provider_name}"
