"""The bench's report: bench/results/<date>-<size>[-label].md and .json, from bench/run.py's measures."""

import ctypes.util
import datetime as dt
import json
import os
import platform
import subprocess

# (op name substring, kind of target) → p95 limit in ms at 100 000 and at 1 000 000 (issue 16 "Targets").
P95_TARGETS = {"list": (50, 100), "detail": (50, 100), "indicators": (None, 100), "write": (100, 100),
               "pdf": (150, 150)}  # fmt: skip
FLOOR_RATIO = {"API liste": 0.5, "API détail": 0.7}


def font_subsetting() -> str:
    """Who subsets the PDFs' fonts: HarfBuzz (libharfbuzz-subset0), or WeasyPrint's slow fallback."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return "HarfBuzz"
    return "fontTools (libharfbuzz-subset0 absent : rendu des PDF 4 à 5 fois plus lent)"


def machine():
    try:
        pg, autovacuum = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-At", "-c", "SHOW server_version", "-c", "SHOW autovacuum"],
            capture_output=True, text=True, timeout=10,
        ).stdout.split("\n")[:2]  # fmt: skip
    except (OSError, subprocess.SubprocessError, ValueError):
        pg, autovacuum = "?", "?"
    return {"nproc": os.cpu_count(), "python": platform.python_version(), "postgresql": pg, "autovacuum": autovacuum,
            "kernel": platform.release(), "load_average": os.getloadavg(), "font_subsetting": font_subsetting()}  # fmt: skip


def assemble(plan, load):
    """Each op with the ceiling and floor measured just before it."""
    by_name = {}
    rows = []
    pending = {}
    for spec, result in zip(plan["operations"], load, strict=True):
        if spec.get("ref"):
            pending[spec["ref"]] = result
            continue
        row = {**result, "kind": spec["kind"], "ceiling": pending.get("ceiling"), "floor": pending.get("floor")}
        for ref in ("ceiling", "floor"):
            reference = row[ref]
            row[f"ratio_{ref}"] = round(row["rps"] / reference["rps"], 3) if reference and reference["rps"] else None
        pending = {}
        rows.append(row)
        by_name[row["name"]] = row
    return rows


def verdict(row, pathways):
    """("atteint" | "manqué" | "—", each rule of the op with its own outcome): a row missing one rule says
    which, and by how much."""
    limit = P95_TARGETS.get(row["kind"], (None, None))[0 if pathways <= 100000 else 1]
    if row["kind"] == "indicators" and limit is None:
        return "—", "cible à 1 000 000 (p95 < 100 ms)"
    rules = []  # (met, text)
    if limit is not None and row["p95"] is not None:
        rules.append((row["p95"] < limit, f"p95 < {limit} ms"))
    if row["kind"] == "write" and row["errors"]:
        rules.append((False, "0 erreur"))
    for prefix, ratio in FLOOR_RATIO.items():
        if row["name"].startswith(prefix) and row["ratio_floor"] is not None:
            rules.append((row["ratio_floor"] >= ratio, f"≥ {ratio}× plancher ({row['ratio_floor']}×)"))
    if not rules:
        return "—", ""
    met = all(ok for ok, _ in rules)
    if len(rules) == 1:
        return ("atteint" if met else "manqué"), rules[0][1]
    return ("atteint" if met else "manqué"), "— " + " ; ".join(
        f"{text} : {'atteint' if ok else 'manqué'}" for ok, text in rules
    )


def processor(row) -> str:
    """The processor time per request by process (bench/load.py), where it was read."""
    cpu = row.get("cpu_ms_per_request") or {}
    if not cpu:
        return "—"
    return " / ".join(str(cpu.get(group, 0)) for group in ("gunicorn", "postgresql", "celery", "load"))


def clients(row) -> str:
    """The op's clients, and those writing at the same time (`background`) with what they wrote."""
    behind = row.get("background")
    if not behind:
        return str(row["users"])
    return f"{row['users']} (+ {behind['users']} écrivant : {behind['requests']} changements de phase, {behind['errors']} erreurs)"


def write_report(
    *, results, pathways, label, seconds, seed, plan, load, explain, pdf_render_ms, rncp, command,
    indicators_recompute_ms=None,
):  # fmt: skip
    results.mkdir(parents=True, exist_ok=True)
    day = dt.date.today().isoformat()
    stem = f"{day}-{pathways}" + (f"-{label}" if label else "")
    rows = assemble(plan, load)
    for row in rows:
        row["target"], row["target_rule"] = verdict(row, pathways)
    facts = machine()
    data = {"date": day, "pathways": pathways, "label": label, "seconds_per_op": seconds, "command": command,
            "seed_seconds": seed.get("seconds"), "seeded_at": seed.get("at"), "machine": facts, "operations": rows,
            "pdf_render_ms": pdf_render_ms, "indicators_recompute_ms": indicators_recompute_ms, "rncp_import": rncp,
            "explain": explain}  # fmt: skip
    json_path = results / f"{stem}.json"
    json_path.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    lines = [
        f"# Banc VAE inversée — {pathways:,} parcours{' (' + label + ')' if label else ''} — {day}".replace(",", " "),
        "",
        f"Commande : `make bench PATHWAYS={pathways}` → `{command}` ({seconds:g} s par mesure ; références et "
        "opération entrelacées : plafond statique de même taille, plancher `/api/v1/me/`, puis l'opération).",
        f"Machine : {facts['nproc']} cœurs, PostgreSQL {facts['postgresql']}, Python {facts['python']}, noyau "
        f"{facts['kernel']}, charge moyenne {', '.join(f'{x:.1f}' for x in facts['load_average'])} (machine partagée), "
        f"polices des PDF réduites par {facts['font_subsetting']}.",
        "Serveur : gunicorn 2 workers sync, `DJANGO_ENV=production`, `CONN_MAX_AGE=60`, Redis + 1 worker Celery "
        "(`nice -n 10`), PostgreSQL `random_page_cost = 1.1` (celui de docker-compose), "
        f"`VACUUM (ANALYZE)` avant la mesure (autovacuum du serveur : {facts.get('autovacuum', '?')}), "
        "derrière un proxy TLS simulé (`X-Forwarded-Proto: https`). Charge : locust (second processus), 2 clients "
        "pour les lectures, 8 pour les écritures.",
        f"Seed : {seed.get('seconds')} s pour {pathways} parcours (`bench/seed_large.py`, semé le {seed.get('at')}).",
        "",
        "| opération | clients | p50 ms | p95 ms | p99 ms | req/s | erreurs | octets | × plafond statique | "
        "× plancher | plancher req/s | processeur ms/req : web / PostgreSQL / worker / charge | cible |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        floor = row["floor"] or {}
        lines.append(
            f"| {row['name']} | {clients(row)} | {row['p50']} | {row['p95']} | {row['p99']} | {row['rps']} | "
            f"{row['errors']}/{row['requests']} | {row['bytes']} | {row['ratio_ceiling']} | {row['ratio_floor']} | "
            f"{floor.get('rps')} (p50 {floor.get('p50')}) | {processor(row)} | {row['target']} {row['target_rule']} |"
        )
    lines += ["", f"Rendu du PDF d'accord (in-process, médiane de 5) : {pdf_render_ms} ms (cible < 150 ms)."]
    if indicators_recompute_ms is not None:
        lines.append(
            f"Indicateurs du Ministère recalculés depuis les données, comme à la première lecture après une écriture "
            f"(`evaluation.indicators.compute_from_scratch`, in-process, médiane de 3) : {indicators_recompute_ms} ms "
            "(cible < 100 ms : les lectures suivantes de la même version des données sont celles mesurées en charge)."
        )
    if rncp:
        lines.append(f"Import RNCP d'un export généré de 10 000 fiches (`manage.py import_rncp`) : "
                     f"{rncp.get('seconds')} s, code {rncp.get('returncode')}.")  # fmt: skip
    errors = [row for row in rows if row["error_samples"]]
    if errors:
        lines += ["", "## Erreurs", ""]
        for row in errors:
            for sample in row["error_samples"]:
                lines.append(f"- {row['name']} : `{sample['path']}` → {sample['status']} : "
                             f"`{sample['body'][:200].replace('`', '')!s}`")  # fmt: skip
    lines += ["", "## EXPLAIN ANALYZE", "", "Les deux requêtes les plus lentes de chaque vue, capturées en "
              "processus (`CaptureQueriesContext`) en tant que l'utilisateur indiqué.", ""]  # fmt: skip
    for case in explain:
        lines += [f"### {case['label']} — `{case['url']}` ({case['user']})", "",
                  f"HTTP {case['status']}, {case['queries']} requêtes, {case['ms']} ms en processus.", ""]  # fmt: skip
        for plan_row in case["plans"]:
            lines += [f"Requête ({plan_row['ms']} ms) :", "", "```sql", plan_row["sql"], "```", "", "```",
                      plan_row["plan"], "```", ""]  # fmt: skip
    md_path = results / f"{stem}.md"
    md_path.write_text("\n".join(lines) + "\n")
    return [md_path, json_path]
