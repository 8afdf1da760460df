"""Import of France Compétences' open-data export of RNCP and RS fiches (export-fiches-csv-*.zip).

Two phases, so that a bad file imports nothing:

1. `read_rncp_export()` reads and validates every member we use into plain records. It raises
   `RncpExportError` listing every problem with its member and line number.
2. `import_rncp_export()` then writes the catalogue in one transaction, writing only what changed,
   and returns an `ImportReport` (created / updated / deactivated).

The quirks of the real file (see data/README.md): member names stored without the zip's UTF-8 flag
(cp437 mojibake of composed or decomposed accents, so members are matched by their ASCII prefix),
an optional BOM, a tab before SIRETs, empty or REPRISE levels, RS fiches without skill blocks.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from certifications.enums import Register
from certifications.models import AccessRoute, Certification, Certifier, SkillBlock
from vae_inversee.lib.identifiers import (
    compact_siret,
    validate_certification_code,
    validate_siret,
    validate_skill_block_code,
)
from vae_inversee.lib.signals import bulk_written

# The real sample shipped with the project (9 fiches); the demo seed and the tests import it.
SAMPLE_EXPORT = Path(__file__).resolve().parent / "data" / "export-fiches-csv-2024-02-22.zip"

STANDARD, BLOCKS, ACCESS_ROUTES, CERTIFIERS = "standard", "blocks", "access_routes", "certifiers"
# The members we read, by the ASCII prefix of their name. The others (CCN, Rome, Nsf...) are ignored.
MEMBER_PREFIXES = {
    STANDARD: "export_fiches_CSV_Standard_",
    BLOCKS: "export_fiches_CSV_Blocs_De_Comp",
    ACCESS_ROUTES: "export_fiches_CSV_VoixdAcc",
    CERTIFIERS: "export_fiches_CSV_Certificateurs_",
}
MEMBER_LABELS = {
    STANDARD: "des fiches",
    BLOCKS: "des blocs de compétences",
    ACCESS_ROUTES: "des voies d'accès",
    CERTIFIERS: "des certificateurs",
}
# Only the columns we use are required; France Compétences adds columns from time to time.
REQUIRED_COLUMNS = {
    STANDARD: [
        "Id_Fiche",
        "Numero_Fiche",
        "Intitule",
        "Abrege_Libelle",
        "Nomenclature_Europe_Niveau",
        "Date_Fin_Enregistrement",
        "Type_Enregistrement",
        "Actif",
    ],
    BLOCKS: ["Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle"],
    ACCESS_ROUTES: ["Numero_Fiche", "Si_Jury"],
    CERTIFIERS: ["Numero_Fiche", "Siret_Certificateur", "Nom_Certificateur"],
}
# Every date of the Standard member is checked (a malformed one means a broken file); only the
# end of registration is stored.
DATE_COLUMNS = ["Date_dernier_jo", "Date_Decision", "Date_Fin_Enregistrement", "Date_Effet"]
LEVELS = {f"NIV{level}": level for level in range(3, 9)}
# REPRISE: fiches taken over from the former register, with no level in the current framework.
NO_LEVEL = {"", "REPRISE"}
ACTIVE_VALUES = {"ACTIVE": True, "INACTIVE": False}
MEMBER_DATE_RE = re.compile(r"(\d{4})_(\d{2})_(\d{2})\.csv$", re.IGNORECASE)
CERTIFICATION_FIELDS = [
    "register",
    "title",
    "abbreviation",
    "level",
    "active",
    "registration_type",
    "registered_until",
    "france_competences_id",
]
UTF8_NAME_FLAG = 0x800
MAX_LISTED = 50
BATCH_SIZE = 500


class RncpExportError(Exception):
    """The export cannot be imported; `errors` names the member and the line of each problem."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__(self.errors)

    def __str__(self):
        return "\n".join(["Import refusé, aucune donnée n'a été importée :", *_listed(self.errors)])


@dataclass
class FicheRecord:
    """One fiche of the export, with what the side members say about it."""

    line: int
    code: str
    register: str
    title: str
    abbreviation: str
    level: int | None
    active: bool
    registration_type: str
    registered_until: date | None
    france_competences_id: str
    skill_blocks: dict[str, str] = field(default_factory=dict)  # code -> title
    certifier_sirets: set[str] = field(default_factory=set)
    access_routes: set[str] = field(default_factory=set)

    def values(self) -> dict:
        return {name: getattr(self, name) for name in CERTIFICATION_FIELDS}


@dataclass
class RncpExport:
    source: str
    export_date: date | None
    fiches: dict[str, FicheRecord]
    certifiers: dict[str, str]  # SIRET -> name
    warnings: list[str]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deactivated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


def _listed(items: list[str]) -> list[str]:
    lines = [f"- {item}" for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        lines.append(f"… et {len(items) - MAX_LISTED} autre(s).")
    return lines


@dataclass
class ImportReport:
    source: str
    export_date: date | None = None
    fiches_read: int = 0
    certifications: Counts = field(default_factory=Counts)
    skill_blocks: Counts = field(default_factory=Counts)
    certifiers: Counts = field(default_factory=Counts)
    access_routes: Counts = field(default_factory=Counts)
    deactivated_codes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            counts.changed for counts in (self.certifications, self.skill_blocks, self.certifiers, self.access_routes)
        )

    def _counts(self) -> list[tuple[str, str]]:
        certifications, blocks, certifiers = self.certifications, self.skill_blocks, self.certifiers
        return [
            (
                "Certifications",
                f"{certifications.created} créée(s), {certifications.updated} mise(s) à jour, "
                f"{certifications.deactivated} désactivée(s)",
            ),
            (
                "Blocs de compétences",
                f"{blocks.created} créé(s), {blocks.updated} mis à jour, {blocks.deactivated} désactivé(s)",
            ),
            ("Certificateurs", f"{certifiers.created} créé(s), {certifiers.updated} mis à jour"),
            ("Voies d'accès", f"{self.access_routes.created} créée(s)"),
        ]

    def summary(self) -> str:
        """The report on one line (for the demo seed's own report)."""
        counts = " ; ".join(f"{label.lower()} : {text}" for label, text in self._counts())
        return f"{self.fiches_read} fiche(s) lue(s) ; {counts}"

    def lines(self) -> list[str]:
        dated = f" du {self.export_date:%d/%m/%Y}" if self.export_date else ""
        lines = [f"Export France Compétences{dated} ({self.source}) : {self.fiches_read} fiche(s) lue(s)."]
        lines += [f"{label} : {text}." for label, text in self._counts()]
        if self.deactivated_codes:
            lines.append("Certifications désactivées :")
            lines += _listed(self.deactivated_codes)
        if not self.changed:
            lines.append("Aucun changement : le catalogue était déjà à jour.")
        if self.warnings:
            lines.append(f"{len(self.warnings)} avertissement(s), lignes ignorées :")
            lines += _listed(self.warnings)
        return lines


# Reading and validation -------------------------------------------------------------------------


class _Problems:
    def __init__(self):
        self.errors: list[str] = []
        self.warnings: list[str] = []

    @staticmethod
    def _where(member: str, line: int | None) -> str:
        return f"{member}, ligne {line}" if line else member

    def error(self, member: str, line: int | None, message: str) -> None:
        self.errors.append(f"{self._where(member, line)} : {message}")

    def warning(self, member: str, line: int | None, message: str) -> None:
        self.warnings.append(f"{self._where(member, line)} : {message}")


def _clean(value: str) -> str:
    # Strips the tab France Compétences puts before SIRETs, and unifies decomposed accents.
    return unicodedata.normalize("NFC", value).strip()


def _base_name(info: zipfile.ZipInfo) -> str:
    return info.filename.rsplit("/", 1)[-1]


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's readable name: undoes the cp437 decoding of UTF-8 names stored without the flag."""
    name = _base_name(info)
    if not info.flag_bits & UTF8_NAME_FLAG:
        try:
            name = name.encode("cp437").decode("utf-8")
        except UnicodeError:
            pass
    return unicodedata.normalize("NFC", name)


def _member_date(info: zipfile.ZipInfo) -> date | None:
    match = MEMBER_DATE_RE.search(_base_name(info))
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _find_members(archive: zipfile.ZipFile, source: str) -> dict[str, zipfile.ZipInfo]:
    """One member per kind, matched by ASCII prefix; on several, the one of the Standard member's date."""
    files = [info for info in archive.infolist() if not info.is_dir()]

    def matching(kind):
        prefix = MEMBER_PREFIXES[kind].lower()
        return [info for info in files if _base_name(info).lower().startswith(prefix)]

    errors = []
    members = {}
    standard = matching(STANDARD)
    if len(standard) != 1:
        found = "est absent de" if not standard else "figure en plusieurs exemplaires dans"
        raise RncpExportError(
            [f"{source} : le fichier {MEMBER_LABELS[STANDARD]} ({MEMBER_PREFIXES[STANDARD]}*.csv) {found} l'archive."]
        )
    members[STANDARD] = standard[0]
    export_date = _member_date(standard[0])
    for kind in (BLOCKS, ACCESS_ROUTES, CERTIFIERS):
        candidates = matching(kind)
        if len(candidates) > 1:
            candidates = [info for info in candidates if _member_date(info) == export_date]
        if len(candidates) == 1:
            members[kind] = candidates[0]
        else:
            found = "est absent de" if not candidates else "figure en plusieurs exemplaires dans"
            errors.append(
                f"{source} : le fichier {MEMBER_LABELS[kind]} ({MEMBER_PREFIXES[kind]}*.csv) {found} l'archive."
            )
    if errors:
        raise RncpExportError(errors)
    return members


def _read_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo, kind: str, problems: _Problems):
    """(member name, [(line number, {column: cleaned value}), ...]); problems are recorded, not raised."""
    member = _member_name(info)
    try:
        raw = archive.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        problems.error(member, None, "le fichier est illisible dans l'archive (archive corrompue ou chiffrée).")
        return member, []
    try:
        # utf-8-sig drops the BOM that some days' files start with.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error(
            member, None, f"le fichier n'est pas encodé en UTF-8 (octet invalide à la position {exc.start})."
        )
        return member, []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=True)
    try:
        header = [_clean(name).lstrip("\ufeff") for name in next(reader)]
    except StopIteration:
        problems.error(member, None, "le fichier est vide.")
        return member, []
    except csv.Error:
        problems.error(
            member,
            1,
            "la ligne d'en-tête n'est pas une ligne CSV valide (séparateur attendu : « ; », noms entre guillemets).",
        )
        return member, []
    missing = [name for name in REQUIRED_COLUMNS[kind] if name not in header]
    if missing:
        problems.error(
            member,
            1,
            f"colonne(s) manquante(s) : {', '.join(missing)} (séparateur attendu : « ; » ; "
            f"colonnes trouvées : {', '.join(header) or 'aucune'}).",
        )
        return member, []
    rows = []
    while True:
        line = reader.line_num + 1  # the first physical line of the next record
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            problems.error(member, line, "ligne CSV mal formée (guillemets non fermés ou mal placés).")
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.error(member, line, f"{len(cells)} champ(s) au lieu des {len(header)} de l'en-tête.")
            continue
        rows.append((line, {name: _clean(cell) for name, cell in zip(header, cells, strict=True)}))
    return member, rows


def _validation_message(validator, value) -> str | None:
    try:
        validator(value)
    except ValidationError as exc:
        return exc.messages[0]
    return None


def _too_long(model, field_name: str, value: str, column: str) -> str | None:
    max_length = model._meta.get_field(field_name).max_length
    if len(value) > max_length:
        return f"la colonne {column} dépasse {max_length} caractères."
    return None


def _parse_date(value: str, column: str, errors: list[str]) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        errors.append(f"date « {value} » invalide dans la colonne {column} (format attendu : jj/mm/aaaa).")
        return None


def _parse_fiche(line: int, row: dict, errors: list[str]) -> FicheRecord:
    code = row["Numero_Fiche"]
    errors.append(_validation_message(validate_certification_code, code))
    if not row["Intitule"]:
        errors.append("l'intitulé (colonne Intitule) est vide.")
    raw_level = row["Nomenclature_Europe_Niveau"].upper()
    if raw_level not in NO_LEVEL and raw_level not in LEVELS:
        errors.append(
            f"niveau « {row['Nomenclature_Europe_Niveau']} » inconnu dans la colonne Nomenclature_Europe_Niveau "
            "(attendu : NIV3 à NIV8, REPRISE ou vide)."
        )
    raw_active = row["Actif"].upper()
    if raw_active not in ACTIVE_VALUES:
        errors.append(f"valeur « {row['Actif']} » inconnue dans la colonne Actif (attendu : ACTIVE ou INACTIVE).")
    dates = {column: _parse_date(row[column], column, errors) for column in DATE_COLUMNS if column in row}
    errors.append(_too_long(Certification, "abbreviation", row["Abrege_Libelle"], "Abrege_Libelle"))
    errors.append(_too_long(Certification, "registration_type", row["Type_Enregistrement"], "Type_Enregistrement"))
    errors.append(_too_long(Certification, "france_competences_id", row["Id_Fiche"], "Id_Fiche"))
    return FicheRecord(
        line=line,
        code=code,
        register=Register.RS if code.startswith("RS") else Register.RNCP,
        title=row["Intitule"],
        abbreviation=row["Abrege_Libelle"],
        level=LEVELS.get(raw_level),
        active=ACTIVE_VALUES.get(raw_active, False),
        registration_type=row["Type_Enregistrement"],
        registered_until=dates.get("Date_Fin_Enregistrement"),
        france_competences_id=row["Id_Fiche"],
    )


def _read_fiches(member, rows, problems) -> dict[str, FicheRecord]:
    fiches = {}
    for line, row in rows:
        errors = []
        fiche = _parse_fiche(line, row, errors)
        if fiche.code in fiches:
            errors.append(f"la fiche {fiche.code} figure déjà ligne {fiches[fiche.code].line}.")
        errors = [error for error in errors if error]
        if errors:
            problems.error(member, line, " ; ".join(errors))
        else:
            fiches[fiche.code] = fiche
    return fiches


def _known_fiche(fiches, member, line, row, problems, what: str) -> FicheRecord | None:
    """The fiche a side row belongs to; a bad code is an error, a fiche absent from the Standard member a warning."""
    code = row["Numero_Fiche"]
    message = _validation_message(validate_certification_code, code)
    if message:
        problems.error(member, line, message)
        return None
    fiche = fiches.get(code)
    if fiche is None:
        problems.warning(member, line, f"{what} ignoré(e) : la fiche {code} ne figure pas dans le fichier des fiches.")
    return fiche


def _read_blocks(fiches, member, rows, problems) -> None:
    seen = {}  # block code -> (line, fiche code)
    for line, row in rows:
        code, title = row["Bloc_Competences_Code"], row["Bloc_Competences_Libelle"]
        errors = [
            _validation_message(validate_certification_code, row["Numero_Fiche"]),
            _validation_message(validate_skill_block_code, code),
            None if title else "l'intitulé du bloc (colonne Bloc_Competences_Libelle) est vide.",
        ]
        errors = [error for error in errors if error]
        if errors:
            problems.error(member, line, " ; ".join(errors))
            continue
        fiche = _known_fiche(fiches, member, line, row, problems, f"bloc {code}")
        if fiche is None:
            continue
        if code in seen:
            first_line, first_fiche = seen[code]
            if first_fiche != fiche.code or fiches[first_fiche].skill_blocks[code] != title:
                problems.warning(member, line, f"bloc {code} ignoré : il figure déjà ligne {first_line}.")
            continue
        seen[code] = (line, fiche.code)
        fiche.skill_blocks[code] = title


def _read_certifiers(fiches, member, rows, problems) -> dict[str, str]:
    certifiers = {}
    for line, row in rows:
        siret, name = compact_siret(row["Siret_Certificateur"]), row["Nom_Certificateur"]
        fiche = _known_fiche(fiches, member, line, row, problems, f"certificateur « {name} »")
        if fiche is None:
            continue
        message = _validation_message(validate_siret, siret) if siret else "le SIRET est vide."
        if message:
            problems.warning(member, line, f"certificateur « {name} » ignoré pour la fiche {fiche.code} : {message}")
            continue
        if not name:
            problems.warning(
                member, line, f"certificateur {siret} ignoré pour la fiche {fiche.code} : le nom est vide."
            )
            continue
        too_long = _too_long(Certifier, "name", name, "Nom_Certificateur")
        if too_long:
            problems.error(member, line, too_long)
            continue
        # The first name met for a SIRET wins: the export repeats the certifier on each of its fiches.
        certifiers.setdefault(siret, name)
        fiche.certifier_sirets.add(siret)
    return certifiers


def _read_access_routes(fiches, member, rows, problems) -> None:
    for line, row in rows:
        label = row["Si_Jury"]
        fiche = _known_fiche(fiches, member, line, row, problems, f"voie d'accès « {label} »")
        if fiche is None or not label:
            continue
        too_long = _too_long(AccessRoute, "label", label, "Si_Jury")
        if too_long:
            problems.error(member, line, too_long)
            continue
        fiche.access_routes.add(label)


def read_rncp_export(path) -> RncpExport:
    """Read and validate the whole export; raise RncpExportError (every problem found) if it is unusable."""
    path = Path(path)
    source = path.name
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise RncpExportError([f"{path} : fichier introuvable."])
    except (zipfile.BadZipFile, OSError):
        raise RncpExportError([f"{source} : ce fichier n'est pas une archive zip valide."])
    with archive:
        members = _find_members(archive, source)
        problems = _Problems()
        rows = {kind: _read_rows(archive, info, kind, problems) for kind, info in members.items()}
        fiches = _read_fiches(*rows[STANDARD], problems)
        _read_blocks(fiches, *rows[BLOCKS], problems)
        certifiers = _read_certifiers(fiches, *rows[CERTIFIERS], problems)
        _read_access_routes(fiches, *rows[ACCESS_ROUTES], problems)
        if problems.errors:
            raise RncpExportError(problems.errors)
        return RncpExport(
            source=source,
            export_date=_member_date(members[STANDARD]),
            fiches=fiches,
            certifiers=certifiers,
            warnings=problems.warnings,
        )


# Writing ----------------------------------------------------------------------------------------


def _sync_certifiers(certifiers: dict[str, str], report: ImportReport) -> dict[str, int]:
    existing = {siret: (pk, name) for siret, pk, name in Certifier.objects.values_list("siret", "id", "name")}
    to_create, to_update = [], []
    for siret, name in certifiers.items():
        if siret not in existing:
            to_create.append(Certifier(siret=siret, name=name))
        elif existing[siret][1] != name:
            to_update.append(Certifier(id=existing[siret][0], siret=siret, name=name))
    Certifier.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    Certifier.objects.bulk_update(to_update, ["name"], batch_size=BATCH_SIZE)
    report.certifiers.created, report.certifiers.updated = len(to_create), len(to_update)
    return dict(Certifier.objects.values_list("siret", "id"))


def _sync_access_routes(labels: set[str], report: ImportReport) -> dict[str, int]:
    existing = set(AccessRoute.objects.values_list("label", flat=True))
    to_create = [AccessRoute(label=label) for label in sorted(labels - existing)]
    AccessRoute.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    report.access_routes.created = len(to_create)
    return dict(AccessRoute.objects.values_list("label", "id"))


def _relation_changes(relation: str, wanted: dict[int, set[int]]) -> set[int]:
    """Make each certification's `relation` (a many-to-many) exactly `wanted`; return the ids changed."""
    m2m = Certification._meta.get_field(relation)
    through = m2m.remote_field.through
    source, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
    current = defaultdict(set)
    for certification_id, target_id in through.objects.values_list(source, target):
        current[certification_id].add(target_id)
    to_add, changed = [], set()
    for certification_id, targets in wanted.items():
        have = current.get(certification_id, set())
        if targets == have:
            continue
        changed.add(certification_id)
        to_add += [through(**{source: certification_id, target: target_id}) for target_id in targets - have]
        if have - targets:
            through.objects.filter(**{source: certification_id, f"{target}__in": have - targets}).delete()
    through.objects.bulk_create(to_add, batch_size=BATCH_SIZE)
    return changed


def _sync_certifications(
    export: RncpExport,
    report: ImportReport,
    *,
    certifier_ids: dict[str, int],
    route_ids: dict[str, int],
    deactivate_missing: bool,
) -> dict[str, int]:
    existing = {row["code"]: row for row in Certification.objects.values("id", "code", *CERTIFICATION_FIELDS)}
    created, changed, deactivated = set(), set(), set()
    for code, fiche in export.fiches.items():
        current = existing.get(code)
        if current is None:
            created.add(code)
        elif any(current[name] != value for name, value in fiche.values().items()):
            changed.add(code)
            if current["active"] and not fiche.active:
                deactivated.add(code)
    Certification.objects.bulk_create(
        [Certification(code=code, **export.fiches[code].values()) for code in sorted(created)], batch_size=BATCH_SIZE
    )
    ids = dict(Certification.objects.values_list("code", "id"))

    fiches = export.fiches.items()
    wanted_certifiers = {ids[code]: {certifier_ids[siret] for siret in f.certifier_sirets} for code, f in fiches}
    wanted_routes = {ids[code]: {route_ids[label] for label in f.access_routes} for code, f in fiches}
    relations_changed = _relation_changes("certifiers", wanted_certifiers)
    relations_changed |= _relation_changes("access_routes", wanted_routes)
    codes_by_id = {pk: code for code, pk in ids.items()}
    # A changed list of certifiers or access routes also counts as an update of the certification.
    changed |= {codes_by_id[pk] for pk in relations_changed} - created

    now = timezone.now()
    to_update = [
        Certification(id=ids[code], code=code, updated_at=now, **export.fiches[code].values())
        for code in sorted(changed)
    ]
    if deactivate_missing:
        for code, current in sorted(existing.items()):
            if code not in export.fiches and current["active"]:
                deactivated.add(code)
                values = {name: current[name] for name in CERTIFICATION_FIELDS} | {"active": False}
                to_update.append(Certification(id=current["id"], code=code, updated_at=now, **values))
    Certification.objects.bulk_update(to_update, [*CERTIFICATION_FIELDS, "updated_at"], batch_size=BATCH_SIZE)

    report.certifications.created = len(created)
    # A certification that went from active to inactive counts as deactivated, not as updated.
    report.certifications.updated = len(changed - deactivated)
    report.certifications.deactivated = len(deactivated)
    report.deactivated_codes = sorted(deactivated)
    return ids


def _sync_skill_blocks(export: RncpExport, certification_ids: dict[str, int], report: ImportReport) -> None:
    existing = {
        code: (pk, certification_id, title, active)
        for code, pk, certification_id, title, active in SkillBlock.objects.values_list(
            "code", "id", "certification_id", "title", "active"
        )
    }
    in_file = set()
    to_create, to_update = [], []
    for fiche_code, fiche in export.fiches.items():
        certification_id = certification_ids[fiche_code]
        for code, title in fiche.skill_blocks.items():
            in_file.add(code)
            current = existing.get(code)
            if current is None:
                to_create.append(SkillBlock(code=code, certification_id=certification_id, title=title))
            elif current[1:] != (certification_id, title, True):
                to_update.append(SkillBlock(id=current[0], code=code, certification_id=certification_id, title=title))
    # Blocks that disappeared from a fiche present in the file are deactivated, never deleted: pathways
    # and jury results may point to them.
    fiche_ids = {certification_ids[code] for code in export.fiches}
    to_deactivate = [
        SkillBlock(id=pk, code=code, certification_id=certification_id, title=title, active=False)
        for code, (pk, certification_id, title, active) in sorted(existing.items())
        if active and certification_id in fiche_ids and code not in in_file
    ]
    SkillBlock.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    SkillBlock.objects.bulk_update(
        to_update + to_deactivate, ["certification", "title", "active"], batch_size=BATCH_SIZE
    )
    report.skill_blocks.created = len(to_create)
    report.skill_blocks.updated = len(to_update)
    report.skill_blocks.deactivated = len(to_deactivate)


def import_rncp_export(path, *, deactivate_missing: bool = False) -> ImportReport:
    """Import the export at `path` (idempotent); raise RncpExportError, writing nothing, on a bad file.

    Certifications are matched by code, skill blocks by code, certifiers by SIRET and access routes
    by label. Certifications absent from the file are left alone unless `deactivate_missing`.
    """
    export = read_rncp_export(path)
    report = ImportReport(
        source=export.source,
        export_date=export.export_date,
        fiches_read=len(export.fiches),
        warnings=export.warnings,
    )
    with transaction.atomic():
        certifier_ids = _sync_certifiers(export.certifiers, report)
        labels = set().union(*(fiche.access_routes for fiche in export.fiches.values()))
        route_ids = _sync_access_routes(labels, report)
        certification_ids = _sync_certifications(
            export,
            report,
            certifier_ids=certifier_ids,
            route_ids=route_ids,
            deactivate_missing=deactivate_missing,
        )
        _sync_skill_blocks(export, certification_ids, report)
        # Bulk writes: no model signal; the kept dropdowns and counts (data version) must see them.
        bulk_written.send(sender=Certification)
    return report
