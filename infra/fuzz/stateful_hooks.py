"""Hooks of the stateful run (infra/scripts/fuzz): every check of hooks.py, plus one mapping.

A scenario's first GET /users asks for the first page without filters: a random filter usually matches nobody (no
account id to follow) and makes the handler read the whole partition, which on moto costs seconds a call. The
per-operation phases fuzz GET /users' filters in full; here it only has to hand real account ids to the links.
"""
import schemathesis

from hooks import no_stack_trace_or_secret  # noqa: F401  (registers the check for this run too)


@schemathesis.hook
def map_query(ctx, query):
    if ctx.operation is not None and ctx.operation.label == "GET /users":
        return {}
    return query
