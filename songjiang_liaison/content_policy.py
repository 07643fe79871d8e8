"""Per-page relaxations of the Content-Security-Policy (docs/csp.md), for third-party pages we do not
write, kept to what they need: single style="" values allowed by their hashes ('unsafe-hashes' admits
exactly those attribute values, nothing else). No page gets 'unsafe-inline' or 'unsafe-eval'.
The policy itself is declared in settings (CONTENT_SECURITY_POLICY)."""

import base64
import hashlib

from rest_framework import renderers


def style_hash(value):
    """The CSP source that allows exactly style="`value`"."""
    digest = hashlib.sha256(value.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def style_attributes(*values):
    return {"style-src-attr": ["'unsafe-hashes'", *(style_hash(value) for value in values)]}


def relax(response, directives):
    """Add `directives` to this one response's policy, enforced or report-only (CSP_REPORT_ONLY):
    django-csp's `csp_update` as a function, for views defined by a library (admin methods)."""
    response._csp_update = directives
    response._csp_update_ro = directives
    return response


# The paginator of django-simple-history's admin history page (simple_history/object_history_list.html).
HISTORY_PAGINATOR_STYLE = style_attributes("border-top: 0")

# The layout styles of Django REST framework's browsable API (rest_framework/base.html and its filter
# and form templates; tests/test_csp.py checks the list against the installed templates). Its one
# <style> block (code highlighting in descriptions) is left out by templates/rest_framework/api.html.
DRF_STYLE_VALUES = (
    "float: right; margin-right: 10px",
    "float: right",
    "width: 350px",
    "border-bottom: 1px solid #e5e5e5",
    "border-bottom: 0",
)
DRF_STYLES = style_attributes(*DRF_STYLE_VALUES)


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, its style="" values allowed on its own pages (docs/csp.md)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        content = super().render(data, accepted_media_type, renderer_context)
        response = (renderer_context or {}).get("response")
        if response is not None:
            relax(response, DRF_STYLES)
        return content
