"""The version of the data the indicators read: a token that changes at every write of that data.

`indicators.compute` keeps its figures per (version, user, filters): a repeated read costs one cache hit,
and a write makes every kept figure unreachable. The token changes twice per write: at once (the writing
request, and tests, which never commit, read fresh figures) and again after the commit (a figure computed
by another request between the first change and the commit, from the data before it, is dropped). A
random token, not a counter: a version lost by the cache (eviction, restart) cannot come back and revive
old figures.

The indicators themselves take seconds to compute from the national data set: with a worker running the
tasks, a read after a write answers the last figures computed, marked as such, while the worker computes
the new ones (`latest_token`); the values derived from them (their JSON, their files) are kept per the figures'
own version (`remember_at`).

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

from celery import current_app
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
# A value read while stale (`latest_token`) is computed again in the background at most this often (seconds).
REFRESH_EVERY = 30
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


def _key(user, name, parts) -> str:
    payload = json.dumps([user.pk, name, *parts], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _keeps(user) -> bool:
    return user is not None and bool(getattr(user, "pk", None))


def remember(user, name: str, compute, *parts):
    """`compute()`, kept per (data version, user, name, parts) like the indicators: exact, since any write of
    the watched data makes it unreachable. `parts` add what the value also reads outside that data (each
    part must be JSON-serialisable or have a str). Computed every time for an anonymous user or with the
    cache down."""
    current = version() if _keeps(user) else None
    return remember_at(current, user, name, compute, *parts)


def remember_at(token, user, name: str, compute, *parts, latest=False):
    """`compute()`, kept per (`token`, user, name, parts): `remember` at the current version, or a value derived
    from figures computed at an earlier one (`latest_token`), which stays what it was. Computed every time
    when `token` is None (the cache was unreachable). `latest`: a value computed here also becomes the last
    one computed, the one `latest_token` answers while the next is computed."""
    if token is None or not _keeps(user):
        return compute()
    key = _key(user, name, parts)
    kept_key = f"kept:{token}:{key}"
    try:
        value = cache.get(kept_key)
    except Exception:  # see _new_version
        return compute()
    if value is None:
        value = compute()
        kept = {kept_key: value, **({f"latest:{key}": token} if latest else {})}
        try:
            cache.set_many(kept, TIMEOUT)
        except Exception:  # see _new_version
            logger.warning("Indicateurs : le cache est indisponible, valeur non gardée.", exc_info=True)
    return value


def _background() -> bool:
    """Whether a task runs apart from the request (a worker): with Celery eager (the embedded default, the
    tests) it would run inside the reading request, so the figures are computed there, exact."""
    return not current_app.conf.task_always_eager


def latest_token(user, name: str, refresh, *parts):
    """`(token, up_to_date)`: the data version at which to read the value `name` (`remember_at(token, …,
    latest=True)`): the current one, or, once the data has changed since the last value was computed and
    while a worker computes the new one, the last one's.

    A figure read from the whole national data set takes seconds to compute (12 s at a million pathways);
    computed in the reading request after each write, it made the first reader wait each time, and under a
    steady flow of writes every reader. So, when a worker runs the tasks, the last value is answered at
    once, marked as not up to date, and `refresh()` is called to have it computed again in the background, at
    most once per `REFRESH_EVERY` seconds per value (the lock expires on its own: a refresh lost with its
    worker included). The very first read computes in the request, as does every read with Celery eager.
    Costs one small cache read: the values are read at the token only, and the ones derived from them (the
    figures' JSON, their files) under the same token without the figures themselves.
    """
    current = version() if _keeps(user) else None
    if current is None:
        return None, True
    key = _key(user, name, parts)
    try:
        last = cache.get(f"latest:{key}")
    except Exception:  # see _new_version
        return None, True
    if last is None or last == current or not _background():
        return current, True
    try:
        if cache.add(f"refreshing:{key}", 1, REFRESH_EVERY):
            refresh()
    except Exception:  # a broker or cache that does not answer: the next read after the lock tries again
        logger.warning("Indicateurs : nouveau calcul non demandé.", exc_info=True)
    return last, False


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
