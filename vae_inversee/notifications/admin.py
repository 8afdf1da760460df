from django.contrib import admin

from vae_inversee.notifications.models import DailySummary, EmailPreference, EmailRhythm, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "category", "subject", "created_at", "read_at", "emailed_at"]
    list_filter = ["category"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email", "subject", "event_key"]
    readonly_fields = ["recipient", "category", "event_key", "subject", "body", "link", "created_at", "emailed_at"]


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "category", "enabled"]
    list_filter = ["category", "enabled"]
    list_select_related = ["user"]


@admin.register(EmailRhythm)
class EmailRhythmAdmin(admin.ModelAdmin):
    list_display = ["user", "daily_summary", "changed_at"]
    list_filter = ["daily_summary"]
    list_select_related = ["user"]
    search_fields = ["user__email"]


@admin.register(DailySummary)
class DailySummaryAdmin(admin.ModelAdmin):
    list_display = ["recipient", "day", "created_at", "emailed_at"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email"]
    readonly_fields = ["recipient", "day", "notifications", "created_at", "emailed_at"]
