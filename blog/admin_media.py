"""The media library in the admin: thumbnails, search and filters, uploads checked by
blog.media, and the picker the body editor opens to insert (or upload) an image."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from blog import media
from blog.forms import ImageForm
from blog.models import Image

PICKER_PAGE_SIZE = 24


def thumbnail(image: Image | None, *, width: int = 96) -> str:
    """A small `<img>` of a library image (its smallest rendition once made), or ""."""
    if image is None or not image.file:
        return ""
    url, _, _ = media.rendition_url(image, width=width * 2, file_type="WEBP")
    height = round(image.height * width / image.width) if image.width else width
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" loading="lazy" class="library-thumbnail">',
        url,
        width,
        height,
    )


class DescriptionFilter(admin.SimpleListFilter):
    title = "description"
    parameter_name = "described"

    def lookups(self, request, model_admin):
        return [("no", "Missing (cannot be published)"), ("yes", "Written")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(alt="")
        if self.value() == "yes":
            return queryset.exclude(alt="")
        return queryset


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["preview", "__str__", "caption", "credit", "size", "uploaded_by", "uploaded_at"]
    list_display_links = ["preview", "__str__"]
    list_filter = [DescriptionFilter, ("uploaded_at", admin.DateFieldListFilter), "uploaded_by"]
    search_fields = ["alt", "caption", "credit", "source_note", "file"]
    list_select_related = ["uploaded_by"]
    readonly_fields = ["preview_large", "size", "uploaded_by", "uploaded_at"]
    fieldsets = [
        (None, {"fields": ["file", "preview_large", "alt", "caption", "credit", "source_note"]}),
        ("Upload", {"fields": ["size", "uploaded_by", "uploaded_at"]}),
    ]

    @admin.display(description="image")
    def preview(self, image):
        return thumbnail(image)

    @admin.display(description="preview")
    def preview_large(self, image):
        return thumbnail(image, width=480) if image.pk else "—"

    @admin.display(description="size")
    def size(self, image):
        return f"{image.width}×{image.height}" if image.width else "—"

    @staticmethod
    def _someone_elses(request, image) -> bool:
        # Contributors and Authors describe their own uploads; the library is shared, so
        # other people's images are for editors (who may edit any story).
        return (
            image is not None
            and image.uploaded_by_id != request.user.pk
            and not request.user.has_perm("blog.edit_any_article")
        )

    def has_change_permission(self, request, obj=None):
        return not self._someone_elses(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._someone_elses(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not obj.uploaded_by_id:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path("picker/", self.admin_site.admin_view(self.picker_view), name="blog_image_picker"),
            *super().get_urls(),
        ]

    def picker_view(self, request):
        """The body editor's "Browse...": pick a library image, or upload one and insert it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        picked = None
        form = None
        if self.has_add_permission(request):
            form = ImageForm(request.POST or None, request.FILES or None)
            if request.method == "POST" and form.is_valid():
                picked = form.save(commit=False)
                picked.uploaded_by = request.user
                # In a transaction: the renditions are queued on commit, when the row exists.
                with transaction.atomic():
                    picked.save()
                form = ImageForm()
        elif request.method == "POST":
            raise PermissionDenied
        query = request.GET.get("q", "").strip()
        images = Image.objects.all()
        if query:
            images = images.filter(
                Q(alt__icontains=query) | Q(caption__icontains=query) | Q(credit__icontains=query)
            )
        page = Paginator(images, PICKER_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Insert an image",
            "opts": self.opts,
            "is_popup": True,
            "form": form,
            "page": page,
            # Thumbnails, not the originals (a page of 4000 px photos would be slow).
            "thumbnails": [(image, thumbnail(image, width=160)) for image in page],
            "query": query,
            "picked": picked,
            "callback": request.GET.get("CKEditorFuncNum", ""),
        }
        return TemplateResponse(request, "admin/blog/image/picker.html", context)
