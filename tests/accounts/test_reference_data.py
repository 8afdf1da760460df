from vae_inversee.accounts.models import CollectiveAgreement, IdccOpco, Organisation
from vae_inversee.accounts.reference import load_reference_data
from vae_inversee.accounts.selectors import opco_for_idcc


def test_migration_loads_the_eleven_opcos_and_the_idcc_table(db):
    codes = set(Organisation.objects.opcos().values_list("code", flat=True))
    assert codes == {
        "AFDAS", "AKTO", "ATLAS", "CONSTRUCTYS", "MOBILITES", "OCAPIAT",
        "OPCO2I", "OPCOEP", "OPCOMMERCE", "OPCOSANTE", "UNIFORMATION",
    }  # fmt: skip
    assert IdccOpco.objects.count() == 330
    assert CollectiveAgreement.objects.count() == 610


def test_opco_for_idcc(db):
    assert opco_for_idcc("1516").code == "AKTO"  # organismes de formation
    assert opco_for_idcc("16").code == "MOBILITES"  # zero-padded to 0016
    assert opco_for_idcc(2264).code == "OPCOSANTE"


def test_opco_for_idcc_is_none_without_agreement_or_when_unknown(db):
    assert opco_for_idcc("9999") is None
    assert opco_for_idcc("3248") is None  # not in the November 2024 correspondence table
    assert opco_for_idcc("") is None


def test_loading_again_changes_nothing(db):
    report = load_reference_data(Organisation, IdccOpco, CollectiveAgreement)
    assert report.created == {} and report.updated == {}


def test_loading_repairs_a_changed_row(db):
    IdccOpco.objects.filter(idcc="1516").update(opco=Organisation.objects.get(code="ATLAS"))
    report = load_reference_data(Organisation, IdccOpco, CollectiveAgreement)
    assert report.updated == {"IDCC → OPCO": 1}
    assert opco_for_idcc("1516").code == "AKTO"


def test_command_reports_in_french(db, capsys):
    from django.core.management import call_command

    call_command("load_reference_data")
    assert "Données de référence à jour." in capsys.readouterr().out
