"""The API as a client developer meets it (issue 14), against the live test server: the example client of
docs/examples/ runs, and the client openapi-python-client generates from today's schema, with the config
shipped in docs/examples/, installs as an ASCII package and makes a few calls, the agreement PDF typed as
binary. Plus: drf-spectacular has no warning (a warning fails CI)."""

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from funding.models import FundingFile
from pathways.enums import PathwayPhase
from tests.funding.factories import funded_pathway
from tests.pathways.factories import walk_to
from vae_inversee.accounts import services as account_services

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
PASSWORD = "mot-de-passe-solide-2026"  # tests/accounts/factories.py


def test_the_schema_generates_without_a_warning(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))


@pytest.fixture
def decided(settings, tmp_path):
    """A pathway walked to delivery: its year-1 funding file approved and its agreement PDF made."""
    settings.MEDIA_ROOT = tmp_path
    pathway, staff = funded_pathway()
    walk_to(pathway, PathwayPhase.DELIVERY, staff)
    funding_file = FundingFile.objects.get(pathway=pathway)
    assert funding_file.agreement
    return pathway, funding_file, staff


@pytest.mark.django_db(transaction=True)
def test_the_example_client_syncs_against_the_live_server(decided, live_server):
    pathway, funding_file, staff = decided
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "client.py"), "--base-url", live_server.url,
         "--email", staff["project_holder"].email, "--password", PASSWORD, "--since", "2000-01-01T00:00:00Z"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["me"]["email"] == staff["project_holder"].email
    objects = {(line["resource"], line["object"]["id"]) for line in lines if "resource" in line}
    assert objects == {("pathways", pathway.pk), ("funding-files", funding_file.pk)}
    assert "next_since" in lines[-1]


@pytest.mark.django_db(transaction=True)
def test_the_generated_client_installs_and_calls_the_live_server(decided, live_server, tmp_path):
    generator = shutil.which("openapi-python-client") or str(Path(sys.executable).parent / "openapi-python-client")
    pathway, funding_file, staff = decided
    schema = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema))
    out = tmp_path / "generated"
    out.mkdir()
    result = subprocess.run(
        [generator, "generate", "--meta", "setup", "--path", str(schema),
         "--config", str(EXAMPLES / "openapi-python-client.yaml")],
        cwd=out, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr, result.stdout + result.stderr
    project = out / "vae-inversee-client"
    package = project / "vae_inversee_client"
    assert package.is_dir() and package.name.isascii()
    # pip installs it (what it refused with the accented name); no network: its dependencies are ours.
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(site), str(project)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "vae_inversee_client" / "client.py").is_file()

    sys.path.insert(0, str(site))
    try:
        client_module = importlib.import_module("vae_inversee_client")
        me_retrieve = importlib.import_module("vae_inversee_client.api.authentification.me_retrieve")
        pathways_list = importlib.import_module("vae_inversee_client.api.pathways.pathways_list")
        agreement = importlib.import_module("vae_inversee_client.api.funding_files.funding_files_agreement_retrieve")
        types = importlib.import_module("vae_inversee_client.types")

        _, token = account_services.api_token_issue(acting_user=staff["project_holder"])
        with client_module.AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token") as client:
            me = me_retrieve.sync(client=client)
            assert me.email == staff["project_holder"].email
            page = pathways_list.sync(client=client)
            assert [item.id for item in page.results] == [pathway.pk]
            pdf = agreement.sync(id=str(funding_file.pk), client=client)
            assert isinstance(pdf, types.File)
            assert pdf.payload.read(5) == b"%PDF-"
    finally:
        sys.path.remove(str(site))
        for name in [name for name in sys.modules if name.startswith("vae_inversee_client")]:
            del sys.modules[name]
