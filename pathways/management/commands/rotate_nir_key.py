from django.core.management.base import BaseCommand, CommandError

from pathways.personal_data import nir_key_status, nir_reencrypt
from vae_inversee.lib.encryption import UndecryptableValue

LABELS = {
    "current": "sous la clé principale",
    "previous": "sous une ancienne clé (à rechiffrer)",
    "plaintext": "en clair (à chiffrer)",
    "unreadable": "illisibles avec les clés configurées",
}


class Command(BaseCommand):
    help = (
        "Rechiffre avec la clé principale (SECRET_KEY et le premier SALT_KEY) chaque NIR chiffré avec une "
        "ancienne clé. --check compte sans rien modifier. Procédure : docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compter les NIR par clé, sans rien modifier.")

    def handle(self, *args, check=False, **options):
        if not check:
            try:
                rewritten = nir_reencrypt()
            except UndecryptableValue as error:
                raise CommandError(str(error))
            self.stdout.write(f"{rewritten} NIR rechiffré(s) avec la clé principale.")
        status = nir_key_status()
        for key, label in LABELS.items():
            self.stdout.write(f"{status[key]} NIR {label}")
        if status["unreadable"]:
            raise CommandError("Des NIR sont illisibles : remettez l'ancienne clé dans les réglages.")
        if check and (status["previous"] or status["plaintext"]):
            raise CommandError("Des NIR restent à rechiffrer : lancez « manage.py rotate_nir_key ».")
        self.stdout.write(self.style.SUCCESS("Tous les NIR sont chiffrés avec la clé principale."))
