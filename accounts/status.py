"""Health of the running parts, for the system status page."""

from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Heartbeat

BEAT_INTERVAL = timedelta(seconds=60)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
        return Check("database", True, version)
    except Exception as error:  # noqa: BLE001 - the page reports every failure as text
        return Check("database", False, str(error))


def _redis_client():
    import redis

    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1)


def _redis() -> tuple[Check, Check]:
    try:
        client = _redis_client()
        info = client.info("server")
        pending = client.llen(settings.CELERY_TASK_DEFAULT_QUEUE)
        return (
            Check("redis", True, f"Redis {info.get('redis_version', '?')}"),
            Check("pending", pending < 1000, str(pending)),
        )
    except Exception as error:  # noqa: BLE001
        return Check("redis", False, str(error)), Check("pending", False, "-")


def _workers() -> Check:
    try:
        replies = current_app.control.ping(timeout=1.0) or []
    except Exception as error:  # noqa: BLE001
        return Check("worker", False, str(error))
    names = sorted(name for reply in replies for name in reply)
    return Check("worker", bool(names), ", ".join(names))


def _beat() -> Check:
    heartbeat = Heartbeat.objects.filter(name="beat").first()
    if heartbeat is None:
        return Check("beat", False, "")
    fresh = timezone.now() - heartbeat.last_seen_at <= 3 * BEAT_INTERVAL
    return Check("beat", fresh, heartbeat.last_seen_at.isoformat())


def system_status() -> dict:
    redis_check, pending_check = _redis()
    checks = [_database(), redis_check, _workers(), _beat(), pending_check]
    beat = Heartbeat.objects.filter(name="beat").first()
    return {
        "checks": {check.name: check for check in checks},
        "all_ok": all(check.ok for check in checks),
        "last_beat_at": beat.last_seen_at if beat else None,
    }
