"""PDF (WeasyPrint) and CSV output of a register. The PDF loads nothing but the local CJK font: the
URL fetcher refuses every URL that is not a file under an allowed directory, and any refused fetch
stops the rendering instead of being skipped silently.

Long registers are rendered in chunks (render_register_pdf): the rows are cut into chunks of
REGISTRY["REGISTER_CHUNK_ROWS"], each chunk is laid out by one of REGISTRY["REGISTER_RENDER_WORKERS"]
worker processes (python -m registers.chunk_worker; each holds one chunk's layout at a time, so
memory is bounded by the chunk size, not by the register's length), and the chunk PDFs are joined
with pypdf. Page numbers: a chunk does not know on which page it starts, so chunks are rendered
without "page X of Y" (every other part of the page box -- marking, header, chain head -- is the
same on every page and is rendered by the chunk itself); once every chunk is done and the total is
known, one light document of exactly that many pages holding only "page X of Y" in the same page
box is rendered, and each of its pages is laid over the matching joined page as a form XObject
(no content stream is parsed, so stamping 700 pages takes a fraction of a second). Every chunk
starts on a new page; the first carries the facts block, the last the end-of-register line."""

import io
import json
import logging
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from common import csv_safety

log = logging.getLogger(__name__)

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
    """One document, laid out in this process: small registers, and the naive baseline."""
    font = cjk_font_file()
    html = render_to_string("registers/pdf.html", {**context, "font_url": font.as_uri(), "font_family": CJK_FAMILY})
    fetcher = LocalOnlyFetcher([font.parent])
    return HTML(string=html, base_url=font.parent.as_uri() + "/", url_fetcher=fetcher).write_pdf()


class RenderFailed(RuntimeError):
    """A chunk could not be rendered (the worker's reason is the message)."""


# the shares of a chunked render in its progress: the chunks' HTML, their PDFs, the page numbers
HTML_SHARE, PDF_DONE, NUMBERS_DONE = 0.25, 0.9, 0.95


def render_register_pdf(
    context: dict, rows: list, out_path: Path, *, chunk_rows: int | None = None, workers: int | None = None,
    progress: Callable[[float], None] | None = None, scratch_prefix: str = "register-",
) -> int:
    """Write the register's PDF to out_path and return its number of pages (0 when unknown: a
    register of at most one chunk is rendered in this process as one document). progress(f) is
    called in this thread with the fraction done, 0..1: after each chunk's HTML (the first
    quarter), after each chunk's PDF (to 0.9), after the page numbers and after the join."""
    chunk_rows = max(1, chunk_rows or settings.REGISTRY["REGISTER_CHUNK_ROWS"])
    workers = max(1, workers or settings.REGISTRY["REGISTER_RENDER_WORKERS"])
    report = progress or (lambda fraction: None)
    out_path = Path(out_path)
    if len(rows) <= chunk_rows:
        out_path.write_bytes(render_pdf({**context, "rows": rows, "row_count": len(rows)}))
        report(1.0)
        return 0
    font = cjk_font_file()
    common = {**context, "font_url": font.as_uri(), "font_family": CJK_FAMILY, "row_count": len(rows),
              "page_stamped": True}
    chunks = [rows[start:start + chunk_rows] for start in range(0, len(rows), chunk_rows)]
    with tempfile.TemporaryDirectory(prefix=scratch_prefix, dir=out_path.parent) as scratch:
        scratch = Path(scratch)
        jobs = []
        for index, chunk in enumerate(chunks):
            html_path = scratch / f"chunk-{index:05d}.html"
            html_path.write_text(
                render_to_string("registers/pdf.html", {**common, "rows": chunk, "not_first": index > 0,
                                                        "not_last": index < len(chunks) - 1}),
                encoding="utf-8",
            )
            jobs.append(_job(html_path, scratch / f"chunk-{index:05d}.pdf", font))
            report(HTML_SHARE * (index + 1) / len(chunks))
        with WorkerPool(min(workers, len(jobs)), scratch) as pool:
            pages = pool.run(jobs, lambda done: report(HTML_SHARE + (PDF_DONE - HTML_SHARE) * done / len(jobs)))
            total = sum(pages)
            numbers_html = scratch / "pages.html"
            numbers_html.write_text(
                render_to_string("registers/pdf_pages.html", {"lang": context.get("lang"), "pages": range(total),
                                                              "font_url": font.as_uri(), "font_family": CJK_FAMILY}),
                encoding="utf-8",
            )
            numbers_job = _job(numbers_html, scratch / "pages.pdf", font)
            (stamped,) = pool.run([numbers_job], lambda done: None)
        if stamped != total:
            raise RenderFailed(f"page numbers for {stamped} pages, register has {total}")
        report(NUMBERS_DONE)
        join_and_stamp([Path(job["pdf"]) for job in jobs], Path(numbers_job["pdf"]), out_path,
                       title=str(context.get("title", "")))
    report(1.0)
    return total


def _job(html_path: Path, pdf_path: Path, font: Path) -> dict:
    return {"html": str(html_path), "pdf": str(pdf_path), "base_url": font.parent.as_uri() + "/",
            "allowed": [str(font.parent)]}


class WorkerPool:
    """N rendering subprocesses (registers.chunk_worker), fed one job at a time each. A worker that
    dies (killed by the OOM killer, or by hand) is replaced and its chunk rendered again, at most
    RESTARTS times in one pool; a chunk that fails twice that way fails the render."""

    RESTARTS = 2

    def __init__(self, size: int, log_dir: Path):
        self.procs, self.logs, self.restarts = [], [], 0
        self.log_dir = Path(log_dir)
        for number in range(max(1, size)):
            log = open(self.log_dir / f"worker-{number}.log", "w+")  # noqa: SIM115 (closed in close())
            self.logs.append(log)
            self.procs.append(self._spawn(log))

    @staticmethod
    def _spawn(log) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "registers.chunk_worker"], cwd=Path(settings.BASE_DIR), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=log, text=True, encoding="utf-8",
        )

    def _replace(self, number: int) -> subprocess.Popen | None:
        """A new process in place of a dead one, while restarts remain (called under the lock)."""
        if self.restarts >= self.RESTARTS:
            return None
        self.restarts += 1
        dead = self.procs[number]
        for stream in (dead.stdin, dead.stdout):
            try:
                stream.close()
            except OSError:
                pass
        dead.wait()
        self.procs[number] = self._spawn(self.logs[number])
        return self.procs[number]

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        for proc in self.procs:
            try:
                proc.stdin.close()
            except OSError:
                pass
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in self.logs:
            log.close()

    def _log_tail(self) -> str:
        tails = []
        for log in self.logs:
            log.flush()
            log.seek(0)
            text = log.read().strip()
            if text:
                tails.append(text[-500:])
        return "\n".join(tails)

    def run(self, jobs: list[dict], on_done: Callable[[int], None]) -> list[int]:
        """Render every job; the pages of each, in job order. The first failure stops the rest
        and is raised as RenderFailed."""
        pending = deque(enumerate(jobs))
        lock = threading.Lock()
        answers: queue.Queue = queue.Queue()
        pages: list[int | None] = [None] * len(jobs)

        retried: set[int] = set()

        def serve(number):
            proc = self.procs[number]
            while True:
                with lock:
                    if not pending:
                        return
                    index, job = pending.popleft()
                try:
                    proc.stdin.write(json.dumps(job) + "\n")
                    proc.stdin.flush()
                    line = proc.stdout.readline()
                except OSError as exc:
                    line = ""
                    log.warning("rendering worker unreachable: %s", exc)
                if not line:  # the worker died (SIGKILL, out of memory): replace it, render the chunk again
                    code = proc.wait()
                    with lock:
                        replacement = self._replace(number) if index not in retried else None
                        if replacement is not None:
                            retried.add(index)
                            pending.appendleft((index, job))
                    if replacement is not None:
                        log.warning("rendering worker exited (%s); chunk %s rendered again by a new one", code, index)
                        proc = replacement
                        continue
                    line = json.dumps({"ok": False, "error": f"rendering worker exited ({code})"})
                answers.put((index, json.loads(line)))
                if '"ok": false' in line:
                    return

        threads = [threading.Thread(target=serve, args=(number,), daemon=True) for number in range(len(self.procs))]
        for thread in threads:
            thread.start()
        errors, done = [], 0
        while any(thread.is_alive() for thread in threads) or not answers.empty():
            try:
                index, answer = answers.get(timeout=0.2)
            except queue.Empty:
                continue
            if not answer.get("ok"):
                errors.append(answer.get("error") or "unknown error")
                with lock:
                    pending.clear()
                continue
            pages[index] = int(answer["pages"])
            done += 1
            on_done(done)
        if errors:
            tail = self._log_tail()
            raise RenderFailed(errors[0] + (f" ({tail})" if tail else ""))
        if any(count is None for count in pages):
            raise RenderFailed("a chunk was not rendered")
        return pages


def join_and_stamp(chunk_paths: list[Path], numbers_path: Path, out_path: Path, *, title: str = "") -> None:
    """Join the chunk PDFs in order and lay page i of numbers_path over page i of the result."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for path in chunk_paths:
        writer.append(str(path), import_outline=False)
    numbers = PdfReader(str(numbers_path))
    if len(numbers.pages) != len(writer.pages):
        raise RenderFailed(f"{len(numbers.pages)} page numbers for {len(writer.pages)} pages")
    for number, (page, stamp) in enumerate(zip(writer.pages, numbers.pages, strict=True), start=1):
        _overlay(writer, page, stamp, f"/PageNumber{number}")
    if title:
        writer.add_metadata({"/Title": title})
    with open(out_path, "wb") as out:
        writer.write(out)


def _stream(data: bytes):
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _overlay(writer, page, stamp, name: str) -> None:
    """Draw stamp (a page of another PDF) over page, as a form XObject with its own resources."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    form = _stream(stamp.get_contents().get_data() if stamp.get_contents() is not None else b"")
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(stamp.mediabox),
        NameObject("/Resources"): stamp["/Resources"].get_object().clone(writer),
    })
    form_ref = writer._add_object(form)
    resources = DictionaryObject(page["/Resources"].get_object()) if "/Resources" in page else DictionaryObject()
    xobjects = DictionaryObject(resources["/XObject"].get_object()) if "/XObject" in resources else DictionaryObject()
    xobjects[NameObject(name)] = form_ref
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    contents = page["/Contents"].get_object() if "/Contents" in page else ArrayObject()
    parts = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
    before = writer._add_object(_stream(b"q\n"))
    after = writer._add_object(_stream(f"\nQ\nq {name} Do Q\n".encode("ascii")))
    page[NameObject("/Contents")] = ArrayObject([before, *parts, after])


def render_csv(headers: list[str], rows: list[list[str]], *, progress: Callable[[float], None] | None = None,
               chunk_rows: int | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the Chinese text correctly; cells a
    spreadsheet would run as a formula are neutralised (common.csv_safety). progress(f) hears the
    fraction written after each chunk of rows."""
    chunk_rows = max(1, chunk_rows or settings.REGISTRY["REGISTER_CHUNK_ROWS"])
    out = io.StringIO()
    writer = csv_safety.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for start in range(0, len(rows), chunk_rows):
        writer.writerows(rows[start:start + chunk_rows])
        if progress is not None:
            progress(min(1.0, (start + chunk_rows) / len(rows)))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
