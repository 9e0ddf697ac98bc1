from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Publishing"

    def ready(self):
        post_migrate.connect(sync_site_from_settings, sender=self)
        # Registers Article with django-reversion.
        from blog import revisions  # noqa: F401


def sync_site_from_settings(*, using="default", **kwargs):
    """Keep the Site row (used by feeds, the sitemap and emails for absolute links) equal
    to SITE_DOMAIN and SITE_NAME, so changing the environment and migrating is enough."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": settings.SITE_DOMAIN, "name": settings.SITE_NAME},
    )
    Site.objects.clear_cache()
