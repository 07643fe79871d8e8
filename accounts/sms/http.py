"""One HTTP call to a cloud SMS gateway, with the failures sorted into retry-worthy and permanent."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from . import SmsError


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> dict:
    """POST `body` to `url` and answer the decoded JSON reply, whatever its HTTP status (the gateways
    put their error codes in the JSON). Network errors, timeouts and replies that are not JSON are
    `SmsError`: the delivery task tries again later."""
    if not url.startswith(("https://", "http://")):
        raise SmsError(f"Not an HTTP URL: {url!r}")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        # The scheme is checked above (http or https only, never file:): bandit B310 explained.
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
            payload = response.read()
    except urllib.error.HTTPError as error:
        payload = error.read()
        if error.code >= 500 or error.code == 429:
            raise SmsError(f"SMS gateway answered HTTP {error.code}") from error
    except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
        raise SmsError(f"SMS gateway unreachable: {error}") from error
    try:
        return json.loads(payload)
    except ValueError as error:
        raise SmsError("SMS gateway answered something that is not JSON") from error
