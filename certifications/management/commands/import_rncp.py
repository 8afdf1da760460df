from django.core.management.base import BaseCommand, CommandError

from certifications.importer import RncpExportError, import_rncp_export


class Command(BaseCommand):
    help = (
        "Importe l'export des fiches RNCP et RS de France Compétences (export-fiches-csv-AAAA-MM-JJ.zip). "
        "Idempotent : un second import du même fichier ne change rien. Un fichier invalide n'importe rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="chemin de l'archive zip publiée par France Compétences")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="désactive aussi les certifications actives absentes du fichier (à réserver à un export complet)",
        )

    def handle(self, *args, path, deactivate_missing, **options):
        try:
            report = import_rncp_export(path, deactivate_missing=deactivate_missing)
        except RncpExportError as exc:
            raise CommandError(str(exc))
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Import terminé."))
