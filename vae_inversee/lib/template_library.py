"""Built into every template (settings.TEMPLATES "builtins"): portal pages, PDFs and e-mails alike.

{{ amount|euros }}                           6 000,00 €
{% can "pathway.update" pathway as can_edit %}   asks vae_inversee.lib.policy, like every door
"""

from django import template

from vae_inversee.lib import policy
from vae_inversee.lib.money import format_euros

register = template.Library()


@register.filter
def euros(amount):
    """A Decimal in euros the French way; "—" when there is none."""
    return "—" if amount in (None, "") else format_euros(amount)


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    return policy.can(context["user"], action, obj)
