"""Forwarding the audit trail to syslog (RFC 5424, structured data) for a SIEM.

The write never waits on the network: an event is handed over after its transaction commits,
into a bounded queue that one background thread drains to the syslog host (UDP, or TCP with
octet-counting framing, RFC 6587). A full queue drops the message and counts it; a host that is
down costs a counted error, never an exception in the request. Off unless AUDIT_SYSLOG_HOST is set
(host or host:port; AUDIT_SYSLOG_PROTOCOL udp (default) or tcp)."""

import logging
import os
import queue
import socket
import threading
from datetime import UTC, datetime

log = logging.getLogger(__name__)

APP_NAME = "carrier-registry"
SD_ID = "audit@32473"  # 32473: the private enterprise number RFC 5612 reserves for examples
FACILITY_AUTHPRIV = 10
SEVERITY_NOTICE = 5
QUEUE_SIZE = 10_000


def _sd_escape(value) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def _ascii_token(value: str, limit: int) -> str:
    """A header field of RFC 5424: printable US-ASCII, no spaces, '-' when empty."""
    text = "".join(ch for ch in str(value) if 33 <= ord(ch) <= 126)[:limit]
    return text or "-"


def format_rfc5424(*, msgid: str, params: dict, message: str = "", at: datetime | None = None,
                   severity: int = SEVERITY_NOTICE, hostname: str | None = None) -> bytes:
    """<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID k="v" ...] MSG (UTF-8 with BOM)."""
    pri = FACILITY_AUTHPRIV * 8 + severity
    stamp = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    host = _ascii_token(hostname or socket.gethostname(), 255)
    sd = "[" + SD_ID + "".join(
        f' {_ascii_token(k, 32)}="{_sd_escape(v)}"' for k, v in params.items() if v is not None
    ) + "]"
    head = f"<{pri}>1 {stamp} {host} {APP_NAME} {os.getpid()} {_ascii_token(msgid, 32)} {sd}"
    return head.encode("utf-8") + ((b" \xef\xbb\xbf" + message.encode("utf-8")) if message else b"")


def event_message(event) -> bytes:
    params = {
        "seq": event.seq, "action": event.action, "actor": event.actor_name, "actorId": event.actor_id,
        "targetType": event.target_type, "targetId": event.target_id, "hash": event.hash,
        "prevHash": event.prev_hash,
    }
    return format_rfc5424(msgid=event.action.replace(".", "_") or "event", params=params,
                          message=str(event.target_label or ""), at=event.at)


def parse_target(value: str) -> tuple[str, int]:
    host, _sep, port = value.rpartition(":") if value.count(":") == 1 else (value, "", "")
    return (host or value), int(port or 514)


class Forwarder:
    """A bounded queue and one daemon thread sending to one syslog host."""

    def __init__(self, host: str, port: int = 514, protocol: str = "udp", maxsize: int = QUEUE_SIZE,
                 timeout: float = 2.0, start: bool = True):
        self.host, self.port, self.protocol, self.timeout = host, port, protocol.lower(), timeout
        self.queue: queue.Queue = queue.Queue(maxsize=maxsize)
        self.sent = self.dropped = self.errors = 0
        self._sock = None
        self._thread = threading.Thread(target=self._run, name="audit-syslog", daemon=True)
        if start:
            self._thread.start()

    def submit(self, message: bytes) -> bool:
        """Never blocks, never raises: False (and counted) when the queue is full."""
        try:
            self.queue.put_nowait(message)
            return True
        except queue.Full:
            self.dropped += 1
            return False

    def _connect(self):
        if self.protocol == "tcp":
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(self.timeout)
        return sock

    def _send(self, message: bytes) -> None:
        if self._sock is None:
            self._sock = self._connect()
        if self.protocol == "tcp":
            self._sock.sendall(str(len(message)).encode("ascii") + b" " + message)
        else:
            self._sock.sendto(message, (self.host, self.port))

    def _run(self) -> None:
        while True:
            message = self.queue.get()
            try:
                self._send(message)
                self.sent += 1
            except OSError:
                self.errors += 1
                if self._sock is not None:
                    try:
                        self._sock.close()
                    except OSError:
                        pass
                self._sock = None
            finally:
                self.queue.task_done()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait (tests, shutdown) until the queue is drained; True when it was."""
        import time

        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.queue.unfinished_tasks


_forwarder: Forwarder | None = None
_forwarder_target: tuple | None = None
_lock = threading.Lock()


def configured_target() -> tuple[str, int, str] | None:
    from django.conf import settings

    value = os.environ.get("AUDIT_SYSLOG_HOST", "") or getattr(settings, "AUDIT_SYSLOG_HOST", "") or ""
    if not value:
        return None
    protocol = os.environ.get("AUDIT_SYSLOG_PROTOCOL", "") or getattr(settings, "AUDIT_SYSLOG_PROTOCOL", "udp")
    host, port = parse_target(value)
    return host, port, protocol or "udp"


def forwarder() -> Forwarder | None:
    """The process's forwarder for the configured host (None when forwarding is off)."""
    global _forwarder, _forwarder_target
    target = configured_target()
    if target is None:
        return None
    with _lock:
        if _forwarder is None or _forwarder_target != target:
            _forwarder, _forwarder_target = Forwarder(*target), target
        return _forwarder


def submit(message: bytes) -> bool:
    try:
        fwd = forwarder()
        return fwd.submit(message) if fwd is not None else False
    except Exception:  # never into the request
        log.exception("audit syslog forwarding failed")
        return False


def forward_event(event) -> None:
    """After the event's transaction commits, queue it for syslog (nothing when forwarding is off)."""
    if configured_target() is None:
        return
    from django.db import transaction

    try:
        message = event_message(event)
    except Exception:
        log.exception("audit event %s could not be formatted for syslog", getattr(event, "seq", "?"))
        return
    transaction.on_commit(lambda: submit(message))


def _on_event_saved(sender, instance, created, **kwargs):
    if created:
        forward_event(instance)


def connect() -> None:
    """Called by the audit app's ready(): every event written through the model is forwarded."""
    from django.db.models.signals import post_save

    from .models import AuditEvent

    post_save.connect(_on_event_saved, sender=AuditEvent, dispatch_uid="audit-syslog-forwarding")
