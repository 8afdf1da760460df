from django.contrib.auth import authenticate
from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(label="Adresse électronique")
    password = serializers.CharField(label="Mot de passe", trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(self.context.get("request"), username=attrs["email"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Adresse électronique ou mot de passe incorrect."]}, code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True, allow_null=True)
    organisation = serializers.SerializerMethodField()

    def get_organisation(self, user) -> dict | None:
        organisation = user.organisation
        if organisation is None:
            return None
        return {"id": organisation.id, "name": organisation.name, "kind": organisation.kind}
