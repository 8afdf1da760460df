from django.template import Context, Template

from funding.enums import FundingStatus
from pathways.enums import PathwayPhase, ProjectStatus
from vae_inversee.www.badges import FUNDING_COLOURS, PHASE_COLOURS, PROJECT_COLOURS


def render(source, **context):
    return Template(source).render(Context(context))


def test_every_phase_has_its_colour():
    assert set(PHASE_COLOURS) == set(PathwayPhase)
    html = render("{% phase_badge phase label %}", phase="delivery", label="Mise en <œuvre>")
    assert html == '<p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--info">Mise en &lt;œuvre&gt;</p>'


def test_statuses_have_their_colours_and_drafts_the_neutral_badge():
    assert set(FUNDING_COLOURS) == set(FundingStatus) - {FundingStatus.DRAFT}
    assert set(PROJECT_COLOURS) == set(ProjectStatus) - {ProjectStatus.DRAFT}
    assert render("{% funding_badge s l %}", s="changes_requested", l="Compléments demandés") == (
        '<p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--warning">Compléments demandés</p>'
    )
    assert (
        render("{% project_badge s l %}", s="deemed_rejected", l="Refusé implicitement").count("fr-badge--error") == 1
    )
    assert render("{% project_badge s l %}", s="draft", l="Brouillon") == (
        '<p class="fr-badge fr-badge--sm fr-badge--no-icon ">Brouillon</p>'
    )


def test_unread_badge_counts_in_french_and_says_nothing_at_zero():
    assert render("{% unread_badge n %}", n=0) == ""
    assert render("{% unread_badge n %}", n=None) == ""
    assert "1 message non lu</span>" in render("{% unread_badge n %}", n=1)
    assert "3 messages non lus</span>" in render("{% unread_badge n %}", n=3)
    assert render("{% unread_label n %}", n=0) == ""
    assert render("{% unread_label n %}", n=1) == " (1 non lu)"
    assert render("{% unread_label n %}", n=99) == " (99 non lus)"
    assert render("{% unread_label n %}", n=100) == " (99+ non lus)"


def test_widget_attrs_write_what_djangos_own_template_writes():
    """templates/django/forms/widgets/attrs.html replaces Django's loop: the same markup for every kind of value."""
    from pathlib import Path

    import django
    from django.utils.safestring import mark_safe

    djangos = (Path(django.__file__).parent / "forms/templates/django/forms/widgets/attrs.html").read_text()
    attrs = {
        "required": True, "disabled": False, "maxlength": 100, "placeholder": 'Nom "exact" & <prénom>',
        "aria-describedby": mark_safe("a&amp;b"), "data-x": None, "class": "fr-input", "step": 0.5,
    }  # fmt: skip
    assert render("{{ widget.attrs|widget_attrs }}", widget={"attrs": attrs}) == render(
        djangos, widget={"attrs": attrs}
    )
    assert render('{% include "django/forms/widgets/attrs.html" %}', widget={"attrs": attrs}) == render(
        djangos, widget={"attrs": attrs}
    )


def test_progress_and_jury_badges_keep_their_markup():
    assert render("{% level_badge l t %}", l="acquired", t="Acquis") == (
        '<p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--success">Acquis</p>'
    )
    assert render("{% level_badge l t %}", l="not_started", t="Non commencé") == (
        '<p class="fr-badge fr-badge--sm fr-badge--no-icon ">Non commencé</p>'
    )
    # The jury's result is the larger badge (no fr-badge--sm); an absent candidate, the neutral one.
    assert render("{% outcome_badge o t %}", o="partial", t="Validation partielle") == (
        '<p class="fr-badge fr-badge--no-icon fr-badge--new">Validation partielle</p>'
    )
    assert render("{% outcome_badge o t %}", o="absent", t="Candidat absent") == (
        '<p class="fr-badge fr-badge--no-icon ">Candidat absent</p>'
    )
