"""Old addresses that keep working: a published story whose slug or date changes answers at
its old address with a 301 to the new one. The table is generic (old path → new path), so
importers can fill it with the addresses of another site too."""

from django.http import HttpResponsePermanentRedirect

from blog.models import Article, Redirect
from blog.validators import storable


def redirect_add(*, old_path: str, new_path: str) -> None:
    """Send `old_path` to `new_path`; earlier redirects to `old_path` follow it there, and a
    redirect away from `new_path` (a story moved back) is dropped."""
    if old_path == new_path:
        return
    Redirect.objects.filter(old_path=new_path).delete()
    Redirect.objects.filter(new_path=old_path).update(new_path=new_path)
    Redirect.objects.update_or_create(old_path=old_path, defaults={"new_path": new_path})


def article_moved_record(*, article: Article, old_path: str) -> None:
    """Call after saving a story that was public at `old_path`."""
    if article.is_public:
        redirect_add(old_path=old_path, new_path=article.get_absolute_url())


WORDPRESS_QUERY_KEYS = ("p", "page_id", "cat")


class RedirectFallbackMiddleware:
    """Answer a 404 with the 301 of the Redirect table, when it has one for the path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # WordPress's plain permalinks (/?p=123, /?cat=4) are the front page's address with
        # a query: answered before the front page would be.
        if request.path == "/" and request.method in ("GET", "HEAD"):
            for key in WORDPRESS_QUERY_KEYS:
                value = request.GET.get(key, "")
                if value.isdigit():
                    redirect = Redirect.objects.filter(old_path=f"/?{key}={value}").first()
                    if redirect is not None:
                        return HttpResponsePermanentRedirect(redirect.new_path)
        response = self.get_response(request)
        # A path the table cannot hold (a NUL from a mangled link) has no redirect.
        if response.status_code != 404 or not storable(request.path):
            return response
        redirect = Redirect.objects.filter(old_path=request.path).first()
        if redirect is None:
            return response
        return HttpResponsePermanentRedirect(redirect.new_path)
