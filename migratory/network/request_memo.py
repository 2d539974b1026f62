"""Values worked out once per request: the history and proposal pages label
the same slugs many times."""

from collections.abc import Callable
from typing import Any

from flask import has_request_context, request

from migratory.core.i18n import current_language

ENVIRON_KEY = "migratory.network_memo"


def per_request(namespace: str, key, compute: Callable[[], Any]) -> Any:
    """`compute()` the first time `key` is asked in this request (and the
    reader's language), the remembered value afterwards; outside a request
    (a CLI command, a job) every call computes."""
    if not has_request_context():
        return compute()
    memo = request.environ.setdefault(ENVIRON_KEY, {})
    full_key = (namespace, current_language(), key)
    if full_key not in memo:
        memo[full_key] = compute()
    return memo[full_key]
