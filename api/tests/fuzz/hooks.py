"""schemathesis hooks for scripts/fuzz-api.sh (loaded through SCHEMATHESIS_HOOKS).

One extra check on every response: it must not leak internals (a Python traceback, source paths,
SQL or driver error text). The built-in checks cover the rest: no 5xx, status codes, content types,
headers and bodies as the OpenAPI document says.
"""
import re

import schemathesis

LEAK = re.compile(
    r"Traceback \(most recent call last\)"
    r"|File \"[^\"]+\.py\", line \d+"
    r"|site-packages|/budget_api/"
    r"|sqlalchemy|psycopg|\(Background on this error"
    r"|SQL(?:STATE)?:|\b(?:INSERT INTO|SELECT .{1,80} FROM|UPDATE \w+ SET|DELETE FROM)\b"
    r"|werkzeug\.|jinja2",
    re.IGNORECASE | re.DOTALL,
)


@schemathesis.check
def no_internals_leak(ctx, response, case):
    """No response body or header may carry a stack trace or database/driver internals."""
    body = response.content.decode("utf-8", "replace") if response.content else ""
    headers = " ".join(f"{k}: {v}" for k, vs in response.headers.items() for v in (vs if isinstance(vs, list) else [vs]))
    found = LEAK.search(body) or LEAK.search(headers)
    if found:
        raise AssertionError(f"the response leaks internals: {found.group(0)!r}")
