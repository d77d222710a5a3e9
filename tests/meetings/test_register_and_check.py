"""The meetings' distribution-and-return register in both languages (rows, marking, signatures),
and the scheduled check meeting_copy_missing: due while a missing copy is lost, not due otherwise."""

import subprocess

import pytest
from django.utils import timezone, translation

from alerts.models import Alert
from alerts.services import run_checks
from carriers import services as carrier_services
from meetings.checks import due_missing_copies
from registers import services as registers
from registers.base import signature_text

from .helpers import distribute, give_back, receive

pytestmark = pytest.mark.django_db


def _flat(text) -> str:
    return "".join(str(text).split())


@pytest.fixture
def ended(org, meeting, docs):
    """Three copies out to staff_important: two back, one missing; the meeting closed."""
    from meetings import services

    receive(meeting, distribute(org, meeting, docs, to=org.staff_important), actor=org.staff_important)
    receive(meeting, give_back(meeting, docs[:2], actor=org.staff_important), actor=org.staff_core)
    services.close(actor=org.staff_core, password=org.password, meeting_id=meeting.pk, missing=[docs[2].pk],
                   missing_note="散会后未交回")
    return meeting


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_register_lists_every_copy_with_its_signatures(org, ended, docs, tmp_path, language):
    from meetings.models import MeetingCopy

    export = registers.export_register(actor=org.auditor, name="meeting-distribution", params={}, fmt="pdf",
                                       language=language)
    assert export.rows == 3
    path = tmp_path / "meeting.pdf"
    path.write_bytes(export.content)
    # raw order: a wrapped cell's lines stay together
    text = _flat(subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                                check=True).stdout)
    assert _flat("涉密会议文件分发与清退登记簿" if language == "zh-hans" else
                 "Register of meeting document distribution and return") in text
    assert _flat("机密★" if language == "zh-hans" else "Secret★") in text
    for doc in docs:
        assert doc.registry_number in text
    copy = MeetingCopy.objects.select_related("handover__giver_signature", "handover__taker_signature").first()
    with translation.override(language):
        for signature in (copy.handover.giver_signature, copy.handover.taker_signature):
            name, when, meaning = signature_text(signature).split(" · ")
            assert _flat(name) in text and when.split(" ")[0] in text and _flat(meaning) in text
        assert _flat("散会后未交回") in text
    csv = registers.export_register(actor=org.auditor, name="meeting-distribution", params={"status": "missing"},
                                    fmt="csv", language=language)
    assert csv.rows == 1 and docs[2].registry_number in csv.content.decode("utf-8-sig")


def test_register_filters_are_checked(org, ended):
    from common.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        registers.export_register(actor=org.auditor, name="meeting-distribution", params={"status": "nope"},
                                  fmt="csv", language="en")


def test_check_due_while_the_missing_copy_is_lost_and_not_once_found(org, ended, docs):
    now = timezone.now()
    due = list(due_missing_copies(today=timezone.localdate(), now=now))
    assert [row["target_label"].split(" · ")[0] for row in due] == [docs[2].registry_number]
    assert Alert.objects.filter(kind="meeting_copy_missing", status="open").count() == 1
    # found: the copy is back in custody; the next run resolves the alert and it is no longer due
    carrier_services.transition(carrier=docs[2], to_status="in_custody", actor=org.secretary, reason="找到")
    assert list(due_missing_copies(today=timezone.localdate(), now=now)) == []
    result = run_checks(only="meeting_copy_missing")
    assert result["meeting_copy_missing"] == {"created": 0, "resolved": 1}
    assert Alert.objects.get(kind="meeting_copy_missing").status == "resolved"


def test_check_not_due_for_a_meeting_with_every_copy_back(org, meeting, docs):
    receive(meeting, distribute(org, meeting, docs[:1], to=org.staff_important), actor=org.staff_important)
    assert list(due_missing_copies(today=timezone.localdate(), now=timezone.now())) == []
    assert run_checks(only="meeting_copy_missing")["meeting_copy_missing"] == {"created": 0, "resolved": 0}
