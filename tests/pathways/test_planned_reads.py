"""The API's pathway reads follow a plan built once per class (vae_inversee.api.fields.PlannedReads):
their output must be DRF's own, value for value, for every pathway of the demo (every phase, with and
without a contract, a project, a companion, blocks) and for every role that reads them."""

import pytest
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from pathways.models import Pathway
from pathways.selectors import with_target_block_ids
from tests.demo_snapshot import seeded_demo
from tests.pathways.factories import PathwayFactory
from vae_inversee.accounts.models import User
from vae_inversee.api import fields
from vae_inversee.api.pathways.serializers import ContractSerializer, PathwayDetailSerializer, PathwaySerializer


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def drf_representation(serializer, instance):
    """What DRF's own Serializer.to_representation gives, field by field (nested ones included)."""
    return serializers.ModelSerializer.to_representation(serializer, instance)


def context_for(user):
    request = Request(APIRequestFactory().get("/api/v1/pathways/"))
    request.user = user
    return {"request": request}


def test_every_demo_pathway_reads_as_drf_reads_it(db):
    seeded_demo()
    PathwayFactory(companion=None, target_blocks=[])  # what the demo always sets
    pathways = list(Pathway.objects.select_related("contract").prefetch_related("target_blocks").order_by("pk"))
    assert {pathway.phase for pathway in pathways} >= {"positioning", "support", "admissibility", "delivery"}
    kinds = {
        "with contract": any(hasattr(p, "contract") for p in pathways),
        "without contract": any(not hasattr(p, "contract") for p in pathways),
        "with companion": any(p.companion_id for p in pathways),
        "without companion": any(p.companion_id is None for p in pathways),
        "with blocks": any(p.target_blocks.all() for p in pathways),
        "without blocks": any(not p.target_blocks.all() for p in pathways),
    }
    assert all(kinds.values()), kinds
    users = [User.objects.filter(membership__role=role).first() for role in ("project_holder", "ministry", "opco")]
    assert all(users)
    for user in users:
        context = context_for(user)
        for cls in (PathwaySerializer, PathwayDetailSerializer):
            serializer = cls(context=context)
            for pathway in pathways:
                planned = serializer.to_representation(pathway)
                assert planned == drf_representation(cls(context=context), pathway)
                assert list(planned) == list(cls(context=context).fields)  # same keys, same order
    # The list's attached ids read as the prefetched blocks do.
    page = with_target_block_ids(Pathway.objects.select_related("contract").order_by("pk"))
    for pathway, attached in zip(pathways, page, strict=True):
        assert PathwaySerializer().to_representation(attached) == PathwaySerializer().to_representation(pathway)


def test_values_read_with_their_types(db):
    seeded_demo()
    pathway = Pathway.objects.select_related("contract").filter(contract__isnull=False).first()
    data = PathwaySerializer().to_representation(pathway)
    assert isinstance(data["contract"]["monthly_gross_salary"], str)  # money is a decimal string
    assert data["created_at"].endswith(("+01:00", "+02:00"))  # Paris time, as DRF writes it
    assert data["project_holder"] == pathway.project_holder_id
    assert isinstance(data["target_blocks"], list)


class UnknownField(serializers.Field):
    def to_representation(self, value):
        return f"<{value}>"


class WithUnknownField(fields.PlannedReads, fields.ModelSerializer):
    reference = UnknownField()

    class Meta:
        model = Pathway
        fields = ["id", "reference"]


class WithFieldsPerInstance(fields.PlannedReads, fields.ModelSerializer):
    class Meta:
        model = Pathway
        fields = ["id", "reference"]

    def get_fields(self):
        return {name: field for name, field in super().get_fields().items() if name != "reference"}


def test_a_class_the_plan_does_not_know_reads_through_drf(db):
    seeded_demo()
    pathway = Pathway.objects.first()
    assert WithUnknownField.read_plan() is None
    assert WithUnknownField().to_representation(pathway) == {"id": pathway.pk, "reference": f"<{pathway.reference}>"}
    assert WithFieldsPerInstance.read_plan() is None
    assert WithFieldsPerInstance().to_representation(pathway) == {"id": pathway.pk}
    assert ContractSerializer.read_plan() is not None
    assert [step[0] for step in PathwayDetailSerializer.read_plan()][-2:] == ["method", "method"]
