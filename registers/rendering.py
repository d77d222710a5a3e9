"""PDF (WeasyPrint) and CSV output of a register. The PDF loads nothing but the local CJK font: the
URL fetcher refuses every URL that is not a file under an allowed directory, and any refused fetch
stops the rendering instead of being skipped silently."""

import csv
import io
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

CJK_FAMILY = "Noto Sans CJK SC"
_KNOWN_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font_file() -> Path:
    """The CJK font on this machine (fonts-noto-cjk): settings.REGISTER_FONT_FILE, else fontconfig's
    match for Noto Sans CJK SC, else the Debian path."""
    candidates = [getattr(settings, "REGISTER_FONT_FILE", "") or ""]
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", CJK_FAMILY], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
        if "CJK" in found:
            candidates.append(found)
    candidates += _KNOWN_FONT_FILES
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).resolve()
    raise FontMissing("No CJK font found: install fonts-noto-cjk (scripts/bootstrap.sh --system).")


class RefusedURL(ValueError):
    pass


class LocalOnlyFetcher(URLFetcher):
    """Fetches file: URLs under the allowed directories and nothing else (no http, https, ftp,
    data, or any file elsewhere)."""

    def __init__(self, allowed_dirs):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=True)
        self.allowed_dirs = [Path(d).resolve() for d in allowed_dirs]

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused to fetch {url!r}: registers load local files only")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(allowed) for allowed in self.allowed_dirs) or not path.is_file():
            raise RefusedURL(f"refused to fetch {url!r}: not an allowed local file")
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes())


def render_pdf(context: dict) -> bytes:
    font = cjk_font_file()
    html = render_to_string("registers/pdf.html", {**context, "font_url": font.as_uri(), "font_family": CJK_FAMILY})
    fetcher = LocalOnlyFetcher([font.parent])
    return HTML(string=html, base_url=font.parent.as_uri() + "/", url_fetcher=fetcher).write_pdf()


def render_csv(headers: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
