"""Hooks of the stateful run (infra/scripts/fuzz): every check of hooks.py, plus one mapping.

A scenario's first GET /users asks for one user without filters: a random filter usually matches nobody (no account
id to follow) and makes the handler read the whole partition, which on moto costs seconds a call. The per-operation
phases fuzz GET /users' filters in full; here it only has to hand a real account id to the links (users/0).
"""
import schemathesis

from hooks import no_stack_trace_or_secret  # noqa: F401  (registers the check for this run too)


@schemathesis.hook
def map_query(ctx, query):
    if ctx.operation is not None and ctx.operation.label == "GET /users":
        return {"limit": 1}
    return query
