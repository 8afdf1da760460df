import factory
from stdnum import luhn

from certifications.enums import Register
from certifications.models import AccessRoute, Certification, Certifier, SkillBlock


def certifier_siret(n: int) -> str:
    first13 = f"{813000000 + n:09d}0001"
    return first13 + luhn.calc_check_digit(first13)


class CertifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certifier
        django_get_or_create = ["siret"]

    siret = factory.Sequence(certifier_siret)
    name = factory.Sequence(lambda n: f"Certificateur {n}")


class AccessRouteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessRoute
        django_get_or_create = ["label"]

    label = factory.Sequence(lambda n: f"Voie d'accès {n}")


class CertificationFactory(factory.django.DjangoModelFactory):
    """CertificationFactory(access_routes=["Par expérience"], certifiers=2, blocks=3)."""

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
        """An int creates that many certifiers; a list links the given ones."""
        if create and extracted:
            certifiers = [CertifierFactory() for _ in range(extracted)] if isinstance(extracted, int) else extracted
            self.certifiers.set(certifiers)

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
