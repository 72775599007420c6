"""Load test of the HTTP API: 8 concurrent clients x 100 fires on ONE process.

Run ``python benchmarks/bench_web.py`` (needs the extra ``[web]``). A uvicorn server on
127.0.0.1 and a free port serves a fresh SQLite store in a temporary folder. Each client
reads the process's ETag and posts ``note_added`` with ``If-Match``; on 412 it reads the
version from the answer and tries again, until its 100 notes are stored. Then the store
is checked: every accepted event is stored exactly once, none is lost, the versions run
1..N without a gap. It prints requests/s and latency percentiles and writes
``benchmarks/results/web.json``. Not a timed test: pytest does not collect it.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx2 as httpx  # noqa: E402  # after the path, so the tests' helpers are found
from tests.web.serving import serving  # noqa: E402

from verantwortung.store.sql import EventStore  # noqa: E402
from verantwortung.web import create_app  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "web.json"
CLIENTS, FIRES = 8, 100


class Client(threading.Thread):
    """One API client: FIRES notes with If-Match, retrying on 412."""

    def __init__(self, base: str, pid: str, number: int) -> None:
        super().__init__()
        self.http = httpx.Client(base_url=base, timeout=30)
        self.pid, self.number = pid, number
        self.latencies: list[float] = []
        self.accepted: list[str] = []  # the ids of the events the server said it stored
        self.stale = 0
        self.errors: list[str] = []

    def _timed(self, method: str, url: str, **kw: Any) -> httpx.Response:
        start = time.perf_counter()
        response = self.http.request(method, url, **kw)
        self.latencies.append(time.perf_counter() - start)
        return response

    def run(self) -> None:
        url = f"/api/processes/{self.pid}"
        etag = self._timed("GET", url).headers["etag"]
        for i in range(FIRES):
            while True:
                r = self._timed("POST", f"{url}/events", headers={"If-Match": etag}, json={
                    "trigger": "note_added", "payload": {"text": f"c{self.number}-{i}"}})
                etag = r.headers.get("etag", etag)
                if r.status_code == 201:
                    self.accepted.append(r.json()["event"]["id"])
                    break
                if r.status_code != 412:
                    self.errors.append(f"{r.status_code} {r.text[:200]}")
                    return
                self.stale += 1
        self.http.close()


def main() -> int:
    """Run the load, check the store, print and write the figures."""
    with tempfile.TemporaryDirectory() as tmp, \
            EventStore(f"sqlite:///{Path(tmp) / 'load.sqlite3'}") as store, \
            serving(create_app(store)) as base:
        pid = httpx.post(f"{base}/api/processes", json={
            "template": "verantwortungspartner", "region": "Lastregion"}).json()["id"]
        clients = [Client(base, pid, n) for n in range(CLIENTS)]
        start = time.perf_counter()
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        elapsed = time.perf_counter() - start
        events = store.events(pid)
    accepted = [e for c in clients for e in c.accepted]
    notes = [e for e in events if e.kind == "note_added"]
    texts = sorted(e.payload["text"] for e in notes)
    latencies = sorted(x for c in clients for x in c.latencies)
    requests = len(latencies)
    checks = {
        "no client error": not any(c.errors for c in clients),
        f"{CLIENTS * FIRES} events accepted": len(accepted) == CLIENTS * FIRES,
        "every accepted event stored once": sorted(accepted) == sorted(e.id for e in notes),
        "no note lost or doubled": texts == sorted(f"c{n}-{i}" for n in range(CLIENTS)
                                                   for i in range(FIRES)),
        "versions without a gap": [e.seq for e in events] == list(range(1, len(events) + 1)),
    }
    result = {
        "clients": CLIENTS, "fires_per_client": FIRES, "seconds": round(elapsed, 2),
        "requests": requests, "requests_per_second": round(requests / elapsed, 1),
        "fires_per_second": round(len(accepted) / elapsed, 1),
        "stale_412": sum(c.stale for c in clients),
        "latency_ms": {"p50": round(1000 * statistics.median(latencies), 1),
                       "p95": round(1000 * latencies[int(0.95 * (requests - 1))], 1),
                       "max": round(1000 * latencies[-1], 1)},
        "checks": checks,
    }
    print(json.dumps(result, indent=2))
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'MISS'}  {name}")
    for c in clients:
        for e in c.errors[:3]:
            print(f"client {c.number}: {e}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
