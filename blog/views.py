"""Reader pages: the front page, article pages, lists by category, tag and source, and
readers' avatars."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.generic import ListView

from blog.avatars import identicon_svg
from blog.models import Article, Category, Source, Tag

ARTICLES_PER_PAGE = 10


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

    def get_queryset(self):
        self.subject = get_object_or_404(self.model, slug=self.kwargs["slug"])
        articles = Article.objects.published().for_listing()
        return articles.filter(**{self.article_field: self.subject})

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            subject=self.subject, heading=self.heading.format(self.subject), **kwargs
        )


def article_detail(request, year, month, day, slug):
    article = get_object_or_404(Article.objects.select_related("source"), slug=slug)
    if not article.is_public and not request.user.is_staff:
        raise Http404("No such article.")
    if request.path != article.get_absolute_url():
        return redirect(article, permanent=True)
    return render(request, "blog/article_detail.html", {"article": article})


@cache_control(public=True, max_age=365 * 24 * 3600, immutable=True)
def avatar(request, digest):
    return HttpResponse(identicon_svg(digest), content_type="image/svg+xml")


category_articles = FilteredArticleList.as_view(
    model=Category, article_field="categories", heading="Category: {}"
)
tag_articles = FilteredArticleList.as_view(model=Tag, article_field="tags", heading="Tag: {}")
source_articles = FilteredArticleList.as_view(
    model=Source, article_field="source", heading="Stories from {}"
)
