from rest_framework import serializers

from certifications.models import Certification, Certifier, SkillBlock


class CertifierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certifier
        fields = ["id", "siret", "name"]
        read_only_fields = fields


class SkillBlockSerializer(serializers.ModelSerializer):
    class Meta:
        model = SkillBlock
        fields = ["id", "code", "title"]
        read_only_fields = fields


# Expects the queryset of `Certification.objects.for_catalogue()` (annotation and prefetches).
class CertificationSerializer(serializers.ModelSerializer):
    vae_eligible = serializers.BooleanField(
        source="is_vae_eligible",
        read_only=True,
        help_text="Vrai si la certification est active et accessible par la voie « Par expérience » (VAE).",
    )
    certifiers = CertifierSerializer(many=True, read_only=True)
    skill_blocks = SkillBlockSerializer(
        source="active_skill_blocks",
        many=True,
        read_only=True,
        help_text="Les blocs de compétences en vigueur (les blocs retirés de la fiche ne sont pas listés).",
    )

    class Meta:
        model = Certification
        fields = ["id", "code", "title", "level", "active", "vae_eligible", "certifiers", "skill_blocks"]
        read_only_fields = fields
