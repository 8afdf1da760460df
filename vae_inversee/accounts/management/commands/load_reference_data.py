from django.core.management.base import BaseCommand
from django.db import transaction

from vae_inversee.accounts.models import CollectiveAgreement, IdccOpco, Organisation
from vae_inversee.accounts.reference import load_reference_data


class Command(BaseCommand):
    help = "Charge ou met à jour les OPCO, la correspondance IDCC → OPCO et les conventions collectives."

    def handle(self, *args, **options):
        with transaction.atomic():
            report = load_reference_data(Organisation, IdccOpco, CollectiveAgreement)
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Données de référence à jour."))
