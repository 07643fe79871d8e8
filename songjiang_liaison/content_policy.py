"""Per-response relaxations of the Content-Security-Policy (docs/csp.md), kept to what third-party
pages need and nothing more. The policy itself is declared in settings (CONTENT_SECURITY_POLICY)."""

# style="border-top: 0" on the paginator of django-simple-history's admin history page
# (simple_history/object_history_list.html): that one attribute value, by its hash, and no other.
HISTORY_PAGINATOR_STYLE = {
    "style-src-attr": ["'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"]
}


def relax(response, directives):
    """Add `directives` to the policy of this one response, enforced or report-only (CSP_REPORT_ONLY):
    django-csp's `csp_update` as a function, for views we do not write (admin methods)."""
    response._csp_update = directives
    response._csp_update_ro = directives
    return response
