"""Names vulture (scripts/dead_code.sh) would call unused but something outside Python calls:
read by vulture, never run."""

# ruff: noqa: B018
from types import SimpleNamespace

_ = SimpleNamespace()

# the error pages: handler404/403/500 in config/urls.py name them as dotted strings
_.not_found
_.forbidden
_.server_error

# WeasyPrint calls its URL fetcher's fetch() (registers.rendering.LocalOnlyFetcher)
_.fetch

# settings.AUTHENTICATION_BACKENDS names the directory's backend as a dotted string (directory/conf.py)
_.DirectoryBackend
