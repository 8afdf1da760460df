from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evaluation.models import AcquiredBlock, Assessment, Jury, JuryBlockResult


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["pathway", "skill_block", "level", "assessed_at", "phase", "recorded_by"]
    list_filter = ["level", "phase"]
    list_select_related = ["pathway", "skill_block", "recorded_by"]
    search_fields = ["pathway__reference", "skill_block__code"]


class JuryBlockResultInline(admin.TabularInline):
    model = JuryBlockResult
    extra = 0
    can_delete = False
    readonly_fields = ["skill_block", "validated"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Jury)
class JuryAdmin(SimpleHistoryAdmin):
    """Read-only: results go through the certifier's form or the API (coherence, acquired blocks)."""

    list_display = ["pathway", "attempt", "session_date", "outcome", "blocks_validated", "blocks_targeted"]
    list_filter = ["outcome"]
    list_select_related = ["pathway"]
    search_fields = ["pathway__reference"]
    inlines = [JuryBlockResultInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AcquiredBlock)
class AcquiredBlockAdmin(admin.ModelAdmin):
    list_display = ["candidate", "skill_block", "acquired_on", "jury"]
    list_select_related = ["candidate", "skill_block", "jury"]
    search_fields = ["candidate__last_name", "skill_block__code"]
