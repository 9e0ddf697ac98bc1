"""Model fields of the publishing app."""

from pictures.models import PictureField


class LibraryPictureField(PictureField):
    """django-pictures' field without its rendition grid in migrations: the grid comes from
    settings.PICTURES (AVIF depends on the Pillow build, which must not change the schema)."""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        for key in (
            "aspect_ratios",
            "container_width",
            "file_types",
            "pixel_densities",
            "grid_columns",
            "breakpoints",
        ):
            kwargs.pop(key, None)
        return name, "blog.fields.LibraryPictureField", args, kwargs
