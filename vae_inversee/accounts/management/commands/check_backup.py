"""Prove a backup restores: dump the database, restore it into a new one, compare every table's rows.

    python manage.py check_backup [--keep] [--dump-file PATH]

PostgreSQL only (pg_dump custom format, pg_restore). Exits non-zero, naming the tables, when a count
differs or a step fails; the scratch database is dropped afterwards unless --keep.
"""

import os
import subprocess
import tempfile
import uuid

import psycopg2
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def _libpq(settings_dict, name=None) -> dict:
    return {
        "dbname": name or settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
    }


def _env(settings_dict) -> dict:
    env = dict(os.environ)
    for variable, key in (("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"), ("PGHOST", "HOST"), ("PGPORT", "PORT")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def row_counts(parameters) -> dict[str, int]:
    """Every table of the public schema and its exact row count."""
    with psycopg2.connect(**{k: v for k, v in parameters.items() if v}) as database, database.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


class Command(BaseCommand):
    help = "Dump the database, restore it into a scratch database and compare the row counts of every table."

    def add_arguments(self, parser):
        parser.add_argument("--keep", action="store_true", help="Keep the scratch database for inspection.")
        parser.add_argument("--dump-file", help="Where to write the dump (a temporary file by default).")

    def handle(self, *args, keep=False, dump_file=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("check_backup vérifie une base PostgreSQL (DATABASE_URL).")
        settings_dict = connection.settings_dict
        env = _env(settings_dict)
        scratch = f"{settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        with tempfile.TemporaryDirectory() as directory:
            dump_file = dump_file or os.path.join(directory, "sauvegarde.dump")
            self._run(["pg_dump", "--format=custom", "--no-owner", "--file", dump_file, settings_dict["NAME"]], env)
            self._run(["createdb", scratch], env)
            try:
                self._run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", scratch, dump_file], env)
                source, restored = row_counts(_libpq(settings_dict)), row_counts(_libpq(settings_dict, scratch))
            finally:
                if not keep:
                    self._run(["dropdb", "--if-exists", scratch], env)
        different = sorted(
            f"{table} : {source.get(table)} → {restored.get(table)}"
            for table in set(source) | set(restored)
            if source.get(table) != restored.get(table)
        )
        if different:
            raise CommandError("Restauration incomplète : " + " ; ".join(different))
        rows = sum(source.values())
        self.stdout.write(f"Sauvegarde vérifiée : {len(source)} tables, {rows} lignes restaurées à l'identique.")
        return None

    @staticmethod
    def _run(command, env):
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode:
            raise CommandError(f"{command[0]} a échoué : {result.stderr.strip()[:500]}")
