"""Issue 19, item 7: the year's self-inspection report — figures per rule of the regulation with the
registry's evidence (the audit events counted, by sequence number; the incidents by number) — as a
PDF in both languages and a CSV, counted through the gate."""

from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from common.levels import Level
from incidents import services as incidents
from registers import services
from registers.self_inspection import figures
from tests.factories import register

from .conftest import pdf_text


def by_label(rows):
    return {row.label_en: row for row in rows}


def scripted(org):
    secret = register(org.secretary, container=org.cabinet, level=Level.SECRET, title="年度文件")
    top = register(org.secretary, container=org.safe, level=Level.TOP_SECRET, title="绝密年度文件")
    incident = incidents.report_incident(actor=org.staff_core, kind="violation", summary="A page photographed")
    return secret, top, incident


def test_figures_per_rule_with_their_evidence(org):
    secret, top, incident = scripted(org)
    year = timezone.localdate().year
    rows = by_label(figures(user=org.secretary, year=year))
    registered = rows["Carriers registered"]
    seqs = sorted(AuditEvent.objects.filter(action="carrier.registered").values_list("seq", flat=True))
    assert registered.rule == "R6" and registered.count == 2
    assert registered.evidence_en == f"Audit events no. {seqs[0]}, {seqs[1]} (2)"
    assert registered.evidence_zh == f"审计记录序号 {seqs[0]}, {seqs[1]}，共 2 条"
    reported = rows["Leaks, losses and breaches reported (closed)"]
    assert reported.rule == "R13" and reported.count == 1 and incident.number in reported.evidence_en
    assert rows["Destructions recorded"].count == 0 and rows["Destructions recorded"].evidence_en == "No record"
    assert {"R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R11", "R12", "R13", "R14"} <= {r.rule for r in rows.values()}
    # the gate: the Secret-cleared clerk counts only what they may see; last year has nothing
    assert by_label(figures(user=org.clerk, year=year))["Carriers registered"].count == 1
    assert by_label(figures(user=org.secretary, year=year - 1))["Carriers registered"].count == 0


def test_the_report_renders_in_both_languages(org, tmp_path):
    scripted(org)
    year = str(timezone.localdate().year)
    zh = services.export_register(actor=org.secretary, name="self-inspection", params={"year": year}, fmt="pdf",
                                  language="zh-hans")
    text = "".join(pdf_text(zh.content, tmp_path, "zh").split())
    assert "保密自查自评报告" in text and "登记的涉密载体" in text and "泄密、丢失和违规事件" in text and year in text
    en = services.export_register(actor=org.secretary, name="self-inspection", params={"year": year}, fmt="pdf",
                                  language="en")
    text = "".join(pdf_text(en.content, tmp_path, "en").split())
    assert "Self-inspectionreportonsecrecy" in text and "Carriersregistered" in text and "Secrecytrainingrecorded" in text
    csv = services.export_register(actor=org.secretary, name="self-inspection", params={"year": year}, fmt="csv",
                                   language="en")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rule,Figure,Count,") and any(line.startswith("R6,Carriers registered,2,") for line in lines)


def test_bad_year_and_who_may_have_it(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.secretary)
    assert client.get("/registers/self-inspection.csv", {"year": "2999"}).status_code == 400
    assert client.get("/registers/self-inspection.csv", {"year": "abc"}).status_code == 400
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(org.staff_core)
    assert staff.get("/registers/self-inspection.csv").status_code == 403
