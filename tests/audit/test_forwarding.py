"""Forwarding to syslog (RFC 5424, structured data): events arrive at a local UDP listener after
their transaction commits; a full queue drops and counts; a syslog host that is down never blocks
or breaks a write."""

import socket
import time

import pytest
from django.db import transaction

from audit import forwarding
from audit.services import record


@pytest.fixture
def listener():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    yield sock
    sock.close()


def test_rfc5424_format():
    message = forwarding.format_rfc5424(msgid="carrier.created", params={"seq": 7, "note": 'a "b" ]c'},
                                        message="目录 1", hostname="host one")
    text = message.decode("utf-8")
    assert text.startswith("<85>1 ") and " hostone carrier-registry " in text
    assert '[audit@32473 seq="7" note="a \\"b\\" \\]c"]' in text
    assert text.endswith("\ufeff目录 1")


@pytest.mark.django_db
def test_events_reach_a_local_udp_listener_after_commit(listener, monkeypatch, django_capture_on_commit_callbacks):
    host, port = listener.getsockname()
    monkeypatch.setenv("AUDIT_SYSLOG_HOST", f"{host}:{port}")
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        event = record(actor=None, action="test.forwarded", details={"n": 1})
    listener.settimeout(0.3)
    with pytest.raises(TimeoutError):
        listener.recv(65535)  # nothing before the commit
    assert callbacks
    for callback in callbacks:  # the commit
        callback()
    listener.settimeout(5)
    data = listener.recv(65535).decode("utf-8")
    assert "carrier-registry" in data and "test_forwarded" in data
    assert f'seq="{event.seq}"' in data and f'hash="{event.hash}"' in data


@pytest.mark.django_db
def test_a_rolled_back_event_is_not_forwarded(listener, monkeypatch, django_capture_on_commit_callbacks):
    host, port = listener.getsockname()
    monkeypatch.setenv("AUDIT_SYSLOG_HOST", f"{host}:{port}")

    class Boom(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            record(actor=None, action="test.rolled_back")
            raise Boom
    assert not callbacks
    listener.settimeout(0.3)
    with pytest.raises(TimeoutError):
        listener.recv(65535)


def test_a_full_queue_drops_and_counts_without_blocking():
    fwd = forwarding.Forwarder("127.0.0.1", 9, maxsize=1, start=False)  # no consumer: the queue fills
    fwd.queue.put_nowait(b"x")
    started = time.monotonic()
    assert fwd.submit(b"y") is False and fwd.dropped == 1
    assert time.monotonic() - started < 0.1


@pytest.mark.django_db
def test_syslog_down_never_blocks_or_breaks_a_write(monkeypatch, django_capture_on_commit_callbacks):
    # TCP to a port nobody listens on: the connection is refused in the background thread
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    monkeypatch.setenv("AUDIT_SYSLOG_HOST", f"127.0.0.1:{port}")
    monkeypatch.setenv("AUDIT_SYSLOG_PROTOCOL", "tcp")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for i in range(20):
            with transaction.atomic():
                record(actor=None, action="test.unforwarded", details={"i": i})
    assert len(callbacks) == 20
    assert time.monotonic() - started < 5
    fwd = forwarding.forwarder()
    assert fwd.flush(5)
    assert fwd.errors >= 1 and fwd.sent == 0
