"""Both ceilings under real concurrent transactions on PostgreSQL (product.md section 10): with room for one,
of five simultaneous creations exactly one succeeds."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from pathways import services
from pathways.models import Pathway
from tests.accounts.factories import UserFactory
from tests.conftest import require_service
from tests.pathways.factories import CandidateFactory, CertificationFactory, EmployerFactory, ProjectHolderFactory


def require_postgresql():
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (row locks): set DATABASE_URL")


def _race(holder, users, count):
    certification = CertificationFactory(vae_target=True)
    parts = [(CandidateFactory(project_holder=holder), EmployerFactory(project_holder=holder)) for _ in range(count)]
    barrier = threading.Barrier(count)
    outcomes = []

    def create(index):
        candidate, employer = parts[index]
        try:
            barrier.wait(timeout=10)
            services.pathway_create(
                acting_user=users[index % len(users)], candidate=candidate, employer=employer,
                certification=certification,
            )  # fmt: skip
            outcomes.append("created")
        except ValidationError as error:
            outcomes.append(error.message_dict)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_with_room_for_one_in_the_project_exactly_one_of_five_creations_succeeds():
    require_postgresql()
    holder = ProjectHolderFactory(pathway_ceiling=1)
    users = [UserFactory(organisation=holder.organisation) for _ in range(5)]

    outcomes = _race(holder, users, 5)

    assert outcomes.count("created") == 1, outcomes
    refusals = [outcome for outcome in outcomes if outcome != "created"]
    assert len(refusals) == 4
    assert all("Le plafond du projet" in outcome["project"][0] for outcome in refusals)
    assert Pathway.objects.filter(project_holder=holder).count() == 1


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_with_room_for_one_in_the_experiment_exactly_one_of_five_creations_succeeds(settings):
    require_postgresql()
    # Two holders with room in their projects, racing for the last place of the national ceiling.
    first, second = ProjectHolderFactory(pathway_ceiling=10), ProjectHolderFactory(pathway_ceiling=10)
    settings.NATIONAL_PATHWAY_CEILING = 1
    certification = CertificationFactory(vae_target=True)
    users = {holder.pk: UserFactory(organisation=holder.organisation) for holder in (first, second)}
    barrier = threading.Barrier(5)
    outcomes = []
    holders = [first, second, first, second, first]
    parts = [(CandidateFactory(project_holder=h), EmployerFactory(project_holder=h)) for h in holders]

    def create(index):
        candidate, employer = parts[index]
        try:
            barrier.wait(timeout=10)
            services.pathway_create(
                acting_user=users[holders[index].pk], candidate=candidate, employer=employer,
                certification=certification,
            )  # fmt: skip
            outcomes.append("created")
        except ValidationError as error:
            outcomes.append(error.message_dict)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(index,)) for index in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("created") == 1, outcomes
    assert all(
        outcome["non_field_errors"][0].startswith("Le plafond national de l'expérimentation est atteint : 1 parcours")
        for outcome in outcomes
        if outcome != "created"
    )
    assert Pathway.objects.count() == 1
