"""Reads for the portal's pathway pages: each in a fixed number of queries, whatever the page size."""

from collections import defaultdict

from django.db.models import Count, DateField, DateTimeField, Exists, F, Max, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from certifications.models import Certification, Certifier, SkillBlock
from pathways.enums import PathwayPhase, ProjectStatus
from pathways.models import (
    Candidate,
    Employer,
    MessageRead,
    Pathway,
    PathwayAssignment,
    PathwayMessage,
    PathwayNote,
    PathwayTransition,
    Project,
)
from vae_inversee.accounts.models import User
from vae_inversee.lib import policy
from vae_inversee.lib.search import folded_search

HISTORY_LENGTH = 10
# Field changes not worth showing: every save touches them.
HISTORY_HIDDEN_FIELDS = ["updated_at", "phase_changed_at", "target_blocks"]


def pathways_for_list(user):
    """The pathways a user may see, with what the list table shows joined in (no N+1)."""
    return (
        Pathway.objects.visible_to(user)
        .select_related("candidate", "employer__opco", "certification", "companion")
        .order_by("-updated_at", "-id")
    )


def filter_pathways(queryset, *, phase=None, certification=None, employer=None, q=None):
    if phase:
        queryset = queryset.filter(phase=phase)
    if certification:
        queryset = queryset.filter(certification=certification)
    if employer:
        queryset = queryset.filter(employer=employer)
    return queryset.search(q)


def phase_counts(queryset) -> tuple[list[dict], int]:
    """Pathways per phase in ONE `GROUP BY phase` query: ([{"phase", "label", "count"}] in phase order, total).

    A scope that joins (the certifier's, `.distinct()`) counts each pathway once.
    """
    count = Count("pk", distinct=True) if queryset.query.distinct else Count("*")
    per_phase = {row["phase"]: row["n"] for row in queryset.order_by().values("phase").annotate(n=count)}
    rows = [
        {"phase": phase.value, "label": phase.label, "count": per_phase.get(phase.value, 0)} for phase in PathwayPhase
    ]
    return rows, sum(per_phase.values())


def filter_choices(user):
    """The certifications of the user's pathways, and the employers they see, for the list's filters."""
    visible = Pathway.objects.visible_to(user).order_by()
    certifications = Certification.objects.filter(pk__in=visible.values("certification_id")).order_by("code")
    return certifications, Employer.objects.visible_to(user).order_by("name")


def candidates_of(user):
    return (
        Candidate.objects.visible_to(user)
        .annotate(pathway_count=Count("pathways"))
        .order_by("last_name", "first_name", "pk")
    )


def pathways_of_candidate(candidate):
    """The candidate's pathways, newest first, with what the candidate record shows (one query)."""
    return list(candidate.pathways.select_related("certification", "employer").order_by("-created_at", "-id"))


def employers_of(user):
    return (
        Employer.objects.visible_to(user)
        .select_related("opco")
        .annotate(pathway_count=Count("pathways"))
        .order_by("name", "pk")
    )


def companions():
    """Everyone who may be named a pathway's companion, with their organisation (the form's choices)."""
    return (
        User.objects.filter(membership__role__in=policy.roles_for("pathway.accompany"), is_active=True)
        .select_related("membership__organisation")
        .order_by("membership__organisation__name", "last_name", "first_name")
    )


def active_blocks_of(certification):
    return SkillBlock.objects.filter(certification=certification, active=True).order_by("code")


def pathways_for_page(user):
    """The visible pathways with everything their page shows joined in, and their log prefetched."""
    return (
        Pathway.objects.visible_to(user)
        .select_related(
            "project_holder__organisation",
            "project",
            "candidate",
            "employer__opco",
            "certification",
            "companion__membership__organisation",
            "contract",
            "support_opinion__given_by",
            "admissibility__decided_by",
        )
        .prefetch_related(Prefetch("transitions", queryset=PathwayTransition.objects.select_related("by")))
    )


def pathways_for_messages(user):
    """The visible pathways with what the heading of their « Messages » page shows."""
    return Pathway.objects.visible_to(user).select_related("candidate", "certification")


def with_target_block_ids(pathways) -> list:
    """The pathways, each with `target_block_ids`: its targeted blocks' ids in the blocks' order (code).

    One query for the whole page, ids only: a list that shows the ids alone (the API's) builds no block.
    A page of 20 pathways at 100 000: 1.4 ms, where prefetching the blocks took 3.2.
    """
    pathways = list(pathways)
    through = Pathway.target_blocks.through
    by_pathway = defaultdict(list)
    chosen = through.objects.filter(pathway_id__in=[pathway.pk for pathway in pathways])
    for pathway_id, block_id in chosen.order_by("skillblock__code", "skillblock_id").values_list(
        "pathway_id", "skillblock_id"
    ):
        by_pathway[pathway_id].append(block_id)
    for pathway in pathways:
        pathway.target_block_ids = by_pathway[pathway.pk]
    return pathways


def pathway_page_related(pathway):
    """The lists of the pathway page: targeted blocks, documents (one query each), the prefetched log."""
    return {
        "target_blocks": list(pathway.target_blocks.order_by("code")),
        "documents": list(pathway.documents.select_related("uploaded_by", "withdrawn_by")),
        "transitions": list(pathway.transitions.all()),
    }


def pathway_field_changes(pathway) -> list[dict]:
    """The last field changes (django-simple-history), each diffed against the record before it.

    One query: HISTORY_LENGTH + 1 records, the extra one only serving as the base of the last diff.
    """
    records = list(
        pathway.history.select_related("history_user").order_by("-history_date", "-history_id")[: HISTORY_LENGTH + 1]
    )
    changes = []
    for index, record in enumerate(records[:HISTORY_LENGTH]):
        previous = records[index + 1] if index + 1 < len(records) else None
        fields = []
        if previous is not None and record.history_type == "~":
            # Compared by hand: simple-history's diff_against skips non-editable fields such as the phase.
            fields = [
                _describe_change(field, getattr(previous, field.attname), getattr(record, field.attname))
                for field in record.tracked_fields
                if field.name not in HISTORY_HIDDEN_FIELDS
                and getattr(record, field.attname) != getattr(previous, field.attname)
            ]
        if record.history_type == "~" and previous is not None and not fields:
            continue  # nothing shown changed (a save that only touched hidden fields)
        changes.append({"record": record, "fields": fields})
    return changes


def _describe_change(field, old, new) -> str:
    """ "phase : Accompagnement → Recevabilité" for choices and dates; the field's name otherwise."""
    name = str(field.verbose_name)
    if field.choices:
        labels = dict(field.flatchoices)
        return f"{name} : {labels.get(old, old or '—')} → {labels.get(new, new or '—')}"
    if isinstance(field, DateField) and not isinstance(field, DateTimeField):
        return f"{name} : {f'{new:%d/%m/%Y}' if new else '—'}"
    return name


def certifier_queues(user):
    """The certifier's two queues: admissibility decisions, then juries (dates and closing)."""
    visible = Pathway.objects.visible_to(user).select_related(
        "candidate", "employer", "certification", "admissibility", "assignee"
    )
    # Files still waiting for a decision first, oldest first.
    admissibility = visible.filter(phase=PathwayPhase.ADMISSIBILITY).order_by(
        F("admissibility__decided_at").asc(nulls_first=True), "phase_changed_at", "pk"
    )
    # Juries to close (evaluation) first, then juries without a date, then by date.
    jury = visible.filter(phase__in=[PathwayPhase.DELIVERY, PathwayPhase.EVALUATION]).order_by(
        "-phase", F("jury_session_date").asc(nulls_first=True), "phase_changed_at", "pk"
    )
    return admissibility, jury


# ---- who is concerned by a pathway (notifications and reminders) -------------------------------------


def people_concerned(pathways, *, project_holder=True, companion=True, opco=False, certifier=False):
    """{pathway id: ids of the active users concerned}, in four queries whatever the number of pathways.

    Concerned: the project holder's staff, the companion, the staff of the employer's OPCO and of the
    certifiers of the targeted certification, as asked.
    """
    rows = list(pathways.values("pk", "project_holder_id", "companion_id", "employer__opco_id", "certification_id"))
    certifier_orgs = defaultdict(set)
    if certifier:
        links = Certifier.objects.filter(
            certifications__in={row["certification_id"] for row in rows}, organisation__isnull=False
        ).values_list("certifications", "organisation_id")
        for certification_id, organisation_id in links:
            certifier_orgs[certification_id].add(organisation_id)
    organisations_of = {}
    for row in rows:
        organisations = set(certifier_orgs[row["certification_id"]])
        if project_holder:
            organisations.add(row["project_holder_id"])
        if opco:
            organisations.add(row["employer__opco_id"])
        organisations_of[row["pk"]] = organisations
    staff = defaultdict(set)
    wanted = set().union(*organisations_of.values()) if organisations_of else set()
    for user_id, organisation_id in User.objects.filter(
        is_active=True, membership__organisation_id__in=wanted
    ).values_list("pk", "membership__organisation_id"):
        staff[organisation_id].add(user_id)
    companions = set()
    if companion:
        companion_ids = {row["companion_id"] for row in rows if row["companion_id"]}
        companions = set(User.objects.filter(is_active=True, pk__in=companion_ids).values_list("pk", flat=True))
    concerned = {}
    for row in rows:
        people = set().union(*(staff[organisation] for organisation in organisations_of[row["pk"]]))
        if row["companion_id"] in companions:
            people.add(row["companion_id"])
        concerned[row["pk"]] = people
    return concerned


def pathway_people(pathway, *, excluding=None, **kinds) -> list:
    """The active users concerned by one pathway (see people_concerned), but `excluding` (who acted)."""
    ids = people_concerned(Pathway.objects.filter(pk=pathway.pk), **kinds).get(pathway.pk, set())
    ids.discard(getattr(excluding, "pk", None))
    return list(User.objects.filter(pk__in=ids))


def ceiling_subquery(holder_ref="pk"):
    """A project holder's ceiling in a query: the sum of its accepted projects' grants (0 without any)."""
    grants = (
        Project.objects.filter(project_holder=OuterRef(holder_ref), status=ProjectStatus.ACCEPTED)
        .order_by()
        .values("project_holder")
        .annotate(total=Sum("granted_pathways"))
        .values("total")
    )
    return Coalesce(Subquery(grants), 0)


# ---- projects ---------------------------------------------------------------------------------------------


def projects_for_list(user):
    """The projects a user sees, with the pathways each opened (one query for the page)."""
    return (
        Project.objects.visible_to(user)
        .select_related("project_holder__organisation")
        .annotate(opened=Count("pathways"))
        .order_by("-created_at", "-id")
    )


def filter_projects(queryset, *, status=None, region=None, q=None):
    if status:
        queryset = queryset.filter(status=status)
    if region:
        # JSON containment is not on SQLite: the code is matched quoted inside the stored list.
        queryset = queryset.filter(regions__icontains=f'"{region}"')
    if q and q.strip():
        q = q.strip()
        # Accents and case ignored, every word somewhere (vae_inversee.lib.search).
        queryset = queryset.filter(folded_search(["reference", "title", "project_holder__organisation__name"], q))
    return queryset


def project_queue(user):
    """The Ministry's queue: what awaits a decision first (complete, by deadline), then the rest."""
    return projects_for_list(user).order_by("status", "complete_at", "submitted_at", "id")


def project_page(user):
    return Project.objects.visible_to(user).select_related("project_holder__organisation", "decided_by")


def project_page_related(project) -> dict:
    return {
        "partners": list(project.partners.all()),
        "certifications": list(project.certifications.order_by("code")),
        "documents": list(project.documents.select_related("uploaded_by")),
        "timeline": list(project.transitions.select_related("by")),
        "opened": project.pathways.count(),
    }


def accepted_projects_with_room(project_holder):
    """The holder's accepted projects, each with `opened`; for the pathway form's choice."""
    return (
        Project.objects.accepted()
        .filter(project_holder=project_holder)
        .annotate(opened=Count("pathways"))
        .order_by("pk")
    )


# ---- working together (product.md section 13) ---------------------------------------------------------


def thread_of(pathway, user):
    """The pathway's messages, oldest first, with their authors (the user sees the pathway)."""
    return (
        PathwayMessage.objects.visible_to(user)
        .filter(pathway=pathway)
        .select_related("author", "organisation")
        .order_by("created_at", "id")
    )


def notes_of(pathway, user):
    """The internal notes of the user's organisation on the pathway."""
    return (
        PathwayNote.objects.visible_to(user)
        .filter(pathway=pathway)
        .select_related("author")
        .order_by("created_at", "id")
    )


def assignments_of(pathway):
    return PathwayAssignment.objects.filter(pathway=pathway).select_related("assignee", "previous", "by")


def _read_by(user):
    """Whether the user has read the message of the outer query (their thread's read marker is later)."""
    return Exists(
        MessageRead.objects.filter(pathway=OuterRef("pathway"), user=user, read_at__gte=OuterRef("created_at"))
    )


def unread_messages(user):
    """The messages of others the user has not read yet, on the pathways the user sees."""
    if not user.is_authenticated:
        return PathwayMessage.objects.none()
    return PathwayMessage.objects.visible_to(user).exclude(author=user).filter(~_read_by(user))


def thread_counts(pathway, user) -> dict:
    """{"count", "unread"}: the pathway's messages and, of them, the others' the user has not read yet.

    For the « Messages » tab of the pathway's file page (one query: that page does not read the thread).
    The pathway was fetched within `visible_to(user)`, so its whole thread is the user's to read.
    """
    return (
        PathwayMessage.objects.filter(pathway=pathway)
        .annotate(read=_read_by(user))
        .aggregate(count=Count("id"), unread=Count("id", filter=Q(read=False) & ~Q(author=user)))
    )


# The header counts the unread messages up to this: past it, "99+" (the Ministry, who sees every thread, has
# hundreds of thousands; counting them all cost ~50 ms at 100 000 pathways and ~0.5 s at 1 000 000 on the
# first page after each write, where counting stops at the hundredth).
UNREAD_SHOWN = 99


def unread_count(user) -> int:
    """The user's unread messages, counted up to `UNREAD_SHOWN + 1` (more than `UNREAD_SHOWN` unread)."""
    return unread_messages(user).order_by()[: UNREAD_SHOWN + 1].count()


def last_read_at(user):
    """When the user last marked a thread read (None: never): with the data version, what the unread count reads."""
    if not user.is_authenticated:
        return None
    return MessageRead.objects.filter(user=user).aggregate(last=Max("read_at"))["last"]


def with_unread(queryset, user, pathway="pk"):
    """The rows annotated with `unread`: the messages of others in their pathway's thread the user has not read.

    One correlated subquery in the list's own query (no query per row); `pathway` names the row's pathway
    (`pk` for pathways, `pathway` for funding files).
    """
    unread = (
        PathwayMessage.objects.filter(pathway=OuterRef(pathway))
        .exclude(author=user)
        .filter(~_read_by(user))
        .values("pathway")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(unread=Coalesce(Subquery(unread), 0))


def threads_of(user):
    """The pathways the user sees that have messages, latest message first, with their unread count."""
    return (
        with_unread(
            Pathway.objects.visible_to(user)
            .filter(messages__isnull=False)
            .annotate(last_message_at=Max("messages__created_at"), messages_count=Count("messages", distinct=True)),
            user,
        )
        .select_related("candidate", "certification")
        .order_by("-last_message_at", "-pk")
    )


ASSIGNEE_CHOICES = [("", "Tous"), ("me", "Assignés à moi"), ("none", "Non assignés")]


def filter_assignee(queryset, assignee, user):
    """The queues' « assigned to me » (`me`) and « unassigned » (`none`) filters, on any model with `assignee`."""
    if assignee == "me":
        return queryset.filter(assignee=user)
    if assignee == "none":
        return queryset.filter(assignee__isnull=True)
    return queryset


# ---- the candidate's own page (« Mon parcours ») -----------------------------------------------------------


def candidate_pathways(user):
    """The pathways of the candidate logged in (their scope), the latest first, with what their page shows."""
    return (
        Pathway.objects.visible_to(user)
        .select_related("candidate", "certification", "employer", "project_holder__organisation", "companion")
        .order_by("-created_at", "-pk")
    )


def candidate_plan(pathway) -> list:
    """The plan's actions of the candidate's pathway, in date order, with the blocks they cover."""
    return list(pathway.plan_actions.prefetch_related("skill_blocks").order_by("start_date", "pk"))


def candidate_documents(pathway):
    """The pieces in force of the candidate's pathway (their own file), the latest first."""
    return pathway.documents.current().order_by("-uploaded_at", "-pk")
