"""The accessibility statement (déclaration d'accessibilité) every State site must publish, linked in the footer."""

import html

from django.urls import reverse


def test_the_statement_is_public_and_follows_the_rgaa_model(client, db):
    response = client.get(reverse("accounts:accessibility"))
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "<h1>Déclaration d'accessibilité</h1>" in page
    assert "non conforme" in page and "RGAA" in page and "4.1" in page
    assert "axe-core" in page and "375 pixels" in page  # what the status is based on
    assert "Retour d'information et contact" in page and "mailto:" in page
    assert "Voies de recours" in page and "Défenseur des droits" in page


def test_every_page_links_to_it_from_the_footer(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    footer = page[page.index('id="pied-de-page"') :]
    assert f'href="{reverse("accounts:accessibility")}"' in footer
    assert "Accessibilité : non conforme" in footer
