"""Schemathesis hooks for the fuzz run of `.ci/fuzz/run`.

The one check of the run. schemathesis's own `not_a_server_error` counts every GraphQL error
entry as a server failure, also the expected ones (`NOT_FOUND`, `FORBIDDEN`, `BAD_USER_INPUT`
for the random input it sends), so it is switched off and this check says what a server error
is here: an HTTP status of 500 or more, or an error whose code is INTERNAL (a bug reported as
an error instead of a crash).
"""

import schemathesis


@schemathesis.check
def no_internal_error(ctx, response, case):
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:300]}")
    try:
        body = response.json()
    except Exception:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or []:
        code = ((error or {}).get("extensions") or {}).get("code")
        if code == "INTERNAL":
            raise AssertionError(
                f"an error with code INTERNAL (request id {error['extensions'].get('requestId')})"
            )
    return None
