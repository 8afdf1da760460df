"""The portal's dropdown (vae_inversee.www.forms.Select) writes the options Django's select would write."""

import re

from django import forms

from vae_inversee.www.forms import Form, Select


class _Filter(Form):
    level = forms.ChoiceField(
        label="Niveau",
        required=False,
        choices=[("", "---------"), ("3", "Niveau 3 <CAP>"), ("4", "Niveau « 4 » & bac")],
    )
    grouped = forms.ChoiceField(
        label="Groupes", required=False, choices=[("Cadres", [("7", "Master"), ("8", "Doctorat")]), ("", "Aucun")]
    )


def _options(html):
    return re.sub(r"\s+", " ", html[html.index("<select") : html.index("</select>")]).replace("> <", "><").strip()


def test_a_plain_dropdown_gets_the_fast_widget_with_the_same_options_escaped_and_selected():
    form = _Filter(data={"level": "4", "grouped": "8"})
    assert type(form.fields["level"].widget) is Select
    for name in ("level", "grouped"):
        ours = str(form[name])
        django = forms.Select(choices=form.fields[name].choices).render(name, form.data[name])
        assert _options(ours).split(">", 1)[1] == _options(django).split(">", 1)[1]
    html = str(form["level"])
    assert '<option value="4" selected>Niveau « 4 » &amp; bac</option>' in html
    assert "Niveau 3 &lt;CAP&gt;" in html
    assert '<option value="" >' not in html and "Sélectionner une option" in html
    assert '<optgroup label="Cadres"><option value="7">Master</option><option value="8" selected>' in str(
        form["grouped"]
    )
