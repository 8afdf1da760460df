"""Plain-text templates (e-mail bodies, inbox messages): rendered without HTML escaping.

Django escapes every variable for HTML; a text body is not HTML, so « l'OPCO » must stay « l'OPCO »
(not « l&#x27;OPCO », and not escaped a second time when the stored body is rendered into the e-mail).
The HTML e-mail, rendered with the usual escaping, stays safe.
"""

from django.template import Context
from django.template.loader import get_template


def render_plain_text(template_name: str, context: dict) -> str:
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))
