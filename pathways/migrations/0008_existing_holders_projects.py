"""Each existing project holder gets one accepted project carrying the ceiling typed on it until now, and
its pathways are attached to that project (product.md section 10: the ceiling is the sum of the grants)."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    ProjectHolder = apps.get_model("pathways", "ProjectHolder")
    Project = apps.get_model("pathways", "Project")
    Pathway = apps.get_model("pathways", "Pathway")
    now = timezone.now()
    for holder in ProjectHolder.objects.select_related("organisation").order_by("pk"):
        opened = Pathway.objects.filter(project_holder=holder).count()
        granted = max(holder.pathway_ceiling, opened, 1)
        project = Project.objects.create(
            project_holder=holder,
            title=f"Projet lauréat — {holder.organisation.name}",
            summary="Projet repris de l'avis d'acceptation enregistré avant les candidatures en ligne.",
            regions=[],
            requested_pathways=granted,
            granted_pathways=granted,
            status="accepted",
            decided_at=now,
            decision_reason=f"Avis de la DGEFP (référence lauréat {holder.laureate_reference}).",
        )
        project.reference = f"PRJ-{now:%Y}-{project.pk:04d}"
        project.save(update_fields=["reference"])
        certifications = set(Pathway.objects.filter(project_holder=holder).values_list("certification_id", flat=True))
        project.certifications.set(certifications)
        Pathway.objects.filter(project_holder=holder).update(project=project)


def backwards(apps, schema_editor):
    Pathway = apps.get_model("pathways", "Pathway")
    Pathway.objects.update(project=None)


class Migration(migrations.Migration):
    dependencies = [("pathways", "0007_projects")]

    operations = [migrations.RunPython(forwards, backwards)]
