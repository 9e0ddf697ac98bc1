"""The site's own settings, served by gunicorn in `bench.pages`, with the benchmark's URLs
(bench/urls.py: the "Django ceiling" view) routed too."""

from blog.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
