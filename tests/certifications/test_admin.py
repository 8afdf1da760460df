import pytest
from django.urls import reverse

from certifications.enums import VAE_ACCESS_ROUTE
from certifications.models import AccessRoute, Certification, Certifier, SkillBlock
from tests.certifications.factories import CertificationFactory


@pytest.mark.parametrize("model", [Certifier, AccessRoute, Certification, SkillBlock])
def test_changelists_load(admin_client, model):
    CertificationFactory(certifiers=1, blocks=2, access_routes=[VAE_ACCESS_ROUTE])

    response = admin_client.get(reverse(f"admin:certifications_{model._meta.model_name}_changelist"))

    assert response.status_code == 200


def test_certification_changelist_filters_and_search(admin_client):
    CertificationFactory(code="RNCP38001", title="CAP Boulanger", level=3)
    CertificationFactory(code="RNCP38002", title="BTS Management", level=5, active=False)
    url = reverse("admin:certifications_certification_changelist")

    assert admin_client.get(url, {"q": "boulanger"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"active__exact": "0"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"level__exact": "5", "register__exact": "RNCP"}).context["cl"].result_count == 1


def test_certification_change_page_has_the_block_inline(admin_client):
    certification = CertificationFactory(blocks=2)

    response = admin_client.get(reverse("admin:certifications_certification_change", args=[certification.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{certification.code}BC01" in html
    assert 'name="certifiers"' in html and 'name="access_routes"' in html
