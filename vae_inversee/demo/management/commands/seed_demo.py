import contextlib
import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from vae_inversee.demo.seed import DEMO_PASSWORD, seed_demo

# Their INFO lines (each PDF's seven steps, each eager task, the in-memory broker) would bury the
# two useful lines of `make run` under ~800 others.
QUIET_LOGGERS = ("weasyprint", "fontTools", "celery", "kombu")
# One account per role (the demo has more: see the README).
MAIN_LOGINS = (
    "porteur@demo.vae",
    "accompagnateur@demo.vae",
    "opco@demo.vae",
    "certificateur@demo.vae",
    "ministere@demo.vae",
    "candidat@demo.vae",
    "admin@demo.vae",
)


@contextlib.contextmanager
def quiet(names=QUIET_LOGGERS):
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent : une seconde exécution ne duplique rien)."

    def add_arguments(self, parser):
        parser.add_argument("--details", action="store_true", help="Détaille ce qui a été créé.")

    def handle(self, *args, **options):
        self.stdout.write("Données de démonstration : chargement (une vingtaine de secondes la première fois)…")
        with quiet():
            report = seed_demo()
        if options["details"] or options["verbosity"] > 1:
            for line in report:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write("  " + next(line for line in report if line.startswith("Parcours")))
        logins = ", ".join(MAIN_LOGINS)
        self.stdout.write(self.style.SUCCESS(f"Démonstration prête sur {settings.SITE_URL}/"))
        self.stdout.write(f"  Comptes : {logins}")
        self.stdout.write(f"  Mot de passe de tous les comptes : {DEMO_PASSWORD}")
