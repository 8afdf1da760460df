"""Processor time by process of the bench (Linux /proc): gunicorn's workers, PostgreSQL's backends, the
Celery worker and the load process itself. No import beyond the standard library (tests/bench read it)."""

import os

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PROCESS_GROUPS = (("gunicorn", "gunicorn"), ("celery", "celery"), ("postgres:", "postgresql"))


def processor_times() -> dict:
    """{pid: (group, seconds of processor time)} of the bench's processes (empty where /proc is not)."""
    times, me = {}, os.getpid()
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        group = "load" if int(pid) == me else next((g for key, g in PROCESS_GROUPS if key in command), None)
        if group:
            times[int(pid)] = (group, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return times


def processor_ms_per_request(before: dict, after: dict, requests: int) -> dict:
    """Processor time used between two readings, per group, per request (a process ended meanwhile: lost)."""
    used = {}
    for pid, (group, seconds) in after.items():
        used[group] = used.get(group, 0.0) + seconds - before.get(pid, (group, 0.0))[1]
    return {group: round(1000 * seconds / requests, 1) for group, seconds in sorted(used.items())} if requests else {}
