"""What the help pages say about the rules, read from the one place each rule is stated.

The phases, who moves a pathway and what each move needs come from the workflow's table (the guards'
own French messages, asked of a pathway where nothing is done yet); the caps from the funding policy in
force; the contract's limits from `pathways.contracts`. The explanatory prose lives in the templates.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from funding.enums import CATEGORIES
from funding.models import FundingPolicy
from funding.reference import DEFAULT_POLICY
from pathways import contracts, workflow
from pathways.enums import HighestQualification, PathwayPhase
from vae_inversee.accounts.enums import Role
from vae_inversee.lib.money import format_euros

# The help page of each role: (URL name under "help:", path, role code, title). The candidate has a page
# before having an account of their own.
ROLE_PAGES = [
    ("project_holder", "porteur/", Role.PROJECT_HOLDER, "Porteur de projet"),
    ("companion", "accompagnateur/", Role.COMPANION, "Accompagnateur ou accompagnatrice VAE"),
    ("opco", "opco/", Role.OPCO, "Opérateur de compétences (OPCO)"),
    ("certifier", "certificateur/", Role.CERTIFIER, "Certificateur"),
    ("ministry", "ministere/", Role.MINISTRY, "Pilotage national (DGEFP)"),
    ("candidate", "candidat/", "candidate", "Candidat ou candidate"),
]
HELP_URL_NAMES = {str(role): f"help:{name}" for name, _, role, _ in ROLE_PAGES}

# The phases in the order of a pathway, then its two ends.
PHASES = [*workflow.STEPS, PathwayPhase.COMPLETED, PathwayPhase.ABANDONED]
# A marker no real pathway has: a guard's message that quotes it (a date, a block code) is cut before it.
MARKER_DAY = datetime.date(1900, 1, 1)
MARKER_CODE = "§§"


def help_url_for(user) -> str:
    """The help page of the user's role (the index for a visitor or a role without a page)."""
    return reverse(HELP_URL_NAMES.get(str(getattr(user, "role", "") or ""), "help:index"))


def phase_anchor(phase) -> str:
    return f"phase-{phase}"


# ---- the guards' messages, asked of pathways where nothing is done ----------------------------------


class _Rows:
    """A stand-in for a related manager or queryset: filters keep the same rows."""

    def __init__(self, rows=()):
        self.rows = list(rows)

    def __getattr__(self, name):
        return lambda *args, **kwargs: self

    def exists(self):
        return bool(self.rows)

    def first(self):
        return self.rows[0] if self.rows else None

    def count(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)


class _Blank:
    """A pathway where nothing is done yet: no people, no documents, no opinion, no decision, no contract."""

    candidate_id = employer_id = certification_id = companion_id = jury_session_date = None
    certification = None

    def __init__(self, **values):
        self.__dict__.update(values)

    def __getattr__(self, name):
        # Every relation is empty; a one-to-one not recorded is missing (getattr(..., None) answers None).
        if name in ("support_opinion", "admissibility", "contract"):
            raise AttributeError(name)
        return _Rows()


def _blanks():
    block = _Blank(code=MARKER_CODE, pk=0)
    certification = _Blank(skill_blocks=_Rows([block]))
    past_jury = _Blank(session_date=MARKER_DAY, attempt=1, outcome="")
    return [
        _Blank(),
        # A certification with blocks, none chosen yet.
        _Blank(certification_id=1, certification=certification),
        # Blocks chosen but not covered; a jury already held on the day now set.
        _Blank(
            certification_id=1,
            certification=certification,
            target_blocks=_Rows([block]),
            juries=_Rows([past_jury]),
            jury_session_date=MARKER_DAY,
        ),
    ]


def _general(message: str) -> str:
    """The message without what it quotes of one pathway (a date, block codes)."""
    for marker in (MARKER_CODE, f"{MARKER_DAY:%d/%m/%Y}"):
        if marker in message:
            head = message[: message.index(marker)]
            cut = max(head.rfind(" ("), head.rfind(" : "))
            return (head[:cut] if cut > 0 else head).rstrip(" ,:(") + "."
    return message


def condition_of(guard) -> str | None:
    """The French message of a guard when unmet, without one pathway's details (None if never unmet)."""
    for blank in _blanks():
        try:
            message = guard(blank, "")
        except Exception:  # noqa: BLE001 — a guard reading more than a blank pathway has: try the next one
            continue
        if message:
            return _general(message)
    return None


# ---- the phase table ---------------------------------------------------------------------------------


def _role_labels(roles) -> list[str]:
    return [Role(role).label for role in Role.values if role in roles]


def _move(transition) -> dict:
    conditions = [text for guard in transition.guards if (text := condition_of(guard))]
    return {
        "name": transition.name,
        "label": transition.label,
        "target": PathwayPhase(transition.target).label,
        "target_anchor": phase_anchor(transition.target),
        "roles": _role_labels(transition.roles),
        "role_codes": sorted(str(role) for role in transition.roles),
        "conditions": list(dict.fromkeys(conditions)),
        "records_reason": transition.records_reason,
    }


def phases() -> list[dict]:
    """Each phase, its anchor, the moves out of it (abandon apart: it is possible from every open phase)."""
    rows = []
    abandon = workflow.named("abandon")
    for number, phase in enumerate(PHASES, start=1):
        moves = [
            _move(transition)
            for transition in workflow.TRANSITIONS
            if phase in transition.sources and transition is not abandon
        ]
        rows.append(
            {
                "value": str(phase),
                "label": PathwayPhase(phase).label,
                "anchor": phase_anchor(phase),
                "step": number if phase in workflow.STEPS else None,
                "moves": moves,
                "abandon": _move(abandon) if phase in abandon.sources else None,
            }
        )
    return rows


def moves_of(role) -> list[dict]:
    """The moves a role makes, with the phase each starts from."""
    rows = []
    for phase in phases():
        for move in phase["moves"] + ([phase["abandon"]] if phase["abandon"] else []):
            if str(role) in move["role_codes"] and move["name"] not in {row["name"] for row in rows}:
                rows.append({**move, "from": phase["label"], "from_anchor": phase["anchor"]})
    return rows


# ---- funding caps and contract limits ------------------------------------------------------------------


def caps(day=None) -> dict:
    """The caps of a 12-month contract year under the policy in force (the national default before any)."""
    policy = FundingPolicy.objects.in_force_on(day or timezone.localdate())
    values = (
        {name: getattr(policy, name) for name in DEFAULT_POLICY if name.startswith("cap_")}
        if policy
        else {name: value for name, value in DEFAULT_POLICY.items() if name.startswith("cap_")}
    )
    return {
        "label": policy.label if policy else DEFAULT_POLICY["label"],
        "since": policy.effective_from if policy else DEFAULT_POLICY["effective_from"],
        "total": format_euros(values["cap_total"]),
        "categories": [
            {"label": category.label, "amount": format_euros(values[f"cap_{category}"])} for category in CATEGORIES
        ],
    }


def contract_rules() -> dict:
    start, end = contracts.experiment_window()
    bands = []
    for low, high, age in ((16, 20, 16), (21, 25, 21), (26, None, 26)):
        bands.append(
            {
                "ages": f"{low} à {high} ans" if high else f"{low} ans et plus",
                "below": f"{int(contracts.minimum_salary_rate(age, '') * 100)} %",
                "above": f"{int(contracts.minimum_salary_rate(age, HighestQualification.BAC_PRO_OR_ABOVE) * 100)} %",
            }
        )
    return {
        "window_start": start,
        "window_end": end,
        "max_months": contracts.MAX_MONTHS,
        "min_age": contracts.MIN_AGE,
        "tutor_limit": contracts.TUTOR_LIMIT,
        "tutor_limit_when_employer": contracts.TUTOR_LIMIT_WHEN_EMPLOYER,
        "salary_bands": bands,
        "higher_qualification": HighestQualification.BAC_PRO_OR_ABOVE.label,
    }


def common_context() -> dict:
    return {
        "phases": phases(),
        "caps": caps(),
        "contract": contract_rules(),
        "contact_email": settings.CONTACT_EMAIL,
        "role_pages": [{"url_name": f"help:{name}", "title": title} for name, _, _, title in ROLE_PAGES],
    }
