from django.conf import settings


def site(request):
    """The site's name and tagline, for every template."""
    return {"site_name": settings.SITE_NAME, "site_tagline": settings.SITE_TAGLINE}


def public_page_csrf(request):
    """No CSRF token on a public page: it is one copy for every guest (blog.pagecache), and
    guests' POSTs are checked by their origin instead (blog.guest_csrf)."""
    return {"csrf_token": ""} if getattr(request, "public_page", False) else {}
