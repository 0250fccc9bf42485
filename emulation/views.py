"""Site-wide views: the role dashboards and the health check."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import roles
from clusters import selectors as cluster_selectors
from clusters.selectors.year import officer_todo

logger = logging.getLogger(__name__)


def dashboard(request):
    """Trang chủ: one dashboard per role, each showing only that role's links."""
    user = request.user
    context = {}
    if roles.is_officer(user):
        template = "emulation/dashboard_officer.html"
        cards = cluster_selectors.officer_cluster_years(user=user)
        current = next(
            (c for c in cards if c.cluster_year.phase != "closed"), cards[0] if cards else None
        )
        todo = officer_todo(user=user, cluster_year=current.cluster_year) if current else []
        context.update(cards=cards, current=current, todo=todo, today=timezone.localdate())
    elif roles.reads_everything(user):
        template = "emulation/dashboard_central.html"
        context["cluster_years"] = cluster_selectors.national_cluster_years(user=user)
    else:
        template = "emulation/dashboard_none.html"
    return render(request, template, context)


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        logger.warning("health: database check failed: %s", exc)
        return False, "error"
    return True, "ok"


def _broker_ok() -> tuple[bool, str]:
    from emulation.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("health: broker check failed: %s", exc)
        return False, "error"
    return True, "ok"


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 with the database and broker state; 503 when the database is down."""
    db_ok, db_state = _database_ok()
    broker_ok, broker_state = _broker_ok()
    body = {
        "status": "ok" if db_ok and broker_ok else ("degraded" if db_ok else "down"),
        "database": {"state": db_state, "vendor": connection.vendor},
        "broker": {
            "state": broker_state,
            "transport": "redis" if settings.REDIS_URL else "filesystem",
        },
    }
    return JsonResponse(body, status=200 if db_ok else 503)
