"""Hooks of the stateful run (infra/scripts/fuzz): every check of hooks.py, plus the link bodies and a few mappings.

A scenario's first GET /users asks for one reclaimable user by name: a random filter usually matches nobody (no account
id to follow). The per-operation phases fuzz GET /users' filters in full; here it only has to hand a real account id
to the links (users/0).
"""
import schemathesis

from hooks import no_stack_trace_or_secret  # noqa: F401  (registers the check for this run too)


# A user the demo org lets an admin reclaim (Jira and Bitbucket through groups, not an org admin): the License page
# lists by name, and its first user is the org admin, whom every plan rightly refuses.
RECLAIMABLE_USER = "ben"


@schemathesis.hook
def map_query(ctx, query):
    if ctx.operation is not None and ctx.operation.label == "GET /users":
        return {"limit": 1, "q": RECLAIMABLE_USER}
    # Any status: the first action (infra/scripts/fuzz seeds some) is what the approve/reject links follow.
    if ctx.operation is not None and ctx.operation.label == "GET /policy-actions":
        return {"limit": 1}
    return query


# A policy the rules accept (report mode: it never records actions), so a created policy's links have an id to follow;
# the per-operation phases fuzz the policy bodies in full.
POLICY_BODY = {"name": "Fuzz report", "products": ["confluence"], "condition": {"type": "inactive", "days": 90},
               "mode": "report", "maxReclaimsPerRun": 10}


@schemathesis.hook
def map_body(ctx, body):
    if ctx.operation is not None and ctx.operation.label in ("POST /policies", "PUT /policies/{id}"):
        return dict(POLICY_BODY)
    return body


LINK_BODY = "x-fuzz-request-body"


@schemathesis.hook
def before_load_schema(ctx, raw_schema):
    """A link's body is written as x-fuzz-request-body (swagger-parser refuses an object requestBody): use it."""
    for item in (raw_schema.get("paths") or {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in (operation.get("responses") or {}).values():
                for link in ((response or {}).get("links") or {}).values():
                    if LINK_BODY in link:
                        link["requestBody"] = link.pop(LINK_BODY)
