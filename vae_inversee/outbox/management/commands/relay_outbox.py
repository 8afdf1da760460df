from django.core.management.base import BaseCommand

from vae_inversee.outbox import dispatch
from vae_inversee.outbox.models import OutboxMessage


class Command(BaseCommand):
    help = "Transmet au courtier (Redis) les tâches en attente dans la boîte d'envoi, les plus anciennes d'abord."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=dispatch.LIMIT, help="nombre maximal de messages transmis")

    def handle(self, *args, limit, **options):
        sent = dispatch.relay(limit=limit)
        waiting = OutboxMessage.objects.pending().count()
        self.stdout.write(f"{sent} message(s) transmis, {waiting} en attente.")
