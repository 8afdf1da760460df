"""The shape of the code, enforced (docs/architecture.md): layers, templates, one rule in one place."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ["vae_inversee", "certifications", "pathways", "funding", "evaluation"]
# Where the rules are stated: who may do what (policy), who sees what (scopes), the phase graph and
# the guards other apps add to it (workflow).
RULE_MODULES = {"policy.py", "scopes.py", "workflow.py", "projects_workflow.py"}


def product_files():
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_import_contracts_hold():
    """import-linter's contracts of pyproject.toml: the layers, the domain without HTTP, no task ↔ service loop."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


# ---- no role, phase or status comparison outside the rule modules -------------------------------------

COMPARISONS = [
    # user.role == ..., role in (...), Role.X == ...
    re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)"),
    re.compile(r"\brole\s*(==|!=)"),
    re.compile(r"(==|!=)\s*Role\.[A-Z]"),
    re.compile(r"\bRole\.[A-Z_]+\s*(==|!=)"),
    # pathway.phase in OPEN_PHASES, phase != PathwayPhase.X, to == PathwayPhase.ABANDONED
    re.compile(r"\.phase\s*(==|!=|\bin\b|\bnot in\b)"),
    re.compile(r"(==|!=)\s*PathwayPhase\.[A-Z]"),
    re.compile(r"\bphase\s*(==|!=)"),
    # funding_file.status == FundingStatus.X, status not in EDITABLE_STATUSES
    re.compile(r"\.status\s*(==|!=|\bin\b|\bnot in\b)"),
    re.compile(r"(==|!=)\s*FundingStatus\.[A-Z]"),
]


def test_no_role_phase_or_status_comparison_outside_the_rule_modules():
    found = []
    for path in product_files():
        if path.name in RULE_MODULES:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            if any(pattern.search(code) for pattern in COMPARISONS):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "Ask the policy or the workflow instead:\n" + "\n".join(found)


def test_no_template_compares_the_role_or_the_phase():
    pattern = re.compile(r"\b(user\.role|\.phase)\s*(==|!=)|\b(user\.role|\.phase)\s+(not\s+)?in\b")
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "templates").rglob("*.*")
        for match in pattern.finditer(path.read_text())
    ]
    assert not found, "Ask the policy ({% can %}) or pass what the page builder computed:\n" + "\n".join(found)


# ---- imports at the top --------------------------------------------------------------------------------

# The one inline import kept, and why: WeasyPrint costs ~0.5 s to import and only PDF paths need it.
INLINE_IMPORTS_ALLOWED = {("vae_inversee/lib/pdf.py", "_weasyprint")}


def test_imports_are_at_the_top_of_modules():
    """No import hidden inside a function (they hid import loops), but AppConfig.ready() and the one documented."""
    found = []
    for path in product_files():
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            relative = str(path.relative_to(ROOT))
            if function.name == "ready" and path.name == "apps.py":
                continue
            if (relative, function.name) in INLINE_IMPORTS_ALLOWED:
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found.append(f"{relative}:{node.lineno} in {function.name}()")
    assert not found, "\n".join(found)


# ---- templates follow the same layers -------------------------------------------------------------------

# A template may extend or include templates of its own layer or below, never above. `pages/` composes
# the pages where several apps meet (the pathway page, the candidate record).
TEMPLATE_LAYERS = {
    "": 0, "includes": 0, "emails": 0, "django": 0, "dsfr": 0,
    "accounts": 1, "notifications": 1, "webhooks": 1,
    "certifications": 2,
    "pathways": 3,
    "funding": 4,
    "evaluation": 5,
    "pages": 6,
}  # fmt: skip
# The tag libraries a template may load: Django's and the DSFR's (|euros and {% can %} are built in).
ALLOWED_LIBRARIES = {"static", "dsfr_tags", "widget_tweaks", "l10n", "i18n", "humanize", "tz"}
REFERENCE = re.compile(r"\{%\s*(extends|include)\s+[\"']([^\"']+)[\"']")
LOAD = re.compile(r"\{%\s*load\s+([^%]+?)\s*%\}")


def layer_of(name: str) -> int:
    area = name.split("/", 1)[0] if "/" in name else ""
    return TEMPLATE_LAYERS[area]


@pytest.mark.parametrize(
    "path", sorted((ROOT / "templates").rglob("*.*")), ids=lambda path: str(path.relative_to(ROOT / "templates"))
)
def test_templates_use_nothing_above_their_layer(path):
    name = str(path.relative_to(ROOT / "templates"))
    text = path.read_text()
    above = [target for _, target in REFERENCE.findall(text) if layer_of(target) > layer_of(name)]
    assert not above, f"{name} uses templates of a higher layer: {above}"
    libraries = {library for group in LOAD.findall(text) for library in group.split()}
    assert libraries <= ALLOWED_LIBRARIES, f"{name} loads {libraries - ALLOWED_LIBRARIES}"


def test_the_pathway_page_is_composed_above_the_apps():
    """Funding and evaluation sections are included by the page of `pages/`, not by pathways' templates."""
    page = (ROOT / "templates" / "pages" / "pathway.html").read_text()
    for partial in ("funding/_pathway_funding.html", "evaluation/_progress.html", "evaluation/_jury.html"):
        assert partial in page
