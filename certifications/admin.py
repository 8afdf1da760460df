from django.contrib import admin

from certifications.models import AccessRoute, Certification, Certifier, SkillBlock


@admin.register(Certifier)
class CertifierAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "siret"]
    autocomplete_fields = ["organisation"]


@admin.register(AccessRoute)
class AccessRouteAdmin(admin.ModelAdmin):
    list_display = ["label"]
    search_fields = ["label"]


class SkillBlockInline(admin.TabularInline):
    model = SkillBlock
    fields = ["code", "title", "active"]
    extra = 0


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "level", "register", "active", "vae_eligible_display", "registered_until"]
    list_filter = ["active", "level", "register"]
    search_fields = ["code", "title"]
    filter_horizontal = ["certifiers", "access_routes"]
    readonly_fields = ["updated_at"]
    inlines = [SkillBlockInline]
    fieldsets = (
        (None, {"fields": ("code", "register", "title", "abbreviation", "level", "active")}),
        ("Enregistrement", {"fields": ("registration_type", "registered_until", "france_competences_id")}),
        ("Certificateurs et voies d'accès", {"fields": ("certifiers", "access_routes")}),
        ("Suivi", {"fields": ("updated_at",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_vae_eligibility()

    @admin.display(description="ouverte à la VAE", boolean=True, ordering="is_vae_eligible")
    def vae_eligible_display(self, certification):
        return certification.vae_eligible


@admin.register(SkillBlock)
class SkillBlockAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "certification", "active"]
    list_filter = ["active"]
    list_select_related = ["certification"]
    search_fields = ["code", "title", "certification__code"]
    autocomplete_fields = ["certification"]
