"""How the opinions' and suggestions' API answers are written (one home for both `api` modules).

Responses escape `<`, `>` and `&` inside JSON strings (`\\u003c` …): a consumer that pastes a value
into HTML by mistake still cannot run a script a citizen typed in; parsed values stay verbatim.
"""

from __future__ import annotations

from rest_framework.renderers import JSONRenderer

from songjiang_liaison.content_policy import BrowsableAPIRenderer


class SafeJSONRenderer(JSONRenderer):
    """JSON with `<`, `>` and `&` written as unicode escapes (valid JSON, same parsed value)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        body = super().render(data, accepted_media_type, renderer_context)
        return body.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


RENDERERS = [SafeJSONRenderer, BrowsableAPIRenderer]  # the browsable API within the CSP (docs/csp.md)
