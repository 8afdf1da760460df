"""Bounded load on a running server (loopback only): N sequential requests per URL, as each demo role."""

import argparse
import http.cookiejar
import json
import statistics
import time
import urllib.parse
import urllib.request

DEMO_PASSWORD = "demo-vae-2026"
TARGETS = [
    ("porteur@demo.vae", ["/porteur/", "/api/v1/pathways/?page_size=50", "/api/v1/pathways/?phase=delivery"]),
    ("opco@demo.vae", ["/opco/", "/api/v1/funding-files/?status=submitted"]),
    ("ministere@demo.vae", ["/pilotage/", "/api/v1/indicators/"]),
]


def token(base, email):
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token/",
        data=json.dumps({"email": email, "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    return json.load(urllib.request.urlopen(request, timeout=30))["token"]


def session(base, email):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/connexion/", timeout=30).read()
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode({"username": email, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": csrf}).encode()
    opener.open(
        urllib.request.Request(f"{base}/connexion/", data=body, headers={"Referer": f"{base}/connexion/"}), timeout=30
    )
    return opener


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8010")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    host = urllib.parse.urlparse(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("Ce banc ne vise que la machine locale (127.0.0.1).")
    print(f"{'URL':55} {'médiane ms':>10} {'p95 ms':>8} {'erreurs':>8}")
    for email, urls in TARGETS:
        browser = session(args.base, email)
        api_token = token(args.base, email)
        for url in urls:
            timings, errors = [], 0
            for _ in range(args.requests):
                request = urllib.request.Request(args.base + url)
                if url.startswith("/api/"):
                    request.add_header("Authorization", f"Token {api_token}")
                started = time.perf_counter()
                try:
                    (urllib.request.urlopen if url.startswith("/api/") else browser.open)(request, timeout=60).read()
                except Exception:  # noqa: BLE001 - counted, the bench goes on
                    errors += 1
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(f"{email.split('@')[0] + ' ' + url:55} {statistics.median(timings):10.1f} {p95:8.1f} {errors:8d}")


if __name__ == "__main__":
    main()
