"""The demo, seeded once per test session and restored for each test that needs it.

Seeding the demo walks ~50 pathways through the real services (PDFs, outbox, e-mails): about half a
minute on PostgreSQL. The browser tests and the demo tests each need that same data set, so the first
call seeds it for real and takes a snapshot of every table and of the files it wrote; later calls put
the snapshot back (a few hundred milliseconds). Two snapshots are kept apart: one taken inside a test
transaction (`db`: after-commit callbacks never run) and one outside (`transactional_db` and the live
server: they run), because the seeded data differ between the two.

The restore is the database's own bulk path (COPY on PostgreSQL, INSERT on SQLite) inside one
transaction, foreign keys checked at commit as Django declares them (DEFERRABLE INITIALLY DEFERRED),
then every sequence set past the restored ids and the cache emptied (the indicators' data version
included).
"""

import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

from vae_inversee.demo.seed import seed_demo

# Django's own bookkeeping: the migrations table is never flushed and stays as it is.
KEPT_AS_IS = {"django_migrations"}


@dataclass
class Snapshot:
    report: list[str]
    media: Path
    tables: dict[str, tuple[list[str], object]] = field(default_factory=dict)


SNAPSHOTS: dict[bool, Snapshot] = {}


def seeded_demo() -> list[str]:
    """The demo's data in the test database (and its files under MEDIA_ROOT); returns seed_demo's report."""
    in_test_transaction = connection.in_atomic_block
    snapshot = SNAPSHOTS.get(in_test_transaction)
    if snapshot is None:
        media = Path(tempfile.mkdtemp(prefix="demo-media-"))
        with override_settings(MEDIA_ROOT=media):
            report = seed_demo()
        snapshot = Snapshot(report=report, media=media)
        with connection.cursor() as cursor:
            for table in _tables():
                snapshot.tables[table] = _dump(cursor, table)
        SNAPSHOTS[in_test_transaction] = snapshot
    _restore(snapshot)
    return list(snapshot.report)


def _tables() -> list[str]:
    return sorted(set(connection.introspection.table_names(include_views=False)) - KEPT_AS_IS)


def _restore(snapshot: Snapshot) -> None:
    shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    tables = list(snapshot.tables)
    with transaction.atomic(), connection.cursor() as cursor:
        quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
        if connection.vendor == "postgresql":
            # Inside a test transaction, the deferred foreign-key checks of earlier writes are still
            # pending and TRUNCATE refuses them: run them now, then defer again for the load.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        for table, (columns, rows) in snapshot.tables.items():
            _load(cursor, table, columns, rows)
        models = apps.get_models(include_auto_created=True)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    cache.clear()


def _dump(cursor, table):
    name = connection.ops.quote_name(table)
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        # Generated columns are left out of COPY both ways.
        cursor.copy_expert(f"COPY {name} TO STDOUT", buffer)
        return [], buffer.getvalue()
    cursor.execute(f"SELECT * FROM {name}")
    return [column[0] for column in cursor.description], cursor.fetchall()


def _load(cursor, table, columns, rows):
    name = connection.ops.quote_name(table)
    if connection.vendor == "postgresql":
        if rows:
            cursor.copy_expert(f"COPY {name} FROM STDIN", io.StringIO(rows))
        return
    if rows:
        listed = ", ".join(connection.ops.quote_name(column) for column in columns)
        cursor.executemany(f"INSERT INTO {name} ({listed}) VALUES ({', '.join(['%s'] * len(columns))})", rows)
