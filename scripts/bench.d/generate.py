"""Writes the dashboards scripts/bench pushes, and the same bodies for the peers.

Usage: generate.py DIR COUNT VARIANT        1,000 dashboards of 5 to 7.5 KB
       generate.py DIR --megabytes N        one dashboard of about N MB

DIR/files/bench-I.json holds the bare model `dashboard push` reads; DIR/bodies.txt holds,
one per line, the save body gfs sends for it ({"dashboard": ..., "overwrite": true}), for the
curl loop and wrk; DIR/uids.txt the uids in the same order. VARIANT goes into each
dashboard's description, so a second VARIANT changes every dashboard.
"""

import json
import os
import sys


def panel(index, variant):
    return {
        "id": index,
        "type": "timeseries",
        "title": f"Panel {index} ({variant})",
        "gridPos": {"h": 8, "w": 12, "x": (index % 2) * 12, "y": index * 8},
        "datasource": {"type": "prometheus", "uid": "prometheus"},
        "targets": [
            {
                "refId": "A",
                "expr": f'sum(rate(http_requests_total{{job="api",panel="{index}"}}[5m])) by (status)',
            }
        ],
        "fieldConfig": {"defaults": {"unit": "reqps", "min": 0}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
    }


def dashboard(uid, title, variant, target_bytes):
    model = {
        "uid": uid,
        "title": title,
        "description": f"benchmark dashboard, variant {variant}",
        "tags": ["bench"],
        "timezone": "browser",
        "schemaVersion": 39,
        "panels": [],
    }
    # Counted panel by panel: serialising the whole model each time is quadratic.
    size = len(json.dumps(model, separators=(",", ":")))
    while size < target_bytes:
        added = panel(len(model["panels"]) + 1, variant)
        model["panels"].append(added)
        size += len(json.dumps(added, separators=(",", ":"))) + (1 if len(model["panels"]) > 1 else 0)
    return model


def main():
    directory = sys.argv[1]
    os.makedirs(os.path.join(directory, "files"), exist_ok=True)
    if sys.argv[2] == "--megabytes":
        megabytes = float(sys.argv[3])
        model = dashboard("bench-big", "Bench big", sys.argv[4] if len(sys.argv) > 4 else "a", int(megabytes * 1024 * 1024))
        with open(os.path.join(directory, "files", "bench-big.json"), "w") as out:
            json.dump(model, out, separators=(",", ":"))
        return
    count, variant = int(sys.argv[2]), sys.argv[3]
    with open(os.path.join(directory, "bodies.txt"), "w") as bodies, open(
        os.path.join(directory, "uids.txt"), "w"
    ) as uids:
        for i in range(1, count + 1):
            # 5 KB to 7.5 KB, spread evenly (the last panel adds up to about 550 bytes).
            model = dashboard(f"bench-{i}", f"Bench {i}", variant, 5120 + (i * 997) % 2000)
            text = json.dumps(model, separators=(",", ":"))
            with open(os.path.join(directory, "files", f"bench-{i}.json"), "w") as out:
                out.write(text)
            bodies.write('{"dashboard":' + text + ',"overwrite":true}\n')
            uids.write(f"bench-{i}\n")


main()
