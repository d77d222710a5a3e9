"""Benchmark of register rendering: a 10,000-row register (the carrier ledger's nine columns,
Chinese and ASCII text) rendered to PDF two ways in the same run:

- naive: one WeasyPrint document of every row, in one process (registers.rendering.render_pdf);
- chunked: registers.rendering.render_register_pdf, chunks of REGISTRY["REGISTER_CHUNK_ROWS"] rows
  laid out by REGISTRY["REGISTER_RENDER_WORKERS"] worker processes, joined with pypdf, page numbers
  stamped across the chunks.

Each way runs in a fresh subprocess; the bench samples the resident memory (RSS) of that
subprocess and all its descendants every 50 ms and reports the peak of the sum (the process tree),
with resource.getrusage maxrss (self, and the largest child) as a cross-check. It prints time, peak
memory, both ratios and whether the targets hold (>= 2x faster, <= half the peak memory, < 60 s).

    .venv/bin/python bench/registers.py            (BENCH_REGISTER_ROWS=10000)
    make bench                                     (runs it after the other benchmarks)
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = int(os.environ.get("BENCH_REGISTER_ROWS", "10000"))
TARGET_SPEEDUP, TARGET_MEMORY, TARGET_SECONDS = 2.0, 0.5, 60.0


def rows_and_context(n: int):
    """The same rows and header for both ways (no database needed: rendering is what is measured)."""
    from types import SimpleNamespace

    from django.utils import timezone

    kinds = ["纸质文件", "电子文件", "光盘", "移动硬盘"]
    statuses = ["在管", "借出", "待销毁"]
    rows = [
        [f"B-2026-{i:07d}", "机密★10年" if i % 3 else "秘密★5年",
         f"关于某工程第{i}号技术方案的会议纪要 Bench document {i}", kinds[i % 4], f"{i % 9 + 1:03d}",
         statuses[i % 3], "登记员 (clerk)", "S1 保险柜 Safe", "2026-01-01 10:00"]
        for i in range(n)
    ]
    context = {
        "lang": "zh-hans", "title": "涉密载体台账", "marking": "机密★",
        "headers": ["登记编号", "密级标志", "标题", "类别", "份号", "状态", "持有人", "存放位置", "登记时间"],
        "widths": ["11%", "10%", "22%", "7%", "6%", "8%", "10%", "13%", "13%"], "column_css": [""] * 9,
        "unit": "基准单位", "period": (None, None), "filters": [],
        "chain": SimpleNamespace(count=123456, head="ab" * 32, ok=True, broken_seq=None),
        "drawn_at": timezone.now(), "exported_by": "审计员 (auditor)",
    }
    return rows, context


def child(mode: str, n: int, out: str) -> None:
    """One way, in this (fresh) process; prints a JSON line with its own measurements."""
    import logging

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from registers import rendering

    rows, context = rows_and_context(n)
    start = time.perf_counter()
    if mode == "naive":
        Path(out).write_bytes(rendering.render_pdf({**context, "rows": rows, "row_count": len(rows)}))
    else:
        rendering.render_register_pdf(context, rows, Path(out))
    seconds = time.perf_counter() - start
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "seconds": seconds,
        # CPU seconds of the whole tree (this process and its finished rendering workers): the work
        # done, which other load on the machine does not inflate the way it inflates wall time
        "cpu_seconds": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
        "self_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }), flush=True)


def _tree_rss_kb(pid: int) -> int:
    """RSS of pid and every descendant, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def measure(mode: str, n: int, out: Path) -> dict:
    proc = subprocess.Popen([sys.executable, __file__, "--child", mode, str(n), str(out)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    stdout, _ = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{mode} render failed ({proc.returncode})")
    result = json.loads(stdout.strip().splitlines()[-1])
    result.update(wall_seconds=wall, tree_peak_mb=peak / 1024, pages=_pages(out))
    return result


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def bench_registers(n: int = ROWS) -> dict:
    print(f"[registers] {n}-row register to PDF: naive single document vs chunked in worker processes")
    with tempfile.TemporaryDirectory(prefix="bench-registers-") as scratch:
        scratch = Path(scratch)
        chunked = measure("chunked", n, scratch / "chunked.pdf")
        print(f"[registers] chunked: {chunked['seconds']:.1f} s ({chunked['cpu_seconds']:.1f} s CPU), tree peak {chunked['tree_peak_mb']:.0f} MB "
              f"(self {chunked['self_maxrss_mb']:.0f} MB, largest worker {chunked['children_maxrss_mb']:.0f} MB), "
              f"{chunked['pages']} pages")
        naive = measure("naive", n, scratch / "naive.pdf")
        print(f"[registers] naive:   {naive['seconds']:.1f} s ({naive['cpu_seconds']:.1f} s CPU), tree peak {naive['tree_peak_mb']:.0f} MB "
              f"(self {naive['self_maxrss_mb']:.0f} MB), {naive['pages']} pages")
    print(f"[registers] CPU time of the process tree: chunked {chunked['cpu_seconds']:.1f} s, naive "
          f"{naive['cpu_seconds']:.1f} s ({naive['cpu_seconds'] / chunked['cpu_seconds']:.2f}x); load average "
          f"during the run {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    speedup = naive["seconds"] / chunked["seconds"]
    memory = chunked["tree_peak_mb"] / naive["tree_peak_mb"]
    print(f"[registers] chunked is {speedup:.2f}x faster (target >= {TARGET_SPEEDUP:g}x) and uses "
          f"{memory:.2f} of the naive peak memory (target <= {TARGET_MEMORY:g}); chunked took "
          f"{chunked['seconds']:.1f} s (target < {TARGET_SECONDS:g} s)")
    met = speedup >= TARGET_SPEEDUP and memory <= TARGET_MEMORY and chunked["seconds"] < TARGET_SECONDS
    print(f"[registers] targets {'met' if met else 'NOT met'}")
    return {"naive": naive, "chunked": chunked, "speedup": speedup, "memory_ratio": memory, "met": met}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        bench_registers()
