"""Time the indicators per filter: before (the code before issue 16, given as a file), from scratch, kept.

DATABASE_URL=... .venv/bin/python docs/perf_indicators.py [/path/to/old_indicators.py]
"""

import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vae_inversee.settings")
import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from evaluation import indicators  # noqa: E402
from evaluation.filters import IndicatorFilter  # noqa: E402
from pathways.models import Pathway  # noqa: E402
from vae_inversee.accounts.models import User  # noqa: E402

old = None
if len(sys.argv) > 1:
    spec = importlib.util.spec_from_file_location("old_indicators", sys.argv[1])
    old = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(old)

ministry = User.objects.get(email="ministere@demo.vae")
# A pathway whose holder has a region (an empty filter value is a 400 in the API).
sample = (
    Pathway.objects.select_related("project_holder__organisation", "employer__opco", "certification")
    .exclude(project_holder__organisation__region="")
    .order_by("pk")
    .first()
)
CASES = {
    "none": {},
    "period": {"created_from": "2020-01-01", "created_to": "2030-12-31"},
    "region": {"region": sample.project_holder.organisation.region},
    "opco": {"opco": sample.employer.opco.code},
    "holder": {"project_holder": str(sample.project_holder_id)},
    "project": {"project": str(sample.project_id)} if sample.project_id else {},
    "level": {"level": str(sample.certification.level or "none")},
}


def timed(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def filt(data):
    f = IndicatorFilter(data, user=ministry)
    assert f.is_valid(), f.errors
    return f if data else None


print(f"pathways: {Pathway.objects.count()}")
print("| filter | before (ms) | from scratch (ms) | kept compute p50/max (ms) | JSON kept p50/max (ms) | equal |")
print("|---|---|---|---|---|---|")
client = Client()
client.force_login(ministry)
for name, data in CASES.items():
    # Both from the data: `compute` of either module would read the same kept figures from the cache.
    before = timed(lambda data=data: old.compute_from_scratch(ministry, filt(data)), 1)[0] if old else None
    scratch = timed(lambda data=data: indicators.compute_from_scratch(ministry, filt(data)), 1)[0]
    indicators.compute(ministry, filt(data))  # keep it
    kept = timed(lambda data=data: indicators.compute(ministry, filt(data)), 20)
    query = "&".join(f"{k}={v}" for k, v in data.items())
    response = client.get(f"/api/v1/indicators/?{query}")
    assert response.status_code == 200, (name, response.status_code, response.content[:300])
    json_t = timed(lambda query=query: client.get(f"/api/v1/indicators/?{query}"), 20)
    same = None
    if old:
        a = {
            k: v
            for k, v in old.compute_from_scratch(ministry, filt(data)).items()
            if k not in ("generated_at", "computed_at")
        }
        b = {
            k: v
            for k, v in indicators.compute_from_scratch(ministry, filt(data)).items()
            if k not in ("generated_at", "computed_at")
        }
        same = a == b
    print(
        f"| {name} | {before and round(before)} | {round(scratch)} | {kept[0]:.1f}/{kept[1]:.1f} "
        f"| {json_t[0]:.1f}/{json_t[1]:.1f} | {same} |"
    )
