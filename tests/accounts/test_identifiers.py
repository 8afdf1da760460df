import pytest
from django.core.exceptions import ValidationError

from vae_inversee.lib.identifiers import (
    normalize_idcc,
    validate_certification_code,
    validate_idcc,
    validate_nir,
    validate_siret,
    validate_skill_block_code,
)


@pytest.mark.parametrize("value", ["73282932000074", "35600000009075", "35600000000048"])
def test_valid_sirets_pass_including_la_poste(value):
    validate_siret(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("73282932000079", "clé de contrôle est incorrecte"),
        ("7328293200007", "14 chiffres"),
        ("7328293200007A", "que des chiffres"),
        # La Poste's rule is a digit sum multiple of 5, not Luhn: 35600000009076 breaks it.
        ("35600000009076", "clé de contrôle est incorrecte"),
    ],
)
def test_invalid_sirets_are_refused_in_french(value, message):
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert message in error.value.messages[0]


@pytest.mark.parametrize("value", ["295109912611193", "253072B07300470", "253072A07300443"])
def test_valid_nirs_pass_including_corsica(value):
    validate_nir(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("295109912611194", "clé de contrôle est incorrecte"),
        ("29510991261119", "15 caractères"),
        ("2951099126111X3", "format valide"),
    ],
)
def test_invalid_nirs_are_refused_in_french(value, message):
    with pytest.raises(ValidationError) as error:
        validate_nir(value)
    assert message in error.value.messages[0]


@pytest.mark.parametrize("value", ["RNCP37275", "RNCP509", "RS5000", "RS6117"])
def test_certification_codes(value):
    validate_certification_code(value)


@pytest.mark.parametrize("value", ["rncp37275", "RNCP", "RS", "RNCP37275BC01", "ABC123"])
def test_bad_certification_codes(value):
    with pytest.raises(ValidationError, match="code de fiche valide"):
        validate_certification_code(value)


def test_skill_block_codes():
    validate_skill_block_code("RNCP38565BC01")
    with pytest.raises(ValidationError, match="bloc de compétences"):
        validate_skill_block_code("RNCP38565BC1")


@pytest.mark.parametrize(("raw", "expected"), [("16", "0016"), (1516, "1516"), (" 843 ", "0843"), ("9999", "9999")])
def test_idcc_is_zero_padded(raw, expected):
    assert normalize_idcc(raw) == expected


@pytest.mark.parametrize("value", ["0", "0000", "12345", "AB12", ""])
def test_bad_idcc(value):
    with pytest.raises(ValidationError, match="IDCC"):
        validate_idcc(value)
