"""Where each role lands, and the header's navigation: each entry shown to whom the policy allows it."""

from django.urls import reverse

from vae_inversee.accounts.enums import Role
from vae_inversee.accounts.policy import CANDIDATE_PORTAL
from vae_inversee.lib import policy

# The page each role lands on after logging in (product.md section 7).
HOME_URL_NAMES = {
    Role.PROJECT_HOLDER: "pathways:project_holder_home",
    Role.COMPANION: "pathways:companion_home",
    Role.OPCO: "funding:opco_home",
    Role.CERTIFIER: "evaluation:certifier_home",
    Role.MINISTRY: "evaluation:ministry_home",
    Role.CANDIDATE: "candidate:home",
}

# (label, URL name, the action that shows it; None: every user but a candidate, who has their page only).
NAVIGATION = [
    ("Mon parcours", "candidate:home", CANDIDATE_PORTAL),
    ("Mes parcours", "pathways:project_holder_home", "pathway.holder_queue"),
    ("Mes projets", "projects:list", "project.holder_list"),
    ("Parcours accompagnés", "pathways:companion_home", "pathway.companion_queue"),
    ("Dossiers à instruire", "funding:opco_home", "funding_file.review"),
    ("Parcours de l'OPCO", "evaluation:opco_pathways", "steering.opco_pathways"),
    ("Paiements", "funding:payment_queue", "payment_request.review"),
    ("Lots de paiement", "funding:batch_list", "payment_batch.create"),
    ("Recevabilités et jurys", "evaluation:certifier_home", "pathway.certifier_queue"),
    ("Pilotage national", "evaluation:ministry_home", "steering.home"),
    ("Parcours", "evaluation:steering_pathways", "steering.pathways"),
    ("Projets à instruire", "projects:queue", "project.review"),
    ("Financements", "funding:ministry_list", "funding_file.list_all"),
    ("Indicateurs", "evaluation:dashboard", "indicators.dashboard"),
    ("Certifications", "certifications:list", None),
]


def navigation_for(user, path) -> list[dict]:
    candidate = policy.may(user, CANDIDATE_PORTAL)
    items = [
        {"label": label, "link": reverse(url_name), "active": False}
        for label, url_name, action in NAVIGATION
        if (action is None and not candidate) or (action is not None and policy.may(user, action))
    ]
    # The longest matching link is the current one (/pilotage/financements/ is not /pilotage/).
    matching = [item for item in items if path.startswith(item["link"])]
    if matching:
        max(matching, key=lambda item: len(item["link"]))["active"] = True
    return items
