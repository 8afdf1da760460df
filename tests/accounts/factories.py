import factory
from stdnum import luhn

from vae_inversee.accounts.enums import OrganisationKind
from vae_inversee.accounts.models import Membership, Organisation, User


def luhn_siret(n: int) -> str:
    """A valid SIRET (both the SIREN and the whole number pass Luhn), unique per n."""
    siren8 = f"{51200000 + n:08d}"
    body = siren8 + luhn.calc_check_digit(siren8) + "0001"
    return body + luhn.calc_check_digit(body)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.PROJECT_HOLDER
    siret = factory.Sequence(luhn_siret)
    region = "Île-de-France"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # OPCOs come from the reference data migration: reuse them rather than duplicate a code.
        if kwargs.get("kind") == OrganisationKind.OPCO:
            return Organisation.objects.get(kind=OrganisationKind.OPCO, code=kwargs.get("code") or "AKTO")
        return super()._create(model_class, *args, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    """A user and their membership: UserFactory(role="opco") or UserFactory(organisation=org).

    Without either, the user belongs to no organisation.
    """

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    first_name = "Alice"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    password = factory.django.Password("mot-de-passe-solide-2026")

    @classmethod
    def _create(cls, model_class, *args, role=None, organisation=None, is_admin=None, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        if role or organisation:
            organisation = organisation or OrganisationFactory(kind=role)
            # The first member of an organisation is its admin (every organisation has one), unless told.
            if is_admin is None:
                is_admin = not Membership.objects.filter(organisation=organisation, is_admin=True).exists()
            Membership.objects.create(user=user, organisation=organisation, role=organisation.kind, is_admin=is_admin)
        return user
