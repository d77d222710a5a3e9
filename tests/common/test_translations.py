"""The interface speaks Simplified Chinese and English: the zh_Hans catalogue translates every
message, nothing is fuzzy, the committed .mo matches the .po, every source string in the code
and templates is in the catalogue, and key pages render in Chinese."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
ZH_PO = LOCALE / "zh_Hans/LC_MESSAGES/django.po"
ZH_MO = LOCALE / "zh_Hans/LC_MESSAGES/django.mo"
EN_PO = LOCALE / "en/LC_MESSAGES/django.po"
EN_MO = LOCALE / "en/LC_MESSAGES/django.mo"
# the same places `makemessages --ignore=.venv --ignore=var --ignore=tests --ignore=bench` leaves out
NOT_SCANNED = {".venv", "var", "tests", "bench", "node_modules", "test-results"}


# --- a small .po reader (no polib) ----------------------------------------------------------------


def _unquote(s: str) -> str:
    return ast.literal_eval(s)


def parse_po(path: Path) -> list[dict]:
    """Entries as dicts: ctx, id, plural, strs (list), flags (set); obsolete (#~) entries are skipped."""
    entries, current, key = [], None, None

    def finish():
        if current is not None:
            entries.append(current)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            finish()
            current, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = {"ctx": None, "id": None, "plural": None, "strs": {}, "flags": set()}
        if line.startswith("#,"):
            current["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if key[0] == "strs":
                current["strs"][key[1]] += _unquote(line)
            else:
                current[key[0]] += _unquote(line)
        else:
            word, rest = line.split(" ", 1)
            m = re.fullmatch(r"msgstr\[(\d+)\]", word)
            if m:
                key = ("strs", int(m.group(1)))
                current["strs"][key[1]] = _unquote(rest)
            elif word == "msgstr":
                key = ("strs", 0)
                current["strs"][0] = _unquote(rest)
            else:
                key = ({"msgctxt": "ctx", "msgid": "id", "msgid_plural": "plural"}[word],)
                current[key[0]] = _unquote(rest)
    return [e for e in entries if e["id"] is not None]


def _messages(path: Path) -> list[dict]:
    return [e for e in parse_po(path) if e["id"] != ""]


def _header(path: Path) -> dict:
    header = next(e for e in parse_po(path) if e["id"] == "")
    fields = {}
    for line in header["strs"][0].splitlines():
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return header | {"fields": fields}


# --- the catalogues -------------------------------------------------------------------------------------


def test_every_message_has_a_chinese_translation_and_none_is_fuzzy():
    messages = _messages(ZH_PO)
    assert len(messages) > 100
    untranslated = [e["id"] for e in messages if not e["strs"] or not all(s.strip() for s in e["strs"].values())]
    assert untranslated == []
    fuzzy = [e["id"] for e in parse_po(ZH_PO) if "fuzzy" in e["flags"]]
    assert fuzzy == []
    # Chinese has one plural form: exactly one msgstr[0] for plural messages
    assert all(list(e["strs"]) == [0] for e in messages if e["plural"])
    # Every translation really is Chinese (CJK characters or full-width punctuation), not a copied
    # English string
    chinese = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
    not_chinese = [e["id"] for e in messages if not any(chinese.search(s) for s in e["strs"].values())]
    assert not_chinese == []


def test_placeholders_survive_translation():
    for e in _messages(ZH_PO):
        expected = sorted(re.findall(r"%\(\w+\)[sd]", e["id"]))
        for s in e["strs"].values():
            assert sorted(re.findall(r"%\(\w+\)[sd]", s)) == expected, e["id"]


@pytest.mark.parametrize(
    ("po", "language", "plural_forms"),
    [(ZH_PO, "zh_Hans", "nplurals=1; plural=0;"), (EN_PO, "en", "nplurals=2; plural=(n != 1);")],
)
def test_headers_are_valid(po, language, plural_forms):
    header = _header(po)
    assert "fuzzy" not in header["flags"]
    assert header["fields"]["Language"] == language
    assert header["fields"]["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["fields"]["Plural-Forms"] == plural_forms
    assert "PACKAGE VERSION" not in header["fields"]["Project-Id-Version"]


def test_committed_zh_mo_matches_the_po():
    with ZH_MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    assert mo.info()["plural-forms"] == "nplurals=1; plural=0;"
    stale = []
    for e in _messages(ZH_PO):
        if e["plural"]:
            got = mo.ngettext(e["id"], e["plural"], 1)
        elif e["ctx"]:
            got = mo.pgettext(e["ctx"], e["id"])
        else:
            got = mo.gettext(e["id"])
        if got != e["strs"][0]:
            stale.append(e["id"])
    assert stale == [], "locale/zh_Hans .mo is older than the .po: run `manage.py compilemessages`"


def test_committed_en_mo_loads_with_the_english_header():
    with EN_MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    assert mo.info()["language"] == "en"
    assert mo.info()["plural-forms"] == "nplurals=2; plural=(n != 1);"
    assert {e["id"] for e in _messages(EN_PO)} == {e["id"] for e in _messages(ZH_PO)}


# --- the catalogue covers the source ---------------------------------------------------------------------

GETTEXT_FUNCS = {
    "_": 1, "gettext": 1, "gettext_lazy": 1, "gettext_noop": 1, "ngettext": 1, "ngettext_lazy": 1,
    "pgettext": 2, "pgettext_lazy": 2, "npgettext": 2, "npgettext_lazy": 2,
}


def _scanned_files(pattern: str):
    for path in ROOT.rglob(pattern):
        if not NOT_SCANNED.intersection(path.relative_to(ROOT).parts):
            yield path


def _python_source_strings() -> set[tuple[str | None, str]]:
    found = set()
    for path in _scanned_files("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in GETTEXT_FUNCS:
                continue
            args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
            if GETTEXT_FUNCS[name] == 2 and len(args) >= 2 and None not in args[:2]:
                found.add((args[0], args[1]))
            elif GETTEXT_FUNCS[name] == 1 and args and args[0] is not None:
                found.add((None, args[0]))
    return found


TRANSLATE_TAG = re.compile(
    r"""{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<id>.*?)(?P=q)(?:\s+context\s+(?P<cq>["'])(?P<ctx>.*?)(?P=cq))?"""
)
BLOCK_TAG = re.compile(r"{%\s*blocktrans(?:late)?(?P<args>[^%]*)%}(?P<body>.*?){%\s*(?:plural|endblocktrans(?:late)?)\s*%}", re.S)


def _template_source_strings() -> set[tuple[str | None, str]]:
    found = set()
    for path in _scanned_files("*.html"):
        text = path.read_text(encoding="utf-8")
        for m in TRANSLATE_TAG.finditer(text):
            found.add((m.group("ctx"), m.group("id")))
        for m in BLOCK_TAG.finditer(text):
            if "context" in m.group("args") or "trimmed" in m.group("args"):
                continue
            found.add((None, re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", m.group("body"))))
    return found


def test_every_source_string_is_in_the_catalogue():
    catalogue = {(e["ctx"], e["id"]) for e in _messages(ZH_PO)}
    source = _python_source_strings() | _template_source_strings()
    assert len(source) > 100
    missing = sorted(source - catalogue, key=str)
    assert missing == [], "run `manage.py makemessages -l zh_Hans -l en ...` and translate the new strings"


# --- pages in Chinese ------------------------------------------------------------------------------------


def _client_in(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# English source -> its Chinese translation, as the pages must show them
LIST_TERMS = {
    "Classified carriers": "涉密载体",
    "Classification level": "密级",
    "Registry number": "登记编号",
    "Register a carrier": "登记涉密载体",
    "All levels": "全部密级",
    "Log out": "退出登录",
}
REGISTER_TERMS = {
    "Register a carrier": "登记涉密载体",
    "Classification level": "密级",
    "Secrecy period (years)": "保密期限（年）",
    "Declassification condition": "解密条件",
    "Distribution scope: departments": "知悉范围：部门",
    "Copy number": "份号",
    "Register and sign": "登记并签名",
    "Your password (signature)": "您的密码（签名）",
}


@pytest.mark.parametrize(
    ("url_name", "terms"), [("carriers:list", LIST_TERMS), ("carriers:register", REGISTER_TERMS)]
)
def test_pages_render_in_chinese(client, org, url_name, terms):
    from tests.factories import register

    register(org.secretary, container=org.cabinet)
    client.force_login(org.secretary)
    html = _client_in(client, "zh-hans").get(reverse(url_name)).content.decode()
    assert '<html lang="zh-hans">' in html
    for english, chinese in terms.items():
        assert chinese in html, chinese
        assert english not in html, english


@pytest.mark.parametrize(
    ("url_name", "terms"), [("carriers:list", LIST_TERMS), ("carriers:register", REGISTER_TERMS)]
)
def test_pages_render_in_english(client, org, url_name, terms):
    client.force_login(org.secretary)
    html = _client_in(client, "en").get(reverse(url_name)).content.decode()
    assert '<html lang="en">' in html
    for english in terms:
        assert english in html, english


def test_marking_follows_the_interface_language(client, org):
    from tests.factories import register

    carrier = register(org.secretary, container=org.cabinet, level=2, secrecy_years=5)
    client.force_login(org.secretary)
    zh = _client_in(client, "zh-hans").get(reverse("carriers:list")).content.decode()
    assert "机密★5年" in zh and "Secret★5 years" not in zh
    en = _client_in(client, "en").get(reverse("carriers:list")).content.decode()
    assert "Secret★5 years" in en
    detail = _client_in(client, "zh-hans").get(reverse("carriers:detail", args=[carrier.pk])).content.decode()
    assert "国家秘密标志（中文）" in detail and "履历" in detail


def test_form_errors_and_refusals_are_chinese(client, org):
    client.force_login(org.secretary)
    response = _client_in(client, "zh-hans").post(reverse("carriers:register"), {"kind": "paper"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "必填项" in html  # Django's (or DRF's) own message, from its zh_Hans catalogue
    assert "This field is required." not in html


def test_wrong_password_login_error_is_chinese(client, org):
    html = _client_in(client, "zh-hans").post(
        reverse("login"), {"username": org.secretary.username, "password": "wrong"}
    ).content.decode()
    assert "请输入一个正确的" in html and "密码" in html
    assert "Please enter a correct" not in html
    html = _client_in(client, "en").post(
        reverse("login"), {"username": org.secretary.username, "password": "wrong"}
    ).content.decode()
    assert "Please enter a correct" in html


def test_api_errors_are_chinese(client, org):
    client.force_login(org.secretary)
    response = _client_in(client, "zh-hans").get("/api/v1/carriers/999999999/")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到。"
