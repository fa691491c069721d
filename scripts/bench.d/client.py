"""The async Python peer: pushes DIR/files/*.json with grafana-client's AsyncGrafanaApi as
`dashboard push --overwrite` does (GET the dashboard by uid, compare ignoring id and version,
POST only when it differs), with at most JOBS requests in flight. Prints the seconds taken
and how many were created, updated and unchanged.

Usage: client.py URL USER PASSWORD DIR JOBS
"""

import asyncio
import glob
import json
import sys
import time

from grafana_client import AsyncGrafanaApi
from grafana_client.client import GrafanaException


def comparable(model):
    return {key: value for key, value in model.items() if key not in ("id", "version")}


async def main():
    url, user, password, directory, jobs = sys.argv[1:6]
    api = AsyncGrafanaApi.from_url(url, credential=(user, password))
    paths = sorted(glob.glob(f"{directory}/files/*.json"))
    gate = asyncio.Semaphore(int(jobs))
    counts = {"created": 0, "updated": 0, "unchanged": 0}

    async def push(path):
        with open(path) as source:
            model = json.load(source)
        model.pop("id", None)
        async with gate:
            try:
                current = (await api.dashboard.get_dashboard(model["uid"]))["dashboard"]
            except GrafanaException as error:
                if error.status_code != 404:
                    raise
                current = None
            if current is not None and comparable(current) == comparable(model):
                counts["unchanged"] += 1
                return
            await api.dashboard.update_dashboard({"dashboard": model, "overwrite": True})
            counts["created" if current is None else "updated"] += 1

    start = time.monotonic()
    await asyncio.gather(*(push(path) for path in paths))
    elapsed = time.monotonic() - start
    print(f"seconds {elapsed:.6f}")
    for status, count in counts.items():
        print(f"{status} {count}")


asyncio.run(main())
