"""Reference data shipped with the platform: the 11 OPCOs, IDCC → OPCO, collective agreements.

The CSV files in data/ are copies of the public lists (see docs/data.md). Loading is idempotent:
it creates what is missing, updates what changed and reports both; the data migration and the
`load_reference_data` command share it.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from vae_inversee.accounts.enums import OrganisationKind
from vae_inversee.lib.identifiers import normalize_idcc

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)

    def count(self, bucket, name):
        target = self.created if bucket == "created" else self.updated
        target[name] = target.get(name, 0) + 1

    def lines(self):
        names = sorted(set(self.created) | set(self.updated))
        return [
            f"{name} : {self.created.get(name, 0)} créé(s), {self.updated.get(name, 0)} mis à jour" for name in names
        ]


def _read_csv(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(model, lookup, values, report, name):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.count("created", name)
        return obj
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=changed)
        report.count("updated", name)
    return obj


def load_reference_data(Organisation, IdccOpco, CollectiveAgreement) -> LoadReport:
    """Takes the model classes so that a data migration can pass its historical models."""
    report = LoadReport()
    opcos = {}
    for row in _read_csv("opcos.csv"):
        opcos[row["code"]] = _upsert(
            Organisation,
            {"kind": OrganisationKind.OPCO, "code": row["code"]},
            {"name": row["name"], "scope": row["scope"]},
            report,
            "OPCO",
        )
    for row in _read_csv("idcc_opco.csv"):
        _upsert(IdccOpco, {"idcc": normalize_idcc(row["idcc"])}, {"opco": opcos[row["opco"]]}, report, "IDCC → OPCO")
    for row in _read_csv("conventions_collectives.csv"):
        _upsert(
            CollectiveAgreement,
            {"idcc": normalize_idcc(row["idcc"])},
            {"label": row["label"].strip()},
            report,
            "Conventions collectives",
        )
    return report
