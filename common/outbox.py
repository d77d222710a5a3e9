"""Handing background work to the broker without ever losing it or failing the request.

The job row is the outbox: a service creates the job (status queued, `dispatched_at` empty) in the
same transaction as its audit event, and only after commit tries to hand the task to the broker
with `publish()`. publish() never raises and never waits long: with the broker down it answers
False at once (connection refused) or after BROKER_PUBLISH_TIMEOUT seconds (an unreachable host),
and the job simply stays queued with `dispatched_at` empty. The sweeper of each app (scheduled by
beat, e.g. registers.tasks.sweep_background_jobs) publishes every job still waiting, so a job
committed while Redis was down starts when Redis is back, and a message lost with Redis's memory
is sent again. A duplicate message is harmless: the task runs only a job that is still queued.

Without a broker (embedded mode, CELERY_TASK_ALWAYS_EAGER) the caller runs the work in a thread of
its own process instead (e.g. registers.services._start_in_background)."""

import logging

from django.conf import settings

log = logging.getLogger(__name__)


def _timeout() -> float:
    return float(getattr(settings, "BROKER_PUBLISH_TIMEOUT", 3))


def publish(task_name: str, **kwargs) -> bool:
    """Send one task; True when the broker took it. False without a broker (embedded mode: the
    caller runs the function itself) or when the broker is down or unreachable."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    from celery import current_app as app  # config.celery (imported by config/__init__.py)

    timeout = _timeout()
    try:
        with app.connection_for_write(
            connect_timeout=timeout,
            transport_options={**(app.conf.broker_transport_options or {}), "socket_connect_timeout": timeout,
                               "socket_timeout": timeout, "max_retries": 0},
        ) as connection:
            # no retries (the sweeper is the retry), no result subscription (a second connection)
            app.send_task(task_name, kwargs=kwargs, connection=connection, retry=False, ignore_result=True)
        return True
    except Exception as exc:  # the broker is down or unreachable: the job waits for the sweeper
        log.warning("broker unavailable, %s(%s) waits for the sweeper: %s", task_name, kwargs,
                    f"{type(exc).__name__}: {exc}")
        return False


def broker_status() -> str:
    """"ok", "not configured" (embedded mode) or "error: <kind>", within BROKER_PUBLISH_TIMEOUT."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not configured"
    from celery import current_app as app  # config.celery (imported by config/__init__.py)

    timeout = _timeout()
    try:
        with app.connection_for_write(
            connect_timeout=timeout,
            transport_options={**(app.conf.broker_transport_options or {}), "socket_connect_timeout": timeout,
                               "socket_timeout": timeout, "max_retries": 0},
        ) as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
            channel = connection.default_channel
            client = getattr(channel, "client", None)
            if client is not None:
                client.ping()
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"
