"""Bring the catalogues up to date with the code, taking Chinese translations from locale/parts/.

    .venv/bin/python scripts/i18n_merge.py

Several people (or helpers) working at once each keep the Chinese for the strings they add in
their own `locale/parts/<topic>.po` (ordinary .po entries: msgctxt, msgid, msgid_plural, msgstr /
msgstr[n]). This script, under a lock so two runs never interleave:

1. runs `makemessages` for zh_Hans and en (the same options as `make messages`);
2. fills every zh_Hans entry that a part translates, and clears msgmerge's fuzzy guesses there;
3. empties the English catalogue's fuzzy guesses (English is the source language);
4. runs `compilemessages`.

It prints the zh_Hans entries still untranslated or fuzzy (the translation test fails on them).
"""

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale"
PARTS = LOCALE / "parts"
PY = str(ROOT / ".venv/bin/python")
IGNORE = ["--ignore=.venv", "--ignore=var", "--ignore=tests", "--ignore=bench", "--ignore=node_modules",
          "--ignore=test-results"]


def _key(entry) -> tuple:
    return (entry.msgctxt or None, entry.msgid)


def _parts() -> dict:
    found = {}
    for path in sorted(PARTS.glob("*.po")):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgid:
                continue
            found[_key(entry)] = entry
    return found


def _fill(po_path: Path, parts: dict) -> list:
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.obsolete:
            continue
        part = parts.get(_key(entry))
        if part is not None:
            if entry.msgid_plural:
                if part.msgstr_plural:
                    entry.msgstr_plural = dict(part.msgstr_plural)
                elif part.msgstr:
                    entry.msgstr_plural = {0: part.msgstr}
            else:
                entry.msgstr = part.msgstr or (part.msgstr_plural or {}).get(0, "")
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    po.save(str(po_path))
    return [e for e in po if not e.obsolete and e.msgid and (not e.translated() or "fuzzy" in e.flags)]


def _english(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            entry.msgstr = ""
            if entry.msgid_plural:
                entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
    po.save(str(po_path))


def main() -> int:
    PARTS.mkdir(exist_ok=True)
    with open("/tmp/registry-i18n.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.base"))
        subprocess.run([PY, "manage.py", "makemessages", "-l", "zh_Hans", "-l", "en", *IGNORE, "-v0"],
                       cwd=ROOT, check=True, env=env)
        missing = _fill(LOCALE / "zh_Hans/LC_MESSAGES/django.po", _parts())
        _english(LOCALE / "en/LC_MESSAGES/django.po")
        subprocess.run([PY, "manage.py", "compilemessages", "--ignore=.venv", "-v0"], cwd=ROOT, check=True, env=env)
    for entry in missing:
        ctx = f" [{entry.msgctxt}]" if entry.msgctxt else ""
        where = ", ".join(f"{f}:{n}" for f, n in entry.occurrences[:2])
        print(f"untranslated{ctx}: {entry.msgid!r}  ({where})")
    print(f"{len(missing)} zh_Hans entries still need a translation in locale/parts/*.po", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
