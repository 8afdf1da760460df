from django.contrib import admin

from evaluation.models import AcquiredBlock, Assessment, Jury, JuryBlockResult, PathwayOutcome
from vae_inversee.lib.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin, ReadOnlyInline


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    """Progress is recorded by the companion (portal or API), in the phases the policy allows."""

    list_display = ["pathway", "skill_block", "level", "assessed_at", "phase", "recorded_by"]
    list_filter = ["level", "phase"]
    list_select_related = ["pathway", "skill_block", "recorded_by"]
    search_fields = ["pathway__reference", "skill_block__code"]


class JuryBlockResultInline(ReadOnlyInline):
    model = JuryBlockResult


@admin.register(Jury)
class JuryAdmin(ReadOnlyHistoryAdmin):
    """Read-only: results go through the certifier's form or the API (coherence, acquired blocks)."""

    list_display = ["pathway", "attempt", "session_date", "outcome", "blocks_validated", "blocks_targeted"]
    list_filter = ["outcome"]
    list_select_related = ["pathway"]
    search_fields = ["pathway__reference"]
    inlines = [JuryBlockResultInline]


@admin.register(AcquiredBlock)
class AcquiredBlockAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "skill_block", "acquired_on", "jury"]
    list_select_related = ["candidate", "skill_block", "jury"]
    search_fields = ["candidate__last_name", "skill_block__code"]


@admin.register(PathwayOutcome)
class PathwayOutcomeAdmin(ReadOnlyAdmin):
    """Recorded by the project holder once the pathway has ended (portal or API)."""

    list_display = ["pathway", "at", "situation", "contract_type", "recorded_at", "recorded_by"]
    list_filter = ["at", "situation", "contract_type"]
    list_select_related = ["pathway", "recorded_by"]
    search_fields = ["pathway__reference"]
