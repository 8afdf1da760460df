#!/usr/bin/env python3
"""A small REST client of the VAE inversée API (docs/api.md): log in, sync, verify a webhook.

    python docs/examples/client.py --base-url https://vae-inversee.example --email you@example.fr \
        --password ... [--since 2026-01-01T00:00:00Z]

It prints, as JSON lines, who you are, then every pathway and funding file changed since `--since`
(page by page, in the sync order), then the tombstones (deletions, anonymisations) of the same period,
and finally the moment to pass as `--since` next time. Needs `requests` and, for the webhook check,
`standardwebhooks` (pip install requests standardwebhooks).
"""

import argparse
import datetime
import json
import sys
import time

import requests
from standardwebhooks.webhooks import Webhook

RESOURCES = ["pathways", "funding-files"]


class Client:
    def __init__(self, base_url: str, token: str | None = None):
        self.base_url = base_url.rstrip("/") + "/api/v1/"
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        if token:
            self.session.headers["Authorization"] = f"Token {token}"

    def login(self, email: str, password: str) -> dict:
        """`POST auth/token/` → {"token", "expires_at"}; the token goes in every later request."""
        response = self.request("POST", "auth/token/", json={"email": email, "password": password})
        body = response.json()
        self.session.headers["Authorization"] = f"Token {body['token']}"
        return body

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """One call; waits and tries again on 429 (Retry-After), raises on any other error with its French body."""
        url = path if path.startswith("http") else self.base_url + path
        for _ in range(5):
            response = self.session.request(method, url, timeout=30, **kwargs)
            if response.status_code == 429:
                time.sleep(int(response.headers.get("Retry-After", "1")))
                continue
            if response.status_code >= 400:
                raise RuntimeError(f"{method} {url} → {response.status_code} {response.text}")
            return response
        raise RuntimeError(f"{method} {url}: trop de requêtes")

    def changes(self, resource: str, since: str | None, page_size: int = 200):
        """Every object of `resource` changed at or after `since`, in (updated_at, id) order, page by page."""
        params = {"page_size": page_size}
        if since:
            params["updated_since"] = since
        url = f"{resource}/"
        while url:
            body = self.request("GET", url, params=params).json()
            yield from body["results"]
            url, params = body["next"], None  # `next` already carries the parameters

    def download(self, path: str) -> bytes:
        """A binary answer (the agreement PDF, a CSV or XLSX export)."""
        return self.request("GET", path, headers={"Accept": "*/*"}).content


def verify_webhook(secret: str, body: bytes, headers: dict) -> dict:
    """A receiver's check of a delivery (Standard Webhooks): raises if the signature or timestamp is wrong."""
    return Webhook(secret).verify(body, headers)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--since", help="ISO 8601: only what changed from then on (the previous run's `next_since`)")
    args = parser.parse_args(argv)

    client = Client(args.base_url)
    # Taken before reading: anything changed while we read is read again next time (ids are stable).
    started = datetime.datetime.now(datetime.UTC).isoformat()
    client.login(args.email, args.password)
    print(json.dumps({"me": client.request("GET", "me/").json()}, ensure_ascii=False))
    for resource in RESOURCES:
        for item in client.changes(resource, args.since):
            print(json.dumps({"resource": resource, "object": item}, ensure_ascii=False))
    for tombstone in client.changes("tombstones", args.since):
        print(json.dumps({"tombstone": tombstone}, ensure_ascii=False))
    print(json.dumps({"next_since": started}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
