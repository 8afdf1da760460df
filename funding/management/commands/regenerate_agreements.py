from django.core.management.base import BaseCommand

from funding.tasks import regenerate_missing_agreements


class Command(BaseCommand):
    help = "Génère l'accord de prise en charge (PDF) de chaque dossier décidé qui n'en a pas encore."

    def handle(self, *args, **options):
        total = 0
        while rendered := regenerate_missing_agreements():
            total += rendered
        self.stdout.write(f"{total} accord(s) de prise en charge généré(s).")
