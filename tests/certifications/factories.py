import factory
from stdnum import luhn

from certifications.enums import VAE_ACCESS_ROUTE, Register
from certifications.models import AccessRoute, Certification, Certifier, SkillBlock
from tests.accounts.factories import OrganisationFactory


def certifier_siret(n: int) -> str:
    first13 = f"{813000000 + n:09d}0001"
    return first13 + luhn.calc_check_digit(first13)


class CertifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certifier
        django_get_or_create = ["siret"]

    siret = factory.Sequence(certifier_siret)
    name = factory.Sequence(lambda n: f"Certificateur {n}")

    class Params:
        # Acting on the platform through an organisation whose staff record admissibility and juries.
        on_platform = factory.Trait(organisation=factory.SubFactory(OrganisationFactory, kind="certifier"))


class AccessRouteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessRoute
        django_get_or_create = ["label"]

    label = factory.Sequence(lambda n: f"Voie d'accès {n}")


class CertificationFactory(factory.django.DjangoModelFactory):
    """CertificationFactory(access_routes=["Par expérience"], certifiers=2, blocks=3).

    `vae_target=True`: a certification a pathway may target (active, open "Par expérience", three
    skill blocks, a certifier acting on the platform); `vae_target__eligible=False` closes it to VAE.
    """

    class Meta:
        model = Certification
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"RNCP{90000 + n}")
    register = Register.RNCP
    title = factory.Sequence(lambda n: f"Titre professionnel numéro {n}")
    level = 4
    active = True

    @factory.post_generation
    def access_routes(self, create, extracted, **kwargs):
        if create and extracted:
            self.access_routes.set([AccessRouteFactory(label=label) for label in extracted])

    @factory.post_generation
    def certifiers(self, create, extracted, **kwargs):
        """An int creates that many certifiers; a list links the given ones; "on_platform" creates one
        acting on the platform through its organisation."""
        if create and extracted:
            if extracted == "on_platform":
                extracted = [CertifierFactory(on_platform=True)]
            certifiers = [CertifierFactory() for _ in range(extracted)] if isinstance(extracted, int) else extracted
            self.certifiers.set(certifiers)

    @factory.post_generation
    def vae_target(self, create, extracted, eligible=True, **kwargs):
        """With `vae_target=True`: the route, the certifier on the platform and three blocks (unless given)."""
        if not (create and extracted):
            return
        if eligible:
            self.access_routes.add(AccessRouteFactory(label=VAE_ACCESS_ROUTE))
        if not self.certifiers.exists():
            self.certifiers.add(CertifierFactory(on_platform=True))
        if not self.skill_blocks.exists():
            for index in range(1, 4):
                SkillBlockFactory(certification=self, code=f"{self.code}BC{index:02d}", title=f"Bloc {index}")

    @factory.post_generation
    def blocks(self, create, extracted, **kwargs):
        if create and extracted:
            for index in range(1, extracted + 1):
                SkillBlockFactory(certification=self, code=f"{self.code}BC{index:02d}")


class SkillBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillBlock

    certification = factory.SubFactory(CertificationFactory)
    code = factory.LazyAttributeSequence(lambda block, n: f"{block.certification.code}BC{n % 100:02d}")
    title = factory.Sequence(lambda n: f"Bloc de compétences {n}")
    active = True
