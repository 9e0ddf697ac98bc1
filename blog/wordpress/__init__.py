"""Moving in from WordPress and out to it: read a WXR export (`parse`), convert its markup
(`markup`), import it (`importer`), and write one (`export`)."""

from blog.wordpress.importer import ImportSummary, read_author_map, wordpress_import
from blog.wordpress.parse import WXRError

__all__ = ["ImportSummary", "WXRError", "read_author_map", "wordpress_import"]
