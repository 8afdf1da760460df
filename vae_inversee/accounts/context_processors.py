from django.urls import reverse

from vae_inversee.accounts.enums import Role
from vae_inversee.accounts.homes import HOME_URL_NAMES

# Navigation entries per role: (label, URL name). Later features add their pages here.
NAVIGATION = {
    Role.PROJECT_HOLDER: [
        ("Mes parcours", HOME_URL_NAMES[Role.PROJECT_HOLDER]),
        ("Indicateurs", "evaluation:dashboard"),
    ],
    Role.COMPANION: [("Parcours accompagnés", HOME_URL_NAMES[Role.COMPANION])],
    Role.OPCO: [("Dossiers à instruire", HOME_URL_NAMES[Role.OPCO]), ("Indicateurs", "evaluation:dashboard")],
    Role.CERTIFIER: [("Recevabilités et jurys", HOME_URL_NAMES[Role.CERTIFIER])],
    Role.MINISTRY: [
        ("Pilotage national", HOME_URL_NAMES[Role.MINISTRY]),
        ("Financements", "funding:ministry_list"),
    ],
}
COMMON_NAVIGATION = [("Certifications", "certifications:list")]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    entries = NAVIGATION.get(user.role, []) + COMMON_NAVIGATION
    items = [{"label": label, "link": reverse(url_name), "active": False} for label, url_name in entries]
    # The longest matching link is the current one (/pilotage/financements/ is not /pilotage/).
    matching = [item for item in items if request.path.startswith(item["link"])]
    if matching:
        max(matching, key=lambda item: len(item["link"]))["active"] = True
    return {"nav_items": items}
