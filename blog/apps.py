from urllib.parse import urlsplit

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Publishing"

    def ready(self):
        post_migrate.connect(sync_site_from_settings, sender=self)
        # Registers Article with django-reversion.
        from blog import revisions  # noqa: F401
        from blog.pagecache import connect_signals

        connect_signals()


def sync_site_from_settings(*, using="default", **kwargs):
    """Keep the Site row (feeds and the sitemap build their absolute links from its domain)
    equal to SITE_URL's host and SITE_NAME, so changing the environment and migrating is
    enough."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.SITE_NAME},
    )
    Site.objects.clear_cache()
