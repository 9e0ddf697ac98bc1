"""Reader pages: the front page, article pages, lists by category, tag, source and month,
search, post likes, robots.txt and the error pages."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST
from django.views.generic import ListView, MonthArchiveView
from django.views.static import serve

from blog.forms import SearchForm
from blog.guest_csrf import guest_origin_protect
from blog.models import Article, Category, Source, Tag
from blog.pages import article_page_context, published_article_or_404
from blog.search import articles_search
from blog.selectors import article_likes_summary
from blog.services import article_like_toggle

ARTICLES_PER_PAGE = 10
MEDIA_CACHE_SECONDS = 365 * 24 * 60 * 60


class HomeView(ListView):
    template_name = "blog/home.html"
    context_object_name = "articles"
    paginate_by = ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().for_listing()


class FilteredArticleList(ListView):
    """Published articles of one category, tag or source."""

    template_name = "blog/article_list.html"
    context_object_name = "articles"
    paginate_by = ARTICLES_PER_PAGE
    model = None  # Category, Tag or Source
    article_field = ""  # the Article field that points at it
    heading = ""
    feed = ""  # the URL name of its feeds, if it has them

    def get_queryset(self):
        self.subject = get_object_or_404(self.model, slug=self.kwargs["slug"])
        articles = Article.objects.published().for_listing()
        return articles.filter(**{self.article_field: self.subject})

    def get_context_data(self, **kwargs):
        feeds = {}
        if self.feed:
            feeds = {
                "rss": reverse(f"blog:{self.feed}_feed", args=[self.subject.slug]),
                "atom": reverse(f"blog:{self.feed}_atom", args=[self.subject.slug]),
            }
        return super().get_context_data(
            subject=self.subject,
            heading=self.heading.format(self.subject),
            subject_feeds=feeds,
            **kwargs,
        )


class MonthArchive(MonthArchiveView):
    """Published articles of one month, with links to the previous and next months that
    have any (an empty month is a 404, as on WordPress)."""

    template_name = "blog/article_archive_month.html"
    context_object_name = "articles"
    paginate_by = ARTICLES_PER_PAGE
    date_field = "published_at"
    month_format = "%m"
    allow_empty = False

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # The page shows no list of days, and an empty month is already a 404
        # (get_dated_queryset checks it): skip the query for the days.
        return None


def article_detail(request, year, month, day, slug):
    article = get_object_or_404(
        Article.objects.select_related("source", "featured_image").prefetch_related(
            "categories", "tags"
        ),
        slug=slug,
    )
    if not article.is_public and not request.user.is_staff:
        raise Http404("No such article.")
    if request.path != article.get_absolute_url():
        return redirect(article, permanent=True)
    return render(request, "blog/article_detail.html", article_page_context(request, article))


class SearchView(ListView):
    template_name = "blog/search.html"
    context_object_name = "articles"
    paginate_by = ARTICLES_PER_PAGE

    def get_queryset(self):
        self.form = SearchForm(self.request.GET)
        self.query = self.form.cleaned_data["q"] if self.form.is_valid() else ""
        return articles_search(query=self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, query=self.query, **kwargs)


@guest_origin_protect
@require_POST
def article_like(request, pk):
    """Like an article, or take the like back. Guests are sent to log in first."""
    article = published_article_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(
            f"{article.get_absolute_url()}#likes", login_url=reverse("account_login")
        )
    article_like_toggle(article=article, user=request.user)
    if request.headers.get("X-Requested-With") == "fetch":
        # The page's script swaps the likes block in place.
        return render(
            request,
            "blog/_likes.html",
            {
                "article": article,
                "likes": article_likes_summary(article=article, user=request.user),
            },
        )
    return redirect(f"{article.get_absolute_url()}#likes")


def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever the page links to."""
    return redirect(static("img/favicon.ico"))


def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {"sitemap_url": settings.SITE_URL + reverse("sitemap")},
        content_type="text/plain; charset=utf-8",
    )


def standalone_page(template_name: str, **context) -> str:
    """A page for when the site is in trouble: no request, no context processors."""
    return loader.get_template(template_name).render({"site_name": settings.SITE_NAME, **context})


def bad_request(request, exception, template_name="400.html"):
    """The 400 page, rendered without the request: Django's own handler reads request.POST
    again (for the CSRF token), which raises again when the body was what could not be read
    (a form in UTF-16) and turns the 400 into a 500."""
    return HttpResponseBadRequest(standalone_page(template_name))


def server_error(request, template_name="500.html"):
    """The 500 page, rendered without the request: no context processor runs, so nothing
    here touches the database (which may be what failed)."""
    return HttpResponseServerError(standalone_page(template_name))


category_articles = FilteredArticleList.as_view(
    model=Category, article_field="categories", heading="Category: {}", feed="category"
)
tag_articles = FilteredArticleList.as_view(model=Tag, article_field="tags", heading="Tag: {}")
source_articles = FilteredArticleList.as_view(
    model=Source, article_field="source", heading="Stories from {}", feed="source"
)


# Library files are named after their content (blog.media), so a URL never changes meaning:
# browsers and proxies may keep them for a year.
@cache_control(public=True, max_age=MEDIA_CACHE_SECONDS, immutable=True)
def media_file(request, path):
    """Uploads, when Django serves them (SERVE_MEDIA, for small sites; a proxy does it
    better: README). Anything that is not an image is sent as a download, so a file that
    found its way into MEDIA_ROOT is never rendered as a page of this site."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if not response.get("Content-Type", "").startswith("image/"):
        response["Content-Disposition"] = "attachment"
    return response
