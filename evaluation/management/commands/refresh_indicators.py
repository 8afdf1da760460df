"""Drop every kept indicator figure: after bulk inserts that bypass the services (bench/seed_large.py)."""

from django.core.management.base import BaseCommand

from evaluation import indicator_version


class Command(BaseCommand):
    help = "Invalide les indicateurs gardés en cache (après un import en masse). Idempotent."

    def handle(self, *args, **options):
        indicator_version.bump()
        self.stdout.write("Indicateurs : version renouvelée, le prochain calcul part des données.")
