"""The load process of the bench (a second process, started by bench/run.py): locust as a library.

    python bench/load.py plan.json results.json

The plan lists operations `{name, users, seconds, requests: [{method, path, headers, body?, files?}]}`;
each user loops over the op's requests (writes: each request once, from a pool of distinct targets)
for a fixed time. Every response is timed (an event listener: exact percentiles, not locust's buckets);
a status outside 2xx is an error, with the first bodies kept. Loopback only.

Each op also gives the processor time it cost per request, by process (`cpu_ms_per_request`: gunicorn's
workers, PostgreSQL's backends, the Celery worker, this load process; from /proc, Linux only), counted
until the background work it queued is done (the broker's queue empty, the worker idle): on a machine of
2 cores, the throughput of a write is at most 2 000 ms / the sum of these.
"""

import json
import sys
import time
import urllib.parse

import gevent
from locust import HttpUser, constant, events, task  # noqa: F401
from locust.env import Environment
from processor import processor_ms_per_request, processor_times  # bench/processor.py

MIN_REQUESTS, MAX_SECONDS = 5, 90


def wait_background(broker):
    """Until the Celery queue is empty and the worker has had time to finish what it took (at most 120 s)."""
    if not broker:
        return
    import redis

    connection, limit = redis.Redis.from_url(broker), time.monotonic() + 120
    while time.monotonic() < limit and connection.llen("celery"):
        gevent.sleep(0.2)
    gevent.sleep(0.5)


def wait_idle(base, headers, probe):
    """Requests cut at the end of an op still run in gunicorn's workers: wait until both answer fast
    (two concurrent cheap requests under 100 ms), so the next measure starts on an idle server. `probe`:
    the floor's request (`/api/v1/me/` with a token, so the server logs no refused request)."""
    import requests

    headers = {**headers, **probe["headers"]}
    session = requests.Session()
    limit = time.monotonic() + 120
    while time.monotonic() < limit:
        jobs = [gevent.spawn(session.get, base + probe["path"], headers=headers, timeout=120) for _ in range(2)]
        started = time.monotonic()
        gevent.joinall(jobs)
        if time.monotonic() - started < 0.1:
            return
        gevent.sleep(0.2)


def user_class(base, name, requests, pooled, users, common_headers, samples):
    """A locust user looping over `requests` (`pooled`: each once, from a shared pool), `users` of them."""
    pool = {"next": 0, "size": len(requests)}

    class OperationUser(HttpUser):
        host = base
        wait_time = constant(0)
        fixed_count = users

        @task
        def call(self):
            if pooled:
                index = pool["next"]
                if index >= len(requests):
                    gevent.sleep(0.05)  # the pool is used up: the op ends (main loop)
                    return
                pool["next"] += 1
            else:
                index = pool["next"] % len(requests)
                pool["next"] += 1
            spec = requests[index]
            files = None
            if spec.get("files"):
                files = {name: (filename, content.encode("latin-1"), ctype)
                         for name, (filename, content, ctype) in spec["files"].items()}  # fmt: skip
            kwargs = {"headers": {**common_headers, **spec.get("headers", {})}, "name": name, "catch_response": True,
                      "allow_redirects": False}  # fmt: skip
            if spec.get("json") is not None:
                kwargs["json"] = spec["json"]
            if spec.get("data") is not None:
                kwargs["data"] = spec["data"]
            if files:
                kwargs["files"] = files
            with self.client.request(spec["method"], spec["path"], **kwargs) as response:
                if not 200 <= response.status_code < 300:  # a redirect is an error too
                    response.failure(f"HTTP {response.status_code}")
                    if len(samples) < 3:
                        samples.append({"path": spec["path"], "status": response.status_code,
                                        "body": (response.text or "")[:300]})  # fmt: skip
                else:
                    response.success()

    OperationUser.__name__ = f"User{abs(hash(name))}"
    return OperationUser, pool


def run_operation(base, operation, common_headers, broker, idle):
    """One op's measure. `operation["background"]` (optional: `{users, requests, pool}`): other requests sent
    at the same time by other users (writes under the op's reads), counted apart: only the op's own requests
    are timed; the background's count and errors are reported with them."""
    timings, errors, samples, sizes = [], 0, [], []
    main, pool = user_class(base, operation["name"], list(operation["requests"]), operation.get("pool"),
                            operation["users"], common_headers, samples)  # fmt: skip
    classes, background = [main], operation.get("background")
    behind = {"requests": 0, "errors": 0}
    if background:
        behind_class, _ = user_class(base, operation["name"] + " (fond)", list(background["requests"]),
                                     background.get("pool"), background["users"], common_headers, samples)  # fmt: skip
        classes.append(behind_class)
    env = Environment(user_classes=classes, events=events)

    def on_request(request_type, name, response_time, response_length, exception=None, **kwargs):
        nonlocal errors
        if name != operation["name"]:
            behind["requests"] += 1
            behind["errors"] += exception is not None
            return
        timings.append(response_time)
        sizes.append(response_length or 0)
        if exception is not None:
            errors += 1

    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    cpu_before = processor_times()
    started = time.monotonic()
    total = operation["users"] + (background["users"] if background else 0)
    runner.start(total, spawn_rate=total)
    deadline = started + operation["seconds"]
    # At least MIN_REQUESTS completed (a slow op would show none in a short window), at most MAX_SECONDS.
    while time.monotonic() < deadline or (len(timings) < MIN_REQUESTS and time.monotonic() < started + MAX_SECONDS):
        if operation.get("pool") and pool["next"] >= pool["size"]:
            gevent.sleep(1)  # the last requests in flight
            break
        gevent.sleep(0.05)
    runner.quit()
    elapsed = time.monotonic() - started
    env.events.request.remove_listener(on_request)
    wait_idle(base, common_headers, idle)
    wait_background(broker)
    cpu = processor_ms_per_request(cpu_before, processor_times(), len(timings))
    timings.sort()

    def pct(q):
        if not timings:
            return None
        return round(timings[min(len(timings) - 1, int(q * len(timings)))], 2)

    return {
        "name": operation["name"], "users": operation["users"], "seconds": round(elapsed, 2),
        "requests": len(timings), "errors": errors, "rps": round(len(timings) / elapsed, 2) if elapsed else 0,
        "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99),
        "bytes": int(sum(sizes) / len(sizes)) if sizes else 0, "error_samples": samples,
        "cpu_ms_per_request": cpu,
        **({"background": {"users": background["users"], **behind}} if background else {}),
    }  # fmt: skip


def main():
    plan = json.load(open(sys.argv[1]))
    host = urllib.parse.urlparse(plan["base"]).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("Ce banc ne vise que la machine locale (127.0.0.1).")
    results = []
    for operation in plan["operations"]:
        result = run_operation(plan["base"], operation, plan.get("headers", {}), plan.get("broker"), plan["idle"])
        cpu = ", ".join(f"{group} {ms}" for group, ms in result["cpu_ms_per_request"].items())
        print(f"  {result['name']:38} p50 {result['p50']} p95 {result['p95']} ms, {result['rps']} req/s, "
              f"{result['errors']} erreurs ; processeur ms/requête : {cpu}", flush=True)  # fmt: skip
        results.append(result)
    json.dump(results, open(sys.argv[2], "w"), indent=1)


if __name__ == "__main__":
    main()
