"""Settings for the benchmark process only: the site's own, plus what the comparison needs.

xtd's stock `render_xtdcomment_tree` tag links every comment to xtd's own views and shows like
counts only with feedback enabled, so this process routes xtd's URLs and turns feedback on;
the site itself does neither.
"""

from blog.settings import *  # noqa: F403
from blog.settings import BASE_DIR, TEMPLATES

ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "bench.urls"
# No collectstatic here: plain static URLs.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]}]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
COMMENTS_XTD_APP_MODEL_OPTIONS = {
    "default": {
        "allow_flagging": False,
        "allow_feedback": True,
        "show_feedback": True,
        "who_can_post": "all",
    }
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
