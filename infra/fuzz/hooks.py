"""Schemathesis checks of our own, on top of its built-in ones (loaded through SCHEMATHESIS_HOOKS)."""
import re

import schemathesis

# What a leaked stack trace or credential looks like in a body: Java frames, exception class names, Atlassian
# key and token prefixes (org API keys ATCTT3x..., API tokens ATATT3x..., Trello tokens ATTA...).
LEAKS = [
    re.compile(r"\bat [a-z]+(\.[a-zA-Z_$][\w$]*)+\([\w$]*\.java:\d+\)"),
    re.compile(r"\b(java|javax|com\.saasspend|software\.amazon)\.[\w.$]*(Exception|Error)\b"),
    re.compile(r"\bAT(CTT|ATT)3x[A-Za-z0-9=_-]{8,}"),
    re.compile(r"\bATTA[a-f0-9]{32,}"),
]


@schemathesis.check
def no_stack_trace_or_secret(ctx, response, case):
    body = response.text or ""
    for pattern in LEAKS:
        match = pattern.search(body)
        if match:
            raise AssertionError(f"The response body leaks internals or a credential: {match.group(0)[:40]}")
