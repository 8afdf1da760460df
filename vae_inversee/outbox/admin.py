from django.contrib import admin

from vae_inversee.lib.admin import ReadOnlyAdmin
from vae_inversee.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """A window on the background work: what waits for the broker, and why (`manage.py relay_outbox` sends it)."""

    list_display = ["id", "task", "args", "created_at", "dispatched_at", "attempts", "last_error"]
    list_filter = [("dispatched_at", admin.EmptyFieldListFilter), "task"]
    search_fields = ["task"]
