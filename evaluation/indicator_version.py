"""The version of the data the indicators read: a token that changes at every write of that data.

`indicators.compute` keeps its figures per (version, user, filters): a repeated read costs one cache hit,
and a write makes every kept figure unreachable. The token changes twice per write: at once (the writing
request, and tests, which never commit, read fresh figures) and again after the commit (a figure computed
by another request between the first change and the commit, from the data before it, is dropped). A
random token, not a counter: a version lost by the cache (eviction, restart) cannot come back and revive
old figures.

Every model of the apps below is watched (save, delete, many-to-many); the few bulk writes that bypass
signals call `bump()` themselves (evaluation.services.record_jury's block results, the anonymisation, the bench
seeder through `manage.py refresh_indicators`) or, from a lower layer, send `vae_inversee.lib.signals.
bulk_written` (the RNCP import).

Besides the indicators, the lists keep their filters' options (vae_inversee.www.forms.keep_model_choices) and
their counts (`kept_count`) the same way.
"""

import hashlib
import json
import logging
import threading
import uuid

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from pathways import workflow
from vae_inversee.lib.signals import bulk_written

logger = logging.getLogger("evaluation.indicators")

VERSION_KEY = "indicators:version"
TIMEOUT = 24 * 3600
WATCHED_APPS = {"accounts", "certifications", "pathways", "funding", "evaluation"}
# Written often, read by no indicator: an API token issued or used, a saved list filter.
IGNORED_MODELS = {"accounts.apitoken", "accounts.savedfilter"}


# Whether this thread has read the version since it last changed it: a write that follows no read needs no
# new token at once (nothing this thread kept can be stale yet), only the one after its commit.
_thread = threading.local()


def _new_version():
    # A write never fails because the cache is down: nothing kept can be read then either, and the figures
    # are computed from scratch (`version()` answers None) until it is back.
    _thread.read = False
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:  # the cache backend's own connection errors (redis, memcached…)
        logger.warning("Indicateurs : le cache est indisponible, version des données non renouvelée.", exc_info=True)


def _bumps_on_commit(connection) -> bool:
    """This transaction already holds a change of token for its commit, one that outlives the current savepoint."""
    active = set(connection.savepoint_ids)
    return any(func is _new_version and sids <= active for sids, func, _robust in connection.run_on_commit)


def bump():
    """The indicators' data changed (or is about to, in the current transaction).

    One change at once and one after the commit per transaction: the next writes of the same transaction
    change the token again only after this thread has read it (a figure it kept meanwhile is then stale).
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and _bumps_on_commit(connection):
        if getattr(_thread, "read", False):
            _new_version()
        return
    _new_version()
    transaction.on_commit(_new_version)


def version() -> str | None:
    """The current token; None when the cache cannot be reached (nothing is kept then)."""
    _thread.read = True
    try:
        current = cache.get(VERSION_KEY)
        if current is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            current = cache.get(VERSION_KEY)
    except Exception:  # see _new_version
        logger.warning("Indicateurs : le cache est indisponible, calcul complet.", exc_info=True)
        return None
    return current


def remember(user, name: str, compute, *parts):
    """`compute()`, kept per (data version, user, name, parts) like the indicators: exact, since any write of
    the watched data makes it unreachable. `parts` add what the value also reads outside that data (each
    part must be JSON-serialisable or have a str). Computed every time for an anonymous user or with the
    cache down."""
    current = version() if user is not None and getattr(user, "pk", None) else None
    if current is None:
        return compute()
    payload = json.dumps([user.pk, name, *parts], sort_keys=True, default=str)
    kept_key = f"kept:{current}:{hashlib.sha256(payload.encode()).hexdigest()}"
    try:
        value = cache.get(kept_key)
    except Exception:  # see _new_version
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(kept_key, value, TIMEOUT)
        except Exception:  # see _new_version
            logger.warning("Indicateurs : le cache est indisponible, valeur non gardée.", exc_info=True)
    return value


def kept_query(user, name: str, queryset, compute):
    """`compute()`, a figure read from `queryset` alone (its count, its counts per status…), kept per data
    version and user like the indicators, under the SQL the queryset runs (so any other filter, scope or
    search is another figure). Computed every time for a model outside the watched data."""
    meta = queryset.model._meta
    if meta.app_label not in WATCHED_APPS or meta.label_lower in IGNORED_MODELS:
        return compute()
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # `.none()`, an empty `IN ()`: nothing to read
        return compute()
    return remember(user, name, compute, sql, [str(param) for param in params])


def kept_count(user, queryset) -> int:
    """`queryset.count()`, kept (`kept_query`): a list's count for its paginator (a list already read: its length)."""
    if not isinstance(queryset, QuerySet):
        return len(queryset)
    return kept_query(user, "count", queryset, queryset.count)


def kept_moves(pathway, user):
    """`workflow.moves_for(pathway, user)`, its guards' findings kept like the indicators (per data version,
    user, pathway, phase and day: a guard may compare a date with today). Exact: any write of the watched
    data, the guards' own included, makes them unreachable."""
    parts = (pathway.pk, pathway.phase, str(timezone.localdate()))
    unmet = remember(user, "unmet-by-target", lambda: workflow.unmet_by_target(pathway), *parts)
    return workflow.moves_for(pathway, user, unmet)


def _on_write(sender, update_fields=None, **kwargs):
    # A login stamps `last_login` only: nothing the indicators read.
    if (
        sender._meta.app_label in WATCHED_APPS
        and sender._meta.label_lower not in IGNORED_MODELS
        and set(update_fields or ()) != {"last_login"}
    ):
        bump()


def connect():
    post_save.connect(_on_write, dispatch_uid="indicators-version-save")
    post_delete.connect(_on_write, dispatch_uid="indicators-version-delete")
    m2m_changed.connect(_on_write, dispatch_uid="indicators-version-m2m")
    bulk_written.connect(_on_write, dispatch_uid="indicators-version-bulk")
