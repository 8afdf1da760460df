"""The pathway page's funding section: pathways never imports funding, its template loads this tag."""

from django import template

from funding.models import FundingFile

register = template.Library()


@register.simple_tag
def funding_files_of(pathway, user):
    """The pathway's funding files the user may see, by contract year (one query).

    Not `pathway.funding_files.all`: an OPCO does not see a draft (FundingFile.objects.visible_to).
    """
    return list(FundingFile.objects.visible_to(user).filter(pathway=pathway).order_by("contract_year"))
