"""A rendering worker process: `python -m registers.chunk_worker`.

It reads one JSON job a line on stdin ({"html": path, "pdf": path, "base_url": url, "allowed": [dirs]}),
renders that HTML file to that PDF file with WeasyPrint (local files only, see LocalOnlyFetcher)
and answers one JSON line on stdout: {"ok": true, "pages": N} or {"ok": false, "error": "..."}.
It needs no Django settings and no database: the parent renders the templates, the worker only
lays out and writes PDF. Being a plain subprocess (not multiprocessing), it also works inside a
Celery prefork worker, whose daemonic processes may not fork multiprocessing children."""

import gc
import json
import logging
import sys
from pathlib import Path


def render_file(job: dict) -> int:
    from weasyprint import HTML

    from registers.rendering import LocalOnlyFetcher

    html = Path(job["html"]).read_text(encoding="utf-8")
    document = HTML(string=html, base_url=job["base_url"], url_fetcher=LocalOnlyFetcher(job["allowed"])).render()
    document.write_pdf(job["pdf"])
    return len(document.pages)


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    for line in sys.stdin:
        if not line.strip():
            continue
        # The cyclic garbage collector is off while a chunk is laid out (WeasyPrint builds millions
        # of small objects; collecting them generation by generation costs about a third of the
        # time) and run once after it: a chunk is small, so memory stays bounded by the chunk size.
        gc.disable()
        try:
            answer = {"ok": True, "pages": render_file(json.loads(line))}
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: B036 - WeasyPrint's FatalURLFetchingError is a BaseException
            reason = f"{type(exc).__name__}: {exc}"
            if exc.__cause__ is not None:  # e.g. the fetcher's RefusedURL behind WeasyPrint's error
                reason += f" ({type(exc.__cause__).__name__}: {exc.__cause__})"
            answer = {"ok": False, "error": reason}
        finally:
            gc.enable()
            gc.collect()
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
