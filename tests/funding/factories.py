from funding import services
from funding.money import Amounts
from tests.pathways.factories import PathwayFactory, add_contract, ensure_plan, staff_of


def funded_pathway(**contract_overrides):
    """A pathway with its contract and a plan costing the caps each year, and one user per role who can see it."""
    pathway = PathwayFactory()
    add_contract(pathway, **contract_overrides)
    staff = staff_of(pathway)
    ensure_plan(pathway, staff)
    return pathway, staff


def submitted_file(pathway, staff, **amounts):
    amounts = amounts or {
        "requested_teaching": "6000.00",
        "requested_design": "1000.00",
        "requested_support": "2000.00",
    }
    ensure_plan(pathway, staff)
    funding_file = services.funding_file_create(
        acting_user=staff["project_holder"], pathway=pathway, requested=Amounts.parse(amounts, "requested")
    )
    return services.funding_file_submit(acting_user=staff["project_holder"], funding_file=funding_file)


def pdf_text(path) -> str:
    """The PDF's text through poppler's pdftotext (installed by .ci/run)."""
    import shutil
    import subprocess

    from tests.conftest import require_service

    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
