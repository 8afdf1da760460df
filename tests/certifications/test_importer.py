import datetime
import io
import unicodedata
import zipfile

import pytest
from django.core.management import CommandError, call_command

from certifications.enums import Register
from certifications.importer import SAMPLE_EXPORT, RncpExportError, _member_name, import_rncp_export
from certifications.models import AccessRoute, Certification, Certifier, SkillBlock
from tests.certifications.factories import CertificationFactory

STANDARD = "export_fiches_CSV_Standard_2024_02_22.csv"
BLOCKS = "export_fiches_CSV_Blocs_De_Compétences_2024_02_22.csv"
CERTIFIERS = "export_fiches_CSV_Certificateurs_2024_02_22.csv"
ACCESS_ROUTES = "export_fiches_CSV_VoixdAccès_2024_02_22.csv"


def replace(old, new):
    def edit(text):
        assert old in text
        return text.replace(old, new, 1)

    return edit


def catalogue_snapshot():
    return (
        sorted(Certification.objects.values_list("code", "title", "level", "active", "updated_at")),
        sorted(SkillBlock.objects.values_list("code", "title", "active")),
        sorted(Certifier.objects.values_list("siret", "name")),
        sorted(AccessRoute.objects.values_list("label", flat=True)),
    )


def run_command(*args):
    out = io.StringIO()
    call_command("import_rncp", *args, stdout=out)
    return out.getvalue()


# The real sample -------------------------------------------------------------------------------


def test_sample_import_creates_the_catalogue(db):
    report = import_rncp_export(SAMPLE_EXPORT)

    assert report.export_date == datetime.date(2024, 2, 22)
    assert report.fiches_read == 9
    assert (report.certifications.created, report.certifications.updated, report.certifications.deactivated) == (
        9,
        0,
        0,
    )
    assert (report.skill_blocks.created, report.certifiers.created, report.access_routes.created) == (6, 5, 6)
    assert report.warnings == []
    assert Certification.objects.count() == 9
    assert SkillBlock.objects.count() == 6
    assert Certifier.objects.count() == 5
    assert AccessRoute.objects.count() == 6


def test_sample_fiche_fields(db):
    import_rncp_export(SAMPLE_EXPORT)

    rncp509 = Certification.objects.get(code="RNCP509")
    assert rncp509.register == Register.RNCP
    assert rncp509.title == "Agent vérificateur d'appareils extincteurs"
    assert rncp509.abbreviation == "CAP"
    assert rncp509.level == 3  # NIV3
    assert rncp509.active is False
    assert rncp509.registered_until == datetime.date(2023, 8, 31)
    assert rncp509.registration_type == "Enregistrement de droit"
    assert rncp509.france_competences_id == "14791"
    assert sorted(rncp509.skill_blocks.values_list("code", flat=True)) == [f"RNCP509BC0{n}" for n in range(1, 7)]
    assert rncp509.skill_blocks.get(code="RNCP509BC06").title == "UG3 : Éducation physique et sportive"
    assert rncp509.access_routes.count() == 6

    assert Certification.objects.get(code="RNCP19468").level is None  # REPRISE
    rs5000 = Certification.objects.get(code="RS5000")
    assert (rs5000.register, rs5000.level, rs5000.active) == (Register.RS, None, True)  # empty level
    assert rs5000.skill_blocks.count() == 0  # RS fiches have no blocks


def test_sirets_are_stored_without_the_leading_tab(db):
    import_rncp_export(SAMPLE_EXPORT)

    assert set(Certifier.objects.values_list("siret", flat=True)) == {
        "11004301500012",
        "82948645500019",
        "79279132900016",
        "78466840200018",
        "31504294500032",
    }
    # One certifier shared by two fiches, created once.
    assert sorted(Certifier.objects.get(siret="78466840200018").certifications.values_list("code", flat=True)) == [
        "RNCP19468",
        "RS6117",
    ]
    assert Certification.objects.get(code="RS6117").certifiers.count() == 2


def test_only_active_fiches_open_by_experience_are_vae_eligible(db):
    import_rncp_export(SAMPLE_EXPORT)

    assert set(Certification.objects.vae_eligible().values_list("code", flat=True)) == {"RS5000", "RS6117"}
    # RNCP509 is open "Par expérience" but INACTIVE.
    rncp509 = Certification.objects.with_vae_eligibility().get(code="RNCP509")
    assert rncp509.access_routes.filter(label="Par expérience").exists()
    assert rncp509.vae_eligible is False
    assert Certification.objects.get(code="RS5000").vae_eligible is True


def test_second_import_changes_nothing(db):
    import_rncp_export(SAMPLE_EXPORT)
    before = catalogue_snapshot()

    report = import_rncp_export(SAMPLE_EXPORT)

    for counts in (report.certifications, report.skill_blocks, report.certifiers, report.access_routes):
        assert (counts.created, counts.updated, counts.deactivated) == (0, 0, 0)
    assert not report.changed
    assert catalogue_snapshot() == before


def test_command_prints_a_french_report(db):
    output = run_command(str(SAMPLE_EXPORT))

    assert "Export France Compétences du 22/02/2024 (export-fiches-csv-2024-02-22.zip) : 9 fiche(s) lue(s)." in output
    assert "Certifications : 9 créée(s), 0 mise(s) à jour, 0 désactivée(s)." in output
    assert "Blocs de compétences : 6 créé(s), 0 mis à jour, 0 désactivé(s)." in output
    assert "Certificateurs : 5 créé(s), 0 mis à jour." in output

    output = run_command(str(SAMPLE_EXPORT))
    assert "Certifications : 0 créée(s), 0 mise(s) à jour, 0 désactivée(s)." in output
    assert "Aucun changement" in output


# Changes between two exports -------------------------------------------------------------------


def test_active_fiche_turned_inactive_is_reported_as_deactivated(db, build_export):
    import_rncp_export(SAMPLE_EXPORT)
    later = build_export({"export_fiches_CSV_Standard_": replace('"Non";"ACTIVE"', '"Non";"INACTIVE"')})

    report = import_rncp_export(later)

    assert report.certifications.deactivated == 1
    assert report.certifications.updated == 0
    assert report.deactivated_codes == ["RS5000"]
    assert Certification.objects.get(code="RS5000").active is False
    assert not Certification.objects.vae_eligible().filter(code="RS5000").exists()


def test_certification_active_in_database_and_inactive_in_file_is_deactivated(db):
    CertificationFactory(code="RNCP509", title="Agent vérificateur d'appareils extincteurs", active=True)

    output = run_command(str(SAMPLE_EXPORT))

    assert "Certifications : 8 créée(s), 0 mise(s) à jour, 1 désactivée(s)." in output
    assert "- RNCP509" in output
    assert Certification.objects.get(code="RNCP509").active is False


def test_changed_title_and_certifiers_count_as_updates(db, build_export):
    import_rncp_export(SAMPLE_EXPORT)
    later = build_export(
        {
            "export_fiches_CSV_Standard_": replace("CQP Tourier", "CQP Tourier (nouvelle version)"),
            "export_fiches_CSV_Certificateurs_": replace(
                '"RS6117";"\t31504294500032";"INSTITUT NATIONAL BOULANGERIE PATISSERIE"\r\n', ""
            ),
        }
    )

    report = import_rncp_export(later)

    # RNCP19468 gets the new title; RS6117 loses a certifier.
    assert (report.certifications.created, report.certifications.updated) == (0, 2)
    assert Certification.objects.get(code="RNCP19468").title == "CQP Tourier (nouvelle version)"
    assert list(Certification.objects.get(code="RS6117").certifiers.values_list("siret", flat=True)) == [
        "78466840200018"
    ]
    # The certifier itself is kept: other fiches or organisations may refer to it.
    assert Certifier.objects.filter(siret="31504294500032").exists()


def test_block_missing_from_a_fiche_is_deactivated_not_deleted(db, build_export):
    import_rncp_export(SAMPLE_EXPORT)
    later = build_export(
        {
            "export_fiches_CSV_Blocs_De_Comp": replace(
                '"RNCP509";"RNCP509BC06";"UG3 : Éducation physique et sportive"\r\n', ""
            )
        }
    )

    report = import_rncp_export(later)

    assert (report.skill_blocks.created, report.skill_blocks.updated, report.skill_blocks.deactivated) == (0, 0, 1)
    assert "Blocs de compétences : 0 créé(s), 0 mis à jour, 1 désactivé(s)." in report.lines()
    assert SkillBlock.objects.get(code="RNCP509BC06").active is False
    assert SkillBlock.objects.filter(certification__code="RNCP509", active=True).count() == 5

    # Back in a later export: reactivated.
    report = import_rncp_export(SAMPLE_EXPORT)
    assert report.skill_blocks.updated == 1
    assert SkillBlock.objects.get(code="RNCP509BC06").active is True


def test_fiches_absent_from_the_file_are_left_alone_unless_asked(db):
    CertificationFactory(code="RNCP90001", active=True)

    import_rncp_export(SAMPLE_EXPORT)
    assert Certification.objects.get(code="RNCP90001").active is True

    output = run_command(str(SAMPLE_EXPORT), "--deactivate-missing")
    assert "Certifications : 0 créée(s), 0 mise(s) à jour, 1 désactivée(s)." in output
    assert Certification.objects.get(code="RNCP90001").active is False


# Quirks of the real file -----------------------------------------------------------------------


def test_member_names_without_the_utf8_flag_are_made_readable():
    composed = zipfile.ZipInfo("export_fiches_CSV_Blocs_De_Comp├⌐tences_2024_02_22.csv")
    decomposed_name = unicodedata.normalize("NFD", BLOCKS).encode("utf-8").decode("cp437")
    decomposed = zipfile.ZipInfo(decomposed_name)

    assert _member_name(composed) == BLOCKS
    assert _member_name(decomposed) == BLOCKS


def test_bom_and_decomposed_member_names_are_survived(db, build_export):
    def mojibake(name):
        return unicodedata.normalize("NFD", name).encode("utf-8").decode("cp437")

    export = build_export(names={BLOCKS: mojibake(BLOCKS), ACCESS_ROUTES: mojibake(ACCESS_ROUTES)}, bom=True)

    report = import_rncp_export(export)

    assert (report.certifications.created, report.skill_blocks.created, report.access_routes.created) == (9, 6, 6)
    assert set(Certification.objects.vae_eligible().values_list("code", flat=True)) == {"RS5000", "RS6117"}


def test_invalid_siret_is_skipped_and_reported(db, build_export):
    export = build_export(
        {
            "export_fiches_CSV_Certificateurs_": replace(
                '"\t79279132900016";"SIMPLON.CO"', '"\t79279132900017";"SIMPLON.CO"'
            )
        }
    )

    report = import_rncp_export(export)

    assert report.certifiers.created == 4
    assert Certification.objects.get(code="RS5000").certifiers.count() == 0
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith(
        f"{CERTIFIERS}, ligne 4 : certificateur « SIMPLON.CO » ignoré pour la fiche RS5000"
    )
    assert "79279132900017" in report.warnings[0]
    assert any("1 avertissement(s)" in line for line in report.lines())


# Broken files: nothing is imported -------------------------------------------------------------


def test_a_file_that_is_not_a_zip_is_refused(db, tmp_path):
    path = tmp_path / "export.zip"
    path.write_text("Numero_Fiche;Intitule\n", encoding="utf-8")

    with pytest.raises(CommandError, match="export.zip : ce fichier n'est pas une archive zip valide"):
        run_command(str(path))


def test_a_missing_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="fichier introuvable"):
        run_command(str(tmp_path / "absent.zip"))


def test_a_zip_without_the_standard_member_is_refused(db, build_export):
    export = build_export({"export_fiches_CSV_Standard_": None})

    with pytest.raises(CommandError) as excinfo:
        run_command(str(export))

    assert "export_fiches_CSV_Standard_*.csv" in str(excinfo.value)
    assert "est absent de l'archive" in str(excinfo.value)
    assert Certification.objects.count() == 0


@pytest.mark.parametrize(
    "member_prefix, old, new, expected",
    [
        (
            "export_fiches_CSV_Standard_",
            '"Id_Fiche";"Numero_Fiche"',
            '"Id";"Numero"',
            f"{STANDARD}, ligne 1 : colonne(s) manquante(s) : Id_Fiche, Numero_Fiche",
        ),
        # A comma-separated file.
        (
            "export_fiches_CSV_Standard_",
            '"Id_Fiche";"Numero_Fiche";"Intitule"',
            '"Id_Fiche","Numero_Fiche","Intitule"',
            f"{STANDARD}, ligne 1 : la ligne d'en-tête n'est pas une ligne CSV valide (séparateur attendu : « ; »",
        ),
        (
            "export_fiches_CSV_Certificateurs_",
            '"Nom_Certificateur"',
            '"Nom"',
            f"{CERTIFIERS}, ligne 1 : colonne(s) manquante(s) : Nom_Certificateur",
        ),
        # RS6117 (line 10 of the Standard member): a bad end-of-registration date.
        (
            "export_fiches_CSV_Standard_",
            '"29/09/2025"',
            '"29/13/2025"',
            f"{STANDARD}, ligne 10 : date « 29/13/2025 » invalide dans la colonne Date_Fin_Enregistrement",
        ),
        (
            "export_fiches_CSV_Standard_",
            '"31/08/2023"',
            '"2023-08-31"',
            f"{STANDARD}, ligne 2 : date « 2023-08-31 » invalide",
        ),
        (
            "export_fiches_CSV_Standard_",
            '"Non";"ACTIVE"',
            '"Non";"ACTIF"',
            f"{STANDARD}, ligne 8 : valeur « ACTIF » inconnue dans la colonne Actif",
        ),
        (
            "export_fiches_CSV_Standard_",
            '"RNCP4049";',
            '"RNCP-4049";',
            f"{STANDARD}, ligne 4 : Le code « RNCP-4049 » n'est pas un code de fiche valide",
        ),
        (
            "export_fiches_CSV_Standard_",
            '"NIV3";"Niveau 3"',
            '"NIV9";"Niveau 9"',
            f"{STANDARD}, ligne 2 : niveau « NIV9 » inconnu",
        ),
        (
            "export_fiches_CSV_Blocs_De_Comp",
            '"RNCP509BC03"',
            '"RNCP509-BC03"',
            f"{BLOCKS}, ligne 6 : Le code « RNCP509-BC03 » n'est pas un code de bloc de compétences valide",
        ),
        (
            "export_fiches_CSV_VoixdAcc",
            '"RS6117";"Par expérience"',
            '"RS6117;"Par expérience"',
            f"{ACCESS_ROUTES}, ligne 30 : ",
        ),
    ],
)
def test_a_malformed_file_is_refused_naming_member_and_line(db, build_export, member_prefix, old, new, expected):
    import_rncp_export(SAMPLE_EXPORT)
    before = catalogue_snapshot()
    # Together with the broken line, a valid change that must not be written either.
    edits = {member_prefix: replace(old, new)}
    if member_prefix != "export_fiches_CSV_Standard_":
        edits["export_fiches_CSV_Standard_"] = replace("CQP Tourier", "CQP Tourier modifié")
    export = build_export(edits)

    with pytest.raises(CommandError) as excinfo:
        run_command(str(export))

    message = str(excinfo.value)
    assert message.startswith("Import refusé, aucune donnée n'a été importée :")
    assert expected in message
    assert catalogue_snapshot() == before


def test_every_problem_of_a_file_is_listed(db, build_export):
    export = build_export(
        {"export_fiches_CSV_Standard_": lambda text: text.replace('"31/08/2023"', '"x"').replace('"INACTIVE"', '"?"')}
    )

    with pytest.raises(RncpExportError) as excinfo:
        import_rncp_export(export)

    # RNCP509 has both problems on one line; the 6 other INACTIVE fiches one each.
    assert len(excinfo.value.errors) == 7
    assert Certification.objects.count() == 0
