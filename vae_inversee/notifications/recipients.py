"""Who is concerned by a pathway: its project holder's staff, its companion, the OPCO, the certifier."""

from vae_inversee.accounts.models import User


def pathway_people(pathway, *, project_holder=True, companion=True, opco=False, certifier=False):
    users = User.objects.none()
    if project_holder:
        users |= User.objects.filter(membership__organisation_id=pathway.project_holder_id)
    if companion and pathway.companion_id:
        users |= User.objects.filter(pk=pathway.companion_id)
    if opco:
        users |= User.objects.filter(membership__organisation_id=pathway.employer.opco_id)
    if certifier:
        users |= User.objects.filter(membership__organisation__certifiers__certifications=pathway.certification_id)
    return list(users.filter(is_active=True).distinct())


def excluding(users, user):
    return [person for person in users if person.pk != getattr(user, "pk", None)]
