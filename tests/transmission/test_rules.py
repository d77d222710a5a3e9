"""R2 as pure functions: each clause refused when violated, allowed when met (no database)."""

import pytest

from carriers.transmission import rules
from common.levels import Level


@pytest.mark.parametrize("channel", ["confidential_courier", "confidential_communication", "hand_delivery",
                                     "diplomatic_courier"])
def test_permitted_channels(channel):
    assert rules.channel_permitted(channel=channel) is None


def test_ordinary_mail_and_unknown_channels_refused():
    refusal = rules.channel_permitted(channel="ordinary_mail")
    assert refusal.kind == "refused" and refusal.field == "channel" and "ordinary mail" in refusal.message
    assert rules.channel_permitted(channel="fax").kind == "invalid"


def test_only_the_secrecy_office_dispatches():
    assert rules.may_dispatch(is_office=True) is None
    assert rules.may_dispatch(is_office=False).kind == "refused"


def test_recipient_must_be_active_and_elsewhere():
    assert rules.recipient_elsewhere(sending_unit_id=1, receiving_unit_id=2, recipient_active=True) is None
    assert rules.recipient_elsewhere(sending_unit_id=1, receiving_unit_id=1, recipient_active=True).code == "same_unit"
    assert rules.recipient_elsewhere(sending_unit_id=1, receiving_unit_id=2, recipient_active=False).field == "recipient"
    assert rules.receiving_unit_matches(given_unit_id=None, recipient_unit_id=2) is None
    assert rules.receiving_unit_matches(given_unit_id=2, recipient_unit_id=2) is None
    assert rules.receiving_unit_matches(given_unit_id=3, recipient_unit_id=2).field == "receiving_unit"


def test_scope_never_widened():
    assert rules.recipient_in_scope(out_of_scope=[]) is None
    refusal = rules.recipient_in_scope(out_of_scope=["U-2026-000002", "U-2026-000001"])
    assert refusal.kind == "refused" and "U-2026-000001, U-2026-000002" in refusal.message


def hand(**overrides):
    facts = dict(channel="hand_delivery", courier_given=True, courier_active=True, courier_clearance=Level.SECRET,
                 courier_same_unit=True, levels=[Level.SECRET], route="专车", protective_measures="密封箱")
    facts.update(overrides)
    return rules.hand_delivery_arranged(**facts)


def test_hand_delivery_arranged():
    assert hand() == []
    assert hand(channel="confidential_courier", courier_given=False, route="", protective_measures="") == []
    assert [v.field for v in hand(courier_given=False)] == ["courier"]
    assert [v.field for v in hand(route=" ")] == ["route"]
    assert [v.field for v in hand(protective_measures="")] == ["protective_measures"]
    assert hand(courier_clearance=Level.CONFIDENTIAL)[0].kind == "refused"
    assert hand(courier_same_unit=False)[0].code == "courier_not_staff"
    assert hand(courier_active=False)[0].code == "courier_not_staff"


def test_abroad():
    assert rules.abroad_permitted(is_abroad=False, channel="confidential_courier", has_approval=False) is None
    assert rules.abroad_permitted(is_abroad=True, channel="diplomatic_courier", has_approval=False) is None
    assert rules.abroad_permitted(is_abroad=True, channel="confidential_courier", has_approval=True) is None
    assert rules.abroad_permitted(is_abroad=True, channel="hand_delivery", has_approval=False).kind == "refused"


def fits(**overrides):
    facts = dict(is_abroad=True, kind="carrying_abroad", unit_id=1, sending_unit_id=1, level=Level.SECRET,
                 levels=[Level.SECRET, Level.CONFIDENTIAL])
    facts.update(overrides)
    return rules.approval_fits(**facts)


def test_abroad_approval_fits():
    assert fits() is None
    assert fits(is_abroad=False).code == "approval_not_needed"
    assert fits(kind="carrying_out").code == "approval_kind"
    assert fits(unit_id=2).kind == "refused"
    assert fits(level=Level.CONFIDENTIAL).code == "approval_level"


def test_count_matches_list():
    assert rules.count_matches_list(declared=2, listed=2) is None
    assert rules.count_matches_list(declared=3, listed=2).field == "declared_count"


def test_receipt_differences():
    same = rules.receipt_differences(listed=2, counted=2, arrived=2, unexpected=0)
    assert not same["any"] and not same["count_differs"]
    short = rules.receipt_differences(listed=3, counted=2, arrived=2, unexpected=0)
    assert short["any"] and short["missing"] == 1 and not short["count_differs"]
    extra = rules.receipt_differences(listed=2, counted=3, arrived=2, unexpected=1)
    assert extra["any"] and not extra["count_differs"]
    miscount = rules.receipt_differences(listed=2, counted=3, arrived=2, unexpected=0)
    assert miscount["any"] and miscount["count_differs"]


def test_difference_needs_a_note():
    short = rules.receipt_differences(listed=3, counted=2, arrived=2, unexpected=0)
    assert rules.difference_recorded(differences=short, listed=3, counted=2, note="少一份") is None
    refusal = rules.difference_recorded(differences=short, listed=3, counted=2, note=" ")
    assert refusal.code == "count_mismatch" and "nothing was signed" in refusal.message
    swapped = rules.receipt_differences(listed=2, counted=2, arrived=1, unexpected=1)
    assert "does not match the list" in rules.difference_recorded(differences=swapped, listed=2, counted=2, note="").message
    same = rules.receipt_differences(listed=2, counted=2, arrived=2, unexpected=0)
    assert rules.difference_recorded(differences=same, listed=2, counted=2, note="") is None


def test_receipt_by_the_recipient_once():
    assert rules.receiver_is_recipient(actor_id=1, recipient_id=1) is None
    assert rules.receiver_is_recipient(actor_id=2, recipient_id=1).kind == "refused"
    assert rules.still_in_transit(status="in_transit", label="") is None
    assert rules.still_in_transit(status="received", label="Received").kind == "conflict"
    assert rules.checked_on_list(not_listed=[]) is None
    assert "7, 9" in rules.checked_on_list(not_listed=[9, 7]).message


@pytest.mark.parametrize(
    ("kind", "resolution", "who", "allowed"),
    [
        ("missing", "found", "recipient", True),
        ("missing", "found", "sender_office", False),
        ("missing", "returned", "sender_office", True),
        ("missing", "returned", "receiver_office", False),
        ("missing", "lost", "sender_office", True),
        ("missing", "lost", "receiver_office", True),
        ("missing", "lost", "recipient", False),
        ("unexpected", "returned", "recipient", True),
        ("count", "found", "sender_office", True),
        ("count", "found", "nobody", False),
    ],
)
def test_who_resolves_what(kind, resolution, who, allowed):
    violation = rules.may_resolve(kind=kind, resolution=resolution, is_recipient=who == "recipient",
                                  office_of_sender=who == "sender_office", office_of_receiver=who == "receiver_office")
    assert (violation is None) == allowed


def test_resolutions_fit_the_kind():
    assert rules.resolution_fits(kind="missing", resolution="lost") is None
    assert rules.resolution_fits(kind="unexpected", resolution="lost").field == "resolution"
    assert rules.resolution_fits(kind="count", resolution="vanished").field == "resolution"
    assert rules.discrepancy_open(resolution="") is None
    assert rules.discrepancy_open(resolution="found").kind == "conflict"
    assert rules.resolution_explained(note="") is not None and rules.resolution_explained(note="ok") is None
