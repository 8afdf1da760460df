"""Each request reads its signed-in user with their membership and organisation in one query."""

import pytest
from knox.settings import CONSTANTS

from tests.accounts.factories import UserFactory
from tests.pathways.factories import CandidateFactory
from vae_inversee.accounts.backends import AccountBackend
from vae_inversee.accounts.enums import Role
from vae_inversee.accounts.models import ApiToken
from vae_inversee.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db


def test_a_member_comes_with_their_role_and_organisation_in_one_query(django_assert_num_queries):
    member = UserFactory(role="opco")
    with django_assert_num_queries(1):
        user = AccountBackend().get_user(member.pk)
        assert (user.role, user.organisation) == (Role.OPCO, member.organisation)


def test_a_user_without_membership_is_read_too_and_a_deactivated_one_is_not():
    candidate = CandidateFactory()
    account = UserFactory(email="camille.candidate@example.fr")
    candidate.user = account
    candidate.save(update_fields=["user"])
    user = AccountBackend().get_user(account.pk)
    assert user.membership_or_none is None and user.role == Role.CANDIDATE

    account.is_active = False
    account.save(update_fields=["is_active"])
    assert AccountBackend().get_user(account.pk) is None
    assert AccountBackend().get_user(0) is None


def test_the_token_brings_its_user_membership_and_organisation(django_assert_num_queries):
    member = UserFactory(role="ministry")
    _, key = api_token_issue(acting_user=member, name="intégration")
    with django_assert_num_queries(1):
        token = ApiToken.objects.filter(token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user").get()
        assert (token.user.role, token.user.organisation) == (Role.MINISTRY, member.organisation)
