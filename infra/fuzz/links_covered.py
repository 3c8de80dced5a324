"""Fails unless schemathesis' stateful phase followed every link of the OpenAPI document.

A link counts as covered when a scenario applied it: the source operation answered the link's status and its values
(an id, an account, a group) were put into the target request. Inputs: the OpenAPI document and the NDJSON report
of the stateful run (`st run --report ndjson`).
Usage: python links_covered.py functions/openapi.yaml target/fuzz-stateful.ndjson [operationId ...]
With operation ids (the stateful run's selection), only links from a selected operation are expected; the others are
listed as outside the selection, so a link left out is visible rather than silently skipped.
"""
import json
import re
import sys

import yaml

METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def document_links(path, selected=None):
    """{link name: "METHOD /path -> [status]"} for every link of every response of every operation (of the selected
    operations only, when given); and the names of the links left out by the selection."""
    with open(path, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    links, outside = {}, {}
    for route, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            for status, response in operation.get("responses", {}).items():
                for name in (response.get("links") or {}):
                    if name in links or name in outside:
                        raise SystemExit(f"link name {name} is used twice; names must be unique to be counted")
                    target = (response["links"][name] or {}).get("operationId")
                    chosen = selected is None or (operation.get("operationId") in selected and target in selected)
                    (links if chosen else outside)[name] = f"{method.upper()} {route} -> [{status}]"
    return links, outside


def applied_transitions(node, found):
    """Transition ids of every recorded case whose link was applied, wherever the report nests them."""
    if isinstance(node, dict):
        transition = node.get("transition")
        if node.get("is_transition_applied") and isinstance(transition, dict) and transition.get("id"):
            found.add(transition["id"])
        for value in node.values():
            applied_transitions(value, found)
    elif isinstance(node, list):
        for value in node:
            applied_transitions(value, found)
    return found


def main(openapi_path, report_path, selected=None):
    expected, outside = document_links(openapi_path, selected)
    found = set()
    with open(report_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                applied_transitions(json.loads(line), found)
    # A transition id reads "POST /reclaims -> [201] GetReclaim -> GET /reclaims/{id}".
    covered = {m.group(1) for m in (re.search(r"\] (\S+) -> ", t) for t in found) if m}
    missing = sorted(set(expected) - covered)
    print(f"stateful links covered: {len(expected) - len(missing)} of {len(expected)}")
    for name in missing:
        print(f"  not covered: {expected[name]} {name}")
    for name in sorted(outside):
        print(f"  outside the stateful selection: {outside[name]} {name}")
    return 1 if missing or not expected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], set(sys.argv[3:]) or None))
