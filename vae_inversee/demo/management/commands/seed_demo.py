from django.core.management.base import BaseCommand

from vae_inversee.demo.seed import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent : une seconde exécution ne duplique rien)."

    def handle(self, *args, **options):
        report = seed_demo()
        for line in report:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Démonstration prête. Mot de passe de tous les comptes : {DEMO_PASSWORD}")
        )
