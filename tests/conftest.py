import os
import shutil

import pytest
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory

# Under CI every service must be there: a missing one fails the run instead of skipping it.
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, reason: str):
    """Skip outside CI when a service is missing; fail under CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def api_as(user):
    """An API client authenticated as `user` (the one helper of every API test)."""
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def admin_client(client, db):
    """The platform admin, logged in to the admin site."""
    from vae_inversee.accounts.models import User

    client.force_login(User.objects.create_superuser(email="admin@exemple.fr", password="mot-de-passe-solide-2026"))
    return client


@pytest.fixture
def project_holder_user(db):
    return UserFactory(role="project_holder")


@pytest.fixture
def companion_user(db):
    return UserFactory(role="companion")


@pytest.fixture
def opco_user(db):
    return UserFactory(role="opco")


@pytest.fixture
def certifier_user(db):
    return UserFactory(role="certifier")


@pytest.fixture
def ministry_user(db):
    return UserFactory(role="ministry")


@pytest.fixture
def chromium_path():
    path = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    require_service(path is not None, "Chromium (paquet Debian chromium) is not installed")
    return path


@receiver(post_migrate, dispatch_uid="tests.reference_data_after_flush")
def reference_data_after_flush(sender, using="default", **kwargs):
    """A transactional test's teardown flushes every table, the data migrations' rows included (the OPCOs,
    IDCC table, SMIC, funding policy), then sends post_migrate: they are loaded again at once, so that every
    test after it, transactional or not and in whichever order a process runs them, finds them."""
    if sender.label != "accounts":
        return
    from funding.models import FundingPolicy
    from funding.reference import load_default_policy
    from pathways.models import SmicRate
    from pathways.reference import load_smic_rates
    from vae_inversee.accounts.models import CollectiveAgreement, IdccOpco, Organisation
    from vae_inversee.accounts.reference import load_reference_data

    if Organisation.objects.using(using).filter(kind="opco").exists():
        return  # after the migrations themselves (the data migrations loaded them)
    load_reference_data(Organisation, IdccOpco, CollectiveAgreement)
    load_smic_rates(SmicRate)
    load_default_policy(FundingPolicy)
