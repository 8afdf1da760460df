"""French identifiers checked through python-stdnum, with French messages.

Each validator raises django.core.exceptions.ValidationError and is usable as a model or form
field validator; each normaliser returns the compact form we store.
"""

import re

from django.core.exceptions import ValidationError
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import exceptions as stdnum_exceptions
from stdnum.fr import nir as stdnum_nir
from stdnum.fr import siret as stdnum_siret

RNCP_CODE_RE = re.compile(r"^RNCP\d{2,6}$")
RS_CODE_RE = re.compile(r"^RS\d{2,6}$")
SKILL_BLOCK_CODE_RE = re.compile(r"^RNCP\d{2,6}BC\d{2}$")
IDCC_RE = re.compile(r"^\d{1,4}$")

# IDCC 9999: no collective agreement applies; the employer then names its OPCO.
IDCC_NO_AGREEMENT = "9999"


def compact_siret(value: str) -> str:
    return stdnum_siret.compact(value or "")


def validate_siret(value: str) -> None:
    try:
        stdnum_siret.validate(value)
    except stdnum_exceptions.InvalidLength:
        raise ValidationError(
            "Le SIRET doit comporter 14 chiffres (%(value)s).", code="siret_length", params={"value": value}
        )
    except stdnum_exceptions.InvalidFormat:
        raise ValidationError(
            "Le SIRET ne doit contenir que des chiffres (%(value)s).", code="siret_format", params={"value": value}
        )
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(
            "Le SIRET %(value)s n'est pas valide : la clé de contrôle est incorrecte.",
            code="siret_checksum",
            params={"value": value},
        )
    except stdnum_exceptions.ValidationError:
        raise ValidationError("Le SIRET %(value)s n'est pas valide.", code="siret", params={"value": value})


def compact_nir(value: str) -> str:
    return stdnum_nir.compact(value or "")


def validate_nir(value: str) -> None:
    try:
        stdnum_nir.validate(value)
    except stdnum_exceptions.InvalidLength:
        raise ValidationError(
            "Le numéro de sécurité sociale (NIR) doit comporter 15 caractères, clé comprise.", code="nir_length"
        )
    except stdnum_exceptions.InvalidFormat:
        raise ValidationError(
            "Le numéro de sécurité sociale (NIR) n'a pas un format valide (chiffres, et 2A ou 2B pour la Corse).",
            code="nir_format",
        )
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(
            "Le numéro de sécurité sociale (NIR) n'est pas valide : la clé de contrôle est incorrecte.",
            code="nir_checksum",
        )
    except stdnum_exceptions.ValidationError:
        raise ValidationError("Le numéro de sécurité sociale (NIR) n'est pas valide.", code="nir")


def validate_certification_code(value: str) -> None:
    if not (RNCP_CODE_RE.match(value or "") or RS_CODE_RE.match(value or "")):
        raise ValidationError(
            "Le code « %(value)s » n'est pas un code de fiche valide (RNCP suivi de chiffres, ou RS suivi de chiffres).",
            code="certification_code",
            params={"value": value},
        )


def validate_skill_block_code(value: str) -> None:
    if not SKILL_BLOCK_CODE_RE.match(value or ""):
        raise ValidationError(
            "Le code « %(value)s » n'est pas un code de bloc de compétences valide (ex. RNCP38565BC01).",
            code="skill_block_code",
            params={"value": value},
        )


def normalize_idcc(value) -> str:
    """'16', '0016', 16 → '0016'. Non-numeric values are returned stripped, for the validator."""
    text = str(value if value is not None else "").strip()
    return text.zfill(4) if IDCC_RE.match(text) else text


def validate_idcc(value: str) -> None:
    text = str(value or "").strip()
    if not IDCC_RE.match(text) or int(text) == 0:
        raise ValidationError(
            "L'IDCC « %(value)s » n'est pas valide : il s'agit d'un numéro de 1 à 4 chiffres (9999 si aucune convention).",
            code="idcc",
            params={"value": value},
        )


# ---- bank details (the payee of an OPCO's SEPA transfer) ------------------------------------------------


def compact_iban(value: str) -> str:
    return "".join((value or "").split()).upper()


def validate_iban(value: str) -> None:
    """An IBAN of the SEPA area, its length and checksum checked by schwifty."""
    try:
        iban = IBAN(value)
    except SchwiftyException as error:
        raise ValidationError(
            "L'IBAN %(value)s n'est pas valide (%(reason)s).",
            code="iban",
            params={"value": value, "reason": _bank_reason(error)},
        )
    if not iban.in_sepa_zone:
        raise ValidationError(
            "L'IBAN %(value)s n'appartient pas à la zone SEPA.", code="iban_sepa", params={"value": value}
        )


def validate_bic(value: str) -> None:
    try:
        BIC(value)
    except SchwiftyException as error:
        raise ValidationError(
            "Le BIC %(value)s n'est pas valide (%(reason)s).",
            code="bic",
            params={"value": value, "reason": _bank_reason(error)},
        )


def _bank_reason(error) -> str:
    name = type(error).__name__
    return {
        "InvalidChecksumDigits": "la clé de contrôle est incorrecte",
        "InvalidLength": "sa longueur est incorrecte",
        "InvalidCountryCode": "le code pays est inconnu",
        "InvalidStructure": "sa structure est incorrecte",
        "InvalidBBANChecksum": "la clé RIB est incorrecte",
    }.get(name, "format incorrect")
