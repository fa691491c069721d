#!/usr/bin/env python3
"""Cuts the paths the sandbox serves, and every response and definition they reference,
out of Grafana 11.4.0's OpenAPI spec (shared/grafana/api-merged.v11.4.0.json), so the
conformance test needs nothing outside the clone.

Usage: make-subset.py ../shared/grafana/api-merged.v11.4.0.json > api-sandbox.v11.4.0.json
"""
import json
import sys

# Path prefixes (below basePath /api) of the areas the sandbox serves.
AREAS = ["/health", "/user", "/users", "/admin/users", "/org", "/orgs", "/auth/keys", "/serviceaccounts",
         "/dashboards/db", "/dashboards/uid", "/dashboards/import", "/search", "/folders", "/datasources", "/teams",
         "/admin/settings", "/admin/stats", "/dashboards/id", "/dashboards/tags", "/dashboards/home",
         "/dashboards/calculate-diff",
         "/library-elements", "/annotations", "/snapshots", "/snapshots-delete", "/dashboard/snapshots", "/playlists",
         "/v1/provisioning"]

spec = json.load(open(sys.argv[1]))
paths = {p: v for p, v in spec["paths"].items() if any(p == a or p.startswith(a + "/") for a in AREAS)}

responses, definitions = {}, {}
def walk(node):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            kind, name = ref.split("/")[-2:]
            table, source = (responses, spec["responses"]) if kind == "responses" else (definitions, spec["definitions"])
            if name not in table:
                table[name] = source[name]
                walk(source[name])
        for value in node.values():
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)
walk(paths)

json.dump({"source": "Grafana 11.4.0 public/api-merged.json, cut by make-subset.py", "basePath": spec["basePath"],
           "paths": paths, "responses": responses, "definitions": definitions}, sys.stdout, indent=1, sort_keys=True)
