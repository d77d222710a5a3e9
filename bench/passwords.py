"""Benchmark: the production cost of one password check (config/settings/base.py PASSWORD_HASHERS).

    .venv/bin/python bench/passwords.py        (no database needed; make bench runs it too)

Times check_password with Django's Argon2PasswordHasher (Argon2id, argon2-cffi, Django's production
parameters) against PBKDF2PasswordHasher (Django's previous default, the baseline) in the same run,
with the load average. The cost is on purpose: every guess at a stolen hash costs the attacker as
much; at the login page, the lockout (five failures) keeps guesses few anyway."""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPEAT = int(os.environ.get("BENCH_PASSWORD_CHECKS", "20"))


def _median_check(hasher, password: str, repeat: int) -> float:
    encoded = hasher.encode(password, hasher.salt())
    assert hasher.verify(password, encoded)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        hasher.verify(password, encoded)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_passwords() -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

    argon2, pbkdf2 = Argon2PasswordHasher(), PBKDF2PasswordHasher()
    password = "Correct-Horse-Battery-42"
    t_argon2 = _median_check(argon2, password, REPEAT)
    t_pbkdf2 = _median_check(pbkdf2, password, REPEAT)
    load = os.getloadavg()
    print(f"[passwords] one check, median of {REPEAT}: Argon2id (t={argon2.time_cost}, m={argon2.memory_cost} KiB, "
          f"p={argon2.parallelism}) {t_argon2 * 1000:.0f} ms; PBKDF2-SHA256 ({pbkdf2.iterations} iterations, "
          f"baseline) {t_pbkdf2 * 1000:.0f} ms; ratio argon2/pbkdf2 = {t_argon2 / t_pbkdf2:.2f}; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    bench_passwords()
