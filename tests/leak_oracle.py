"""The leak oracle (issue 13, item 4): the data it stages and the crawler that reads every answer.

A carrier is *openable* by a user iff GET /api/v1/carriers/{id}/ answers 200 for them. No
response, page, CSV or PDF may carry the registry number or the title of a carrier its reader
cannot open. The crawler reads, as one user:

- every GET operation of the OpenAPI schema: each collection (page_size raised, `next` followed)
  and each path with an {id}-style parameter, filled with ids of existing rows;
- every HTML page reachable from "/" by same-site <a href> links, CSV and PDF downloads included;
- the pages and API rows that the reference readers (each unit's Top Secret secrecy office) found
  naming a staged probe carrier, so that each reader also asks for the detail pages of objects
  they may not see.

Every kind of page and every operation is read by every reader; how many instances of each is set
by the budget below (LEAK_DEPTH raises it). A number or title that the request itself carries (a
filter, a "next" field echoed) is the reader's own words, not a leak.

Everything is made by the real services (common.demo.seed, then build_world's staging), inside the
caller's transaction; nothing here writes a model directly."""

from __future__ import annotations

import bisect
import heapq
import html
import io
import itertools
import json
import logging
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dtime
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from django.apps import apps
from django.db import transaction
from django.db.models import Max
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from common.levels import Level

PASSWORD = "Registry-Demo-2026"  # common.demo.DEMO_PASSWORD
DEMO_UNIT = "DEMO"  # the demo's unit code (personnel/demo.py)

# --- what the oracle stages on top of the demo ---------------------------------------------------------

# Top Secret carriers with titles no demo carrier has; each goes through one custody change.
PROBES = {
    "handover_done": "LEAKPROBE-A 绝密交接已接收方案",
    "handover_open": "LEAKPROBE-B 绝密交接待接收方案",
    "loan": "LEAKPROBE-C 绝密借阅试验大纲",
    "meeting": "LEAKPROBE-D 绝密会议分发材料",
    "dispatch": "LEAKPROBE-E 绝密外发通报",
    "recall": "LEAKPROBE-F 绝密清退清单载体",
    "leaver": "LEAKPROBE-G 绝密离岗人员曾持有",
    "alert": "LEAKPROBE-H 绝密保密期限届满",
    "circulation": "LEAKPROBE-I 绝密传阅文件",
}

# The people the crawl reads as: every role and clearance of the demo plus those the demo lacks.
# username -> what they are (for the report)
READERS = {
    "secretary": "secrecy office, Top Secret",
    "clerk": "secrecy office, Secret",
    "auditor": "auditor, Secret",
    "head_res": "department head (Research), Top Secret",
    "head_gen": "department head (General Affairs), Secret",
    "unit_head": "unit head, Top Secret",
    "staff_core": "staff, Top Secret (core post)",
    "staff_important": "staff, Secret (important post)",
    "staff_general": "staff, Confidential (general post)",
    "staff_none": "staff, no clearance",
    "api_client": "API client (token only, no browser), Secret",
    "other_office": "secrecy office of another unit, Top Secret (added)",
    "leaver": "departed; account active before departure (added)",
}

# the readers whose discoveries every other reader asks for too
REFERENCE_READERS = ("secretary", "other_office")


def _approve_all(request):
    """Approve every step of an approval request with the first eligible decider."""
    from django.contrib.auth import get_user_model

    from approvals import services as approvals
    from approvals.models import ApprovalRequestUserObjectPermission

    User = get_user_model()
    for _step in range(6):
        request.refresh_from_db()
        if not request.is_open:
            return request
        decider = (
            ApprovalRequestUserObjectPermission.objects.filter(content_object=request)
            .order_by("user__username").values_list("user", flat=True).first()
        )
        approvals.decide(actor=User.objects.get(pk=decider), request_id=request.pk, outcome="approve",
                         password=PASSWORD)
    raise AssertionError(f"approval {request.pk} still open after six decisions")


def _hand(giver, taker, carriers, *, accept=True, container=None, note=""):
    from carriers import services as carrier_services

    handover = carrier_services.start_handover(actor=giver, password=PASSWORD, taker=taker, carriers=carriers,
                                               declared_count=len(carriers), note=note)
    if accept:
        carrier_services.accept_handover(actor=taker, password=PASSWORD, handover_id=handover.pk,
                                         counted_count=len(carriers), container=container)
    return handover


@dataclass
class World:
    users: dict            # username -> User
    probes: dict           # probe name -> Carrier
    staged: dict           # what was staged: name -> object
    watermarks: dict       # model label -> highest pk before staging (rows above it were staged)
    tokens: dict           # username -> API token key (api_client; the leaver's, taken before departure)
    leaver_session: str    # the leaver's session key, opened before the departure
    timings: dict = field(default_factory=dict)


def _watermarks() -> dict:
    marks = {}
    for model in apps.get_models():
        pk = model._meta.pk
        if pk.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField"):
            marks[model._meta.label_lower] = model.objects.aggregate(m=Max("pk"))["m"] or 0
    return marks


def build_world() -> World:
    """Seed the demo, add the people it lacks, and stage custody changes of Top Secret carriers.
    Runs in the caller's transaction."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from alerts import services as alert_services
    from carriers import services as carrier_services
    from carriers.models import Carrier, Container
    from carriers.transmission import services as transmission
    from carriers.use import services as use
    from common import demo
    from meetings import services as meetings
    from meetings.models import MeetingVenue
    from personnel import roles
    from personnel import services as personnel
    from personnel.models import Person, Unit

    timings = {}
    started = time.monotonic()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    demo.seed()
    timings["demo seed"] = time.monotonic() - started
    started = time.monotonic()
    marks = _watermarks()
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=list(READERS) + ["head_sec"])}
    unit = Unit.objects.get(code=DEMO_UNIT)
    res = Unit.objects.get(code=f"{DEMO_UNIT}-RES")

    def person(username, number, department, post, role, *, unit=unit, name=None):
        made = personnel.create_person(
            actor=None, username=username, password=PASSWORD, full_name=name or f"探针{username}",
            employee_number=number, unit=unit, department=department, secrecy_post=post, roles=[role],
            email=f"{username}@demo.invalid",
        )
        users[username] = made.user
        return made.user

    # the people the demo lacks: another unit's secrecy office, a person who will leave (active
    # until then), a person whose departure waits for the recall
    other = personnel.create_unit(actor=None, code="OTHER", name_zh="兄弟单位", name_en="Sister Institute")
    other_sec = personnel.create_unit(actor=None, code="OTHER-SEC", name_zh="兄弟单位保密办",
                                      name_en="Sister Institute Secrecy Office", parent=other)
    person("other_office", "P0002", other_sec, "core", roles.SECRECY_OFFICE, unit=other)
    leaver = person("leaver", "P0003", res, "core", roles.STAFF)
    recalled = person("recalled", "P0004", res, "core", roles.STAFF)

    secretary, staff_core, head_res = users["secretary"], users["staff_core"], users["head_res"]
    safe = Container.objects.get(code="SAFE-01")
    today = timezone.localdate()

    def probe(name, **extra):
        fields = dict(kind="paper", title=PROBES[name], originator="LEAKPROBE 上级主管部门", level=Level.TOP_SECRET,
                      secrecy_years=30, container=safe, copy_number="000001", copies_total=1,
                      scope_departments=[res], document_number=f"LEAKPROBE〔2026〕{len(probes) + 1}号")
        fields.update(extra)
        return carrier_services.register_carrier(actor=secretary, password=PASSWORD, **fields)

    probes = {}
    for name in ("handover_done", "handover_open", "loan", "meeting", "recall", "leaver", "circulation"):
        probes[name] = probe(name)
    probes["dispatch"] = probe("dispatch", scope_units=[other])
    probes["alert"] = probe("alert", secrecy_years=1, period_start=today - timedelta(days=800))
    staged = {}

    # a handover between two holders, accepted; another started and waiting for the taker
    staged["handover_done"] = _hand(secretary, staff_core, [probes["handover_done"]], note="LEAKPROBE 交接备注 已接收")
    staged["handover_open"] = _hand(secretary, head_res, [probes["handover_open"]], accept=False,
                                    note="LEAKPROBE 交接备注 待接收")
    # a loan, lent and accepted
    loan = use.request_loan(actor=staff_core, carrier=probes["loan"], purpose="LEAKPROBE 借阅")
    use.lend(actor=secretary, password=PASSWORD, loan_id=loan.pk)
    staged["loan"] = use.accept_loan(actor=staff_core, password=PASSWORD, loan_id=loan.pk, counted_count=1)
    # a circulation round two cleared readers of Research
    staged["circulation"] = use.start_circulation(actor=secretary, carrier=probes["circulation"],
                                                  readers=[staff_core, head_res], note="LEAKPROBE 传阅")
    # a Top Secret meeting: the organiser holds the copy, distributes it to a signed-in attendee
    _hand(secretary, staff_core, [probes["meeting"]])
    venue = MeetingVenue.objects.filter(max_level__gte=Level.TOP_SECRET).order_by("pk").first()
    starts = timezone.make_aware(datetime.combine(today + timedelta(days=2), dtime(9, 0)))
    meeting = meetings.create_meeting(
        actor=staff_core, title="LEAKPROBE 绝密评审会", level=Level.TOP_SECRET, starts_at=starts,
        ends_at=starts + timedelta(hours=2), venue=venue, purpose="LEAKPROBE", attendees=[head_res],
    )
    meeting = meetings.submit_for_approval(actor=staff_core, meeting_id=meeting.pk)
    from approvals.models import ApprovalRequest

    _approve_all(ApprovalRequest.objects.get(pk=meeting.approval_id))
    meetings.sign_in(actor=head_res, meeting_id=meeting.pk)
    staged["meeting"] = meeting
    staged["meeting_handover"] = meetings.distribute(actor=staff_core, password=PASSWORD, meeting_id=meeting.pk,
                                                     attendee=head_res, carriers=[probes["meeting"]],
                                                     declared_count=1)
    # a dispatch to another unit's secrecy office, in transit
    staged["dispatch"] = transmission.dispatch(
        actor=secretary, password=PASSWORD, recipient=users["other_office"], carriers=[probes["dispatch"]],
        declared_count=1, channel="confidential_courier", note="LEAKPROBE 外发",
    )
    # a departure waiting for the recall of the Top Secret carrier its person holds
    _hand(secretary, recalled, [probes["recall"]])
    departure = personnel.submit_departure(actor=recalled, person=recalled.person, leaves_on=today + timedelta(days=30),
                                           reason="LEAKPROBE 调离涉密岗位")
    _approve_all(departure.approval)
    departure.refresh_from_db()
    staged["recall_departure"] = departure
    # a person who held a Top Secret carrier, returned it, took an API token and a session, and left
    _hand(secretary, leaver, [probes["leaver"]])
    _hand(leaver, secretary, [probes["leaver"]], container=safe)
    tokens, client = {}, Client()
    answer = client.post("/api/v1/auth/token/", {"username": "leaver", "password": PASSWORD},
                         content_type="application/json")
    assert answer.status_code == 200, answer.content
    tokens["leaver"] = answer.json()["token"]
    login = client.post("/login/", {"username": "leaver", "password": PASSWORD})
    assert login.status_code == 302, login.content
    leaver_session = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert "_auth_user_id" in client.session and client.get("/api/v1/people/").status_code == 200
    leaving = personnel.submit_departure(actor=leaver, person=leaver.person, leaves_on=today,
                                         reason="LEAKPROBE 调离")
    _approve_all(leaving.approval)
    staged["leaver_departure"] = personnel.complete_departure(actor=secretary, departure_id=leaving.pk,
                                                              password=PASSWORD)
    # alerts: the Top Secret carrier's secrecy period has ended; the dispatch is overdue
    alert_services.run_checks(only="secrecy_ended")
    alert_services.run_checks(only="dispatch_not_received", now=timezone.now() + timedelta(days=40))
    # a register exported in the background by the Secret-cleared office, and a chain verification,
    # run here at once (their Celery tasks would run only after a commit that never comes)
    from registers import services as registers

    export = registers.request_export(actor=users["clerk"], name="carrier-ledger", params={}, fmt="csv",
                                      language="zh-hans")
    staged["export"] = registers.run_export(export_id=export.pk)
    verification = registers.request_chain_verification(actor=users["auditor"])
    staged["verification"] = registers.run_chain_verification(verification_id=verification.pk)
    answer = Client().post("/api/v1/auth/token/", {"username": "api_client", "password": PASSWORD},
                           content_type="application/json")
    assert answer.status_code == 200, answer.content
    tokens["api_client"] = answer.json()["token"]
    for user in users.values():
        user.refresh_from_db()
    for carrier in probes.values():
        carrier.refresh_from_db()
    assert Person.objects.get(user=leaver).status == Person.Status.DEPARTED
    assert Carrier.objects.filter(pk=probes["recall"].pk, holder=recalled).exists()
    timings["staging"] = time.monotonic() - started
    return World(users=users, probes=probes, staged=staged, watermarks=marks, tokens=tokens,
                 leaver_session=leaver_session, timings=timings)


# --- the oracle: which strings a reader may not meet ------------------------------------------------------


def _trie_pattern(words) -> str:
    """One regular expression matching any of `words`, longest first where one is a prefix of
    another (a trie, so that hundreds of alternatives cost one pass)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def walk(node) -> str:
        ends = "" in node
        branches = [re.escape(char) + walk(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return walk(trie)


MIN_TITLE = 6  # shorter titles ("会议纪要") would match ordinary words; none of the demo's is that short


@dataclass(frozen=True)
class CarrierFacts:
    id: int
    level: int
    registry_number: str
    title: str


class Matcher:
    """Finds registry numbers (with boundaries: DEMO-2026-000012 never matches inside
    DEMO-2026-0000123 or XDEMO-2026-000012) and titles of carriers in a text."""

    def __init__(self, carriers: list[CarrierFacts]):
        self.by_id = {c.id: c for c in carriers}
        self.by_number = {c.registry_number: c for c in carriers}
        self.by_title: dict[str, list[CarrierFacts]] = defaultdict(list)
        for c in carriers:
            if len(c.title) >= MIN_TITLE:
                self.by_title[c.title].append(c)
        self.numbers = re.compile(r"(?<![A-Za-z0-9])(" + _trie_pattern(self.by_number) + r")(?![0-9])")
        self.titles = re.compile("(" + _trie_pattern(self.by_title) + ")")

    def find(self, text: str):
        """Yield (kind, string, [carriers it names], position) for each mention."""
        for m in self.numbers.finditer(text):
            yield "registry number", m.group(1), [self.by_number[m.group(1)]], m.start()
        for m in self.titles.finditer(text):
            yield "title", m.group(1), self.by_title[m.group(1)], m.start()


def carrier_facts() -> list[CarrierFacts]:
    from carriers.models import Carrier

    return [CarrierFacts(*row) for row in Carrier.objects.order_by("pk").values_list("pk", "level", "registry_number",
                                                                                      "title")]


# --- reading a response ------------------------------------------------------------------------------------


def _strings(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return response.content_bytes
    return response.content


def readable_text(response, data: bytes) -> tuple[str, object]:
    """The text a reader meets in this response (headers included), and the parsed JSON if any."""
    ctype = response.get("Content-Type", "").split(";")[0].strip()
    headers = " ".join(response.get(h, "") for h in ("Content-Disposition", "Location"))
    parsed = None
    if ctype == "application/pdf":
        text = pdf_text(data)
    elif ctype.endswith("json"):
        raw = data.decode("utf-8", "replace")
        try:
            parsed = json.loads(raw)
            text = "\n".join(_strings(parsed))
        except ValueError:
            text = raw
    else:
        text = data.decode("utf-8-sig", "replace")
        if ctype in ("text/html", "application/xhtml+xml", ""):
            text = html.unescape(text)
    return f"{headers}\n{text}", parsed


@dataclass(frozen=True)
class Leak:
    reader: str
    url: str
    status: int
    carrier: CarrierFacts
    kind: str
    found: str
    context: str

    def line(self) -> str:
        return (f"{self.reader}: GET {self.url} [{self.status}] names carrier #{self.carrier.id} "
                f"({Level(self.carrier.level).name}, {self.carrier.registry_number}) by its {self.kind} "
                f"{self.found!r} … {self.context!r}")


@dataclass
class Report:
    reader: str
    leaks: list = field(default_factory=list)
    requests: int = 0
    statuses: dict = field(default_factory=lambda: defaultdict(int))
    server_errors: list = field(default_factory=list)
    slow: list = field(default_factory=list)        # URLs that met the statement timeout once (read again)
    skipped: list = field(default_factory=list)
    pages: list = field(default_factory=list)       # HTML/CSV/PDF URLs read with 200
    api_items: dict = field(default_factory=dict)   # collection path -> items read
    hot_pages: list = field(default_factory=list)   # (heat, URL) of pages naming a Top Secret carrier
    requested: list = field(default_factory=list)   # every URL asked
    met: set = field(default_factory=set)           # every number and title met
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.reader}: {self.requests} requests in {self.seconds:.1f} s, {len(self.pages)} pages, "
                f"{len(self.leaks)} leaks, statuses {dict(sorted(self.statuses.items()))}")


# --- the crawler ------------------------------------------------------------------------------------------

# API paths the crawl cannot read, each with its reason (everything else in the schema is read)
API_ALLOW_LIST: dict[str, str] = {
    # none today: a background export and a chain verification are staged and run at once
    # (build_world), so that their {id} paths have rows
}

# HTML paths never followed
HTML_SKIP = (
    re.compile(r"^/logout/"),       # would end the session
    re.compile(r"^/i18n/"),         # language switch, no data
    re.compile(r"^/static/"),       # assets
    re.compile(r"^/api/"),          # the API is read through its schema (crawl_api)
    re.compile(r"^/admin/"),        # Django admin: not part of the registry's pages
)

# Budget (the module must stay within a few minutes on two cores). Every kind of page and every
# API operation is read by every reader; beyond that, LEAK_DEPTH=<n> multiplies the per-pattern
# and per-path numbers for a deeper run by hand (e.g. LEAK_DEPTH=5).
DEPTH = int(os.environ.get("LEAK_DEPTH", "1"))
MAX_PAGES = 400     # HTML pages per reader
PER_PATTERN = DEPTH  # pages per pattern (digits as {n}, query keys), for links not by a probe's name
PROBE_NEAR = 600    # characters around a link in which a probe's number or title makes it "hot"
HOT_PER_PATTERN = 2 * DEPTH  # pages per pattern for hot links and for the reference readers' probe pages
HOT_PAGES = 20 * DEPTH  # pages the reference readers found naming a probe, asked by every reader
MAX_API_PAGES = 40  # pages of one collection (`next` followed)
IDS_OWN = DEPTH     # per {id} path: ids of the reader's own collection answer
IDS_HOT = 2 * DEPTH  # ... ids whose row, as the reference readers read it, names a probe
IDS_STAGED = 3      # ... when the path has no collection: rows the oracle staged (pk above the watermark)
# per carrier path ({id} of a carrier): every probe for the carrier itself, the first few for the rest
CARRIER_PROBES = {"/api/v1/carriers/{id}/": len(PROBES)}
CARRIER_PROBES_OTHERS = 3
# paths whose view names no model and which have no collection to take ids from
PATH_MODELS = {"/api/v1/audit/signatures/{id}/": "audit.signature",
               "/api/v1/audit/verifications/{id}/": "registers.chainverification"}
# PDF registers are drawn by WeasyPrint (seconds each): every reader reads every register as
# CSV (the same rows and columns), and the Secret-cleared secrecy office reads the PDFs as well.
PDF_READERS = ("clerk",)
# readers that are API clients only (a token, no browser)
API_ONLY = ("api_client",)

TRACE = os.environ.get("LEAK_TRACE")


def pattern_of(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "{n}", parts.path) + ("?" + "&".join(keys) if keys else "")


HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


class Reader:
    """One user reading everything, and the oracle applied to what they read."""

    def __init__(self, world: World, username: str, matcher: Matcher, schema: dict):
        from django.conf import settings

        self.world, self.username, self.matcher, self.schema = world, username, matcher, schema
        self.user = world.users[username]
        self.client = Client(raise_request_exception=False)
        if username == "leaver":  # the session opened before the departure
            self.client.cookies[settings.SESSION_COOKIE_NAME] = world.leaver_session
        elif username not in API_ONLY:
            self.client.force_login(self.user)
        self.headers = {}
        if username in world.tokens and username != "leaver":
            self.headers["HTTP_AUTHORIZATION"] = f"Token {world.tokens[username]}"
        self.report = Report(reader=username)
        self.probe_ids = {c.pk for c in world.probes.values()}
        probe_strings = [s for c in world.probes.values() for s in (c.registry_number, c.title)]
        self.probe_pattern = re.compile(_trie_pattern(probe_strings))
        self._openable: dict[int, bool] = {}
        self._listed: set | None = None
        self.seen: set[str] = set()

    def _get(self, url: str):
        """One GET in a savepoint rolled back afterwards: a read changes nothing the next read sees
        (an export's audit event), and a statement cut by the timeout spoils no later read."""
        began = time.monotonic()
        sid = transaction.savepoint()
        try:
            if TRACE:
                from django.db import connection
                from django.test.utils import CaptureQueriesContext

                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get(url, **self.headers)
                response.query_count = len(queries)
            else:
                response = self.client.get(url, **self.headers)
            if getattr(response, "streaming", False):
                response.content_bytes = b"".join(response.streaming_content)
        finally:
            transaction.savepoint_rollback(sid)
            transaction.set_rollback(False)
        if TRACE:  # LEAK_TRACE=<file>: one line per request, to see where the time goes
            with open(TRACE, "a") as out:
                out.write(f"{self.username}\t{(time.monotonic() - began) * 1000:.0f}\t{response.status_code}\t{url}"
                          f"\t{getattr(response, 'query_count', '')}\n")
        return response

    # the oracle
    def openable(self, carrier_id: int) -> bool:
        """GET /api/v1/carriers/{id}/ answers 200. The carrier list, read first, says so for the
        carriers it shows (one request instead of hundreds); any other carrier asks its own detail."""
        if self._listed is None:
            self._listed = set()
            url = "/api/v1/carriers/?page_size=500"
            while url:
                response = self._get(url)
                if response.status_code != 200:
                    break
                page = response.json()
                self._listed.update(item["id"] for item in page.get("results", []))
                url = page.get("next")
        if carrier_id in self._listed:
            return True
        if carrier_id not in self._openable:
            response = self._get(f"/api/v1/carriers/{carrier_id}/")
            self._openable[carrier_id] = response.status_code == 200
        return self._openable[carrier_id]

    def _forbidden(self, kind: str, carriers: list[CarrierFacts]) -> CarrierFacts | None:
        if kind == "registry number":
            return None if self.openable(carriers[0].id) else carriers[0]
        # a title is the reader's to meet if any carrier bearing it is open to them
        if any(self.openable(c.id) for c in carriers):
            return None
        return max(carriers, key=lambda c: c.level)

    def get(self, url: str):
        """GET url and apply the oracle: (response, parsed JSON or None, raw body, heat)."""
        with _OutageLog() as outages:
            response = self._get(url)
        if response.status_code == 503 and any("statement timeout" in m for m in outages.messages):
            # the world's statement timeout (a runaway query fails its request) met once: the planner's
            # statistics refreshed and the same URL read again with a longer limit, so the answer is
            # still checked for leaks; a second timeout or any other 5xx fails the reader
            self.report.slow.append(url)
            with _OutageLog() as outages, _longer_statements():
                response = self._get(url)
        self.report.requests += 1
        self.report.requested.append(url)
        self.report.statuses[response.status_code] += 1
        data = body_of(response)
        if response.status_code >= 500:
            said = f": {'; '.join(outages.messages)}" if outages.messages else ""
            self.report.server_errors.append(f"{url} [{response.status_code}]{said}")
        text, parsed = readable_text(response, data)
        return response, parsed, data, self.inspect(url, response.status_code, text)

    def inspect(self, url: str, status: int, text: str) -> int:
        """Record a leak for each number or title in `text` of a carrier this reader cannot open;
        return the text's heat."""
        heat, asked = 0, unquote(url)
        for kind, found, carriers, at in self.matcher.find(text):
            if found in asked:  # the reader's own words echoed (a filter, a "next" field): not a leak
                continue
            self.report.met.add(found)
            heat = max(heat, self._heat(carriers))
            carrier = self._forbidden(kind, carriers)
            if carrier is not None:
                context = text[max(0, at - 60):at + len(found) + 60].replace("\n", " ")
                self.report.leaks.append(Leak(self.username, url, status, carrier, kind, found, context))
        return heat

    def _heat(self, carriers) -> int:
        """2: names a staged probe; 1: names another Top Secret carrier; 0: neither."""
        if any(c.id in self.probe_ids for c in carriers):
            return 2
        return 1 if any(c.level >= Level.TOP_SECRET for c in carriers) else 0

    def _item_heat(self, item) -> int:
        text = "\n".join(_strings(item))
        return max((self._heat(carriers) for _kind, _found, carriers, _at in self.matcher.find(text)), default=0)

    # the API
    def crawl_api(self, reference: list[Report] = ()):
        ops = get_operations(self.schema)
        for path in ops:
            if "{" not in path:
                self.report.api_items[path] = self._read_collection(path)
        for path in ops:
            if "{" not in path:
                continue
            if path in API_ALLOW_LIST:
                self.report.skipped.append(f"{path}: {API_ALLOW_LIST[path]}")
                continue
            values = self._values_for(path, reference)
            if not values:  # no row at all: still read, with an id nothing has
                self.report.skipped.append(f"{path}: no row found for its parameter; read with a missing one")
                values = [999999999]
            for value in values:
                url = re.sub(r"\{[^}]+\}", str(value), path, count=1)
                if path == "/api/v1/registers/{name}/":
                    self.get(f"{url}?format=csv")
                    if self.username in PDF_READERS:
                        self.get(f"{url}?format=pdf")
                elif _is_list_op(self.schema, path):
                    self._read_collection(url)
                else:
                    self.get(url)

    def _read_collection(self, path: str) -> list:
        items, url, pages = [], f"{path}?page_size=500", 0
        while url and pages < MAX_API_PAGES:
            response, parsed, _data, _heat = self.get(url)
            pages += 1
            if response.status_code != 200:
                break
            if isinstance(parsed, dict) and isinstance(parsed.get("results"), list):
                items.extend(parsed["results"])
                url = parsed.get("next")
                if url:
                    parts = urlsplit(url)
                    url = parts.path + ("?" + parts.query if parts.query else "")
            else:
                if isinstance(parsed, list):
                    items.extend(parsed)
                url = None
        return items

    def _values_for(self, path: str, reference) -> list:
        """Values for the path's parameter: rows naming a probe (as the reference readers read
        them), the reader's own first row, and rows the oracle staged when there is no collection."""
        name = re.search(r"\{([^}]+)\}", path).group(1)
        source = path[:path.index("{")]
        if source not in self.report.api_items:
            source = {"carrier_id": "/api/v1/carriers/", "name": "/api/v1/register-exports/registers/"}.get(name)
        values: list = []

        def key(item):
            if not isinstance(item, dict):
                return None
            return item.get(name, item.get("id", item.get("seq")))

        def add(found, limit):
            for value in found:
                if limit <= 0:
                    return
                if value is not None and value not in values:
                    values.append(value)
                    limit -= 1

        if source == "/api/v1/register-exports/registers/":  # every register
            return [key(item) for item in self.report.api_items.get(source, [])]
        if source == "/api/v1/carriers/":  # the probe carriers
            add(sorted(self.probe_ids), CARRIER_PROBES.get(path, CARRIER_PROBES_OTHERS))
        elif source is not None:
            for ref in reference:
                add([key(item) for item in ref.api_items.get(source, []) if self._item_heat(item) == 2], IDS_HOT)
        if source is not None:
            add([key(item) for item in self.report.api_items.get(source, [])], IDS_OWN)
            return values
        model = apps.get_model(PATH_MODELS[path]) if path in PATH_MODELS else view_model(path)
        if model is not None and name in ("id", "pk"):
            mark = self.world.watermarks.get(model._meta.label_lower, 0)
            add(model.objects.filter(pk__gt=mark).order_by("pk").values_list("pk", flat=True)[:IDS_STAGED], IDS_STAGED)
            add(model.objects.order_by("pk").values_list("pk", flat=True)[:1], 1)
        return values

    # the pages
    def crawl_html(self, extra: list[str] = ()):
        """From "/" by same-site links, breadth first. A link within PROBE_NEAR characters of a
        probe's number or title is always followed; others up to PER_PATTERN per pattern."""
        queue: list = []
        order = 0

        def push(url, hot):
            nonlocal order
            order += 1
            heapq.heappush(queue, (0 if hot else 1, order, url))

        for url in ["/", *extra]:
            push(url, True)
        counted: dict[str, int] = defaultdict(int)
        hot_counted: dict[str, int] = defaultdict(int)
        pages = 0
        while queue and pages < MAX_PAGES:
            cold, _order, url = heapq.heappop(queue)
            if url in self.seen:
                continue
            path = urlsplit(url).path
            if any(p.match(path) for p in HTML_SKIP):
                continue
            if path.endswith(".pdf") and self.username not in PDF_READERS:
                self.report.skipped.append(f"{url}: PDF read by {', '.join(PDF_READERS)} only (its CSV is read)")
                self.seen.add(url)
                continue
            key = pattern_of(url)
            if url != "/" and (counted if cold else hot_counted)[key] >= (PER_PATTERN if cold else HOT_PER_PATTERN):
                continue
            self.seen.add(url)
            (counted if cold else hot_counted)[key] += 1
            response, _parsed, data, heat = self.get(url)
            pages += 1
            if response.status_code in (301, 302, 303, 307, 308):
                push(response["Location"], not cold)
                continue
            if response.status_code != 200:
                continue
            self.report.pages.append(url)
            if heat == 2:
                self.report.hot_pages.append(url)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            body = data.decode("utf-8", "replace")
            probes_at = [m.start() for m in self.probe_pattern.finditer(body)]
            for match in HREF.finditer(body):
                link = html.unescape(match.group(1) or match.group(2) or "")
                absolute = urljoin(url, link.split("#")[0])
                parts = urlsplit(absolute)
                if not link or parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                    continue
                target = parts.path + ("?" + parts.query if parts.query else "")
                if target in self.seen:
                    continue
                i = bisect.bisect_left(probes_at, match.start() - PROBE_NEAR)
                push(target, i < len(probes_at) and probes_at[i] <= match.end() + PROBE_NEAR)
        if queue:
            self.report.skipped.append(f"HTML: stopped after {MAX_PAGES} pages, {len(queue)} links left")

    def run(self, reference: list[Report] = ()) -> Report:
        started = time.monotonic()
        self.crawl_api(reference)
        if self.username not in API_ONLY:
            self.crawl_html(hot_pages(reference))
        self.report.seconds = time.monotonic() - started
        return self.report


def hot_pages(reference: list[Report]) -> list[str]:
    """The reference readers' pages that name a probe, HOT_PER_PATTERN per pattern, taken in
    turns across patterns, HOT_PAGES in all."""
    by_pattern: dict[str, list] = defaultdict(list)
    for url in dict.fromkeys(url for ref in reference for url in ref.hot_pages):
        if len(by_pattern[pattern_of(url)]) < HOT_PER_PATTERN:
            by_pattern[pattern_of(url)].append(url)
    turns = [url for group in itertools.zip_longest(*by_pattern.values()) for url in group if url]
    return turns[:HOT_PAGES]


# --- the schema ------------------------------------------------------------------------------------------

_SCHEMA: dict = {}


def openapi_schema() -> dict:
    if not _SCHEMA:
        import logging
        import warnings

        from drf_spectacular.generators import SchemaGenerator

        logging.getLogger("drf_spectacular").setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from drf_spectacular.drainage import GENERATOR_STATS

            GENERATOR_STATS.silent = True
            _SCHEMA.update(SchemaGenerator().get_schema(request=None, public=True))
    return _SCHEMA


def get_operations(schema: dict) -> list[str]:
    return [path for path, ops in schema["paths"].items() if "get" in ops]


def _is_list_op(schema: dict, path: str) -> bool:
    op = schema["paths"][path]["get"]
    return op.get("operationId", "").endswith("_list")


def view_model(path: str):
    """The model behind the view that answers `path`, from its queryset or its serializer."""
    try:
        match = resolve(re.sub(r"\{[^}]+\}", "1", path))
    except Resolver404:
        return None
    cls = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    queryset = getattr(cls, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(cls, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)


class _OutageLog(logging.Handler):
    """What the outage middleware logged while one request ran (a 503 says why in the report)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    def __enter__(self):
        logging.getLogger("registry.outage").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("registry.outage").removeHandler(self)


class _longer_statements:
    """ANALYZE (statistics of the world's uncommitted rows), then a 5-minute statement limit for one
    request, then the world's own limit again."""

    def __enter__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            self.before = cursor.fetchone()[0]
            cursor.execute("ANALYZE")
            cursor.execute("SET statement_timeout = 300000")
        return self

    def __exit__(self, *exc):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [self.before])
