from django.conf import settings
from django.core.management.base import BaseCommand

from evaluation import anonymisation


class Command(BaseCommand):
    help = (
        "Anonymise les candidats dont tous les parcours sont clos depuis plus que la durée de conservation "
        "(PERSONAL_DATA_RETENTION_DAYS) ; ce que fait chaque nuit la tâche Celery beat « daily-anonymisation »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien modifier.")

    def handle(self, *args, dry_run=False, **options):
        days = settings.PERSONAL_DATA_RETENTION_DAYS
        if dry_run:
            count = anonymisation.anonymisable_candidates().count()
            self.stdout.write(f"{count} candidat(s) à anonymiser (parcours clos depuis plus de {days} jours).")
            return
        done = anonymisation.anonymise_expired()
        self.stdout.write(self.style.SUCCESS(f"{len(done)} candidat(s) anonymisé(s) (conservation : {days} jours)."))
