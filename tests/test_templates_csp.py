"""Templates stay within the Content-Security-Policy (docs/csp.md): no inline <script> (except JSON
data blocks), no <style>, no style="" and no on…="" attributes, no javascript: links; scripts and
styles live in static/. htmx is loaded on exactly the pages that use hx-* attributes."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".venv", "node_modules", ".git", "staticfiles"}

COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\{[{%].*?[}%]\}|[^<>])*)>", re.S)
SCRIPT_SRC = re.compile(r"\ssrc\s*=")
JSON_TYPE = re.compile(r"""\stype\s*=\s*["']?application/(ld\+)?json["']?""")
STYLE_ATTR = re.compile(r"(?:^|[\s\"'%}])style\s*=", re.I)
EVENT_ATTR = re.compile(r"(?:^|[\s\"'%}])(on[a-z]+)\s*=", re.I)
JS_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.I)
INCLUDE = re.compile(r"""\{%\s*include\s+["']([^"']+)["']""")
EXTENDS = re.compile(r"""\{%\s*extends\s+["']([^"']+)["']""")
HTMX_ATTR = re.compile(r"\s(?:data-)?hx-[a-z]+\s*=")
HTMX_LOADER = "_htmx.html"


def template_dirs():
    dirs = [ROOT / "templates"]
    for child in sorted(ROOT.iterdir()):
        if child.is_dir() and child.name not in SKIP_DIRS and (child / "templates").is_dir():
            dirs.append(child / "templates")
    return [d for d in dirs if d.is_dir()]


def templates():
    """{template name: source without comments} for every project template."""
    found = {}
    for directory in template_dirs():
        for path in sorted(directory.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".svg"}:
                name = path.relative_to(directory).as_posix()
                found.setdefault(name, COMMENT.sub("", path.read_text(encoding="utf-8")))
    return found


def violations(source):
    """What in one template's source the policy would block."""
    found = []
    for match in TAG.finditer(source):
        tag, attrs = match.group(1).lower(), match.group(2)
        if tag == "script" and not SCRIPT_SRC.search(attrs) and not JSON_TYPE.search(attrs):
            found.append("inline <script> (move it to static/js/, data to json_script or data-*)")
        if tag == "style":
            found.append("<style> block (move it to static/css/)")
        if STYLE_ATTR.search(attrs):
            found.append(f'style="" on <{tag}> (use a class)')
        for handler in EVENT_ATTR.findall(attrs):
            found.append(f'{handler}="" on <{tag}> (bind it in static/js/)')
        if JS_URL.search(attrs):
            found.append(f"javascript: URL on <{tag}>")
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>", "inline <script>"),
        ("<script defer>x()</script>", "inline <script>"),
        ("<style>p{}</style>", "<style>"),
        ('<p class="a" style="color:red">', 'style=""'),
        ('<p{% if x %} style="width:{{ n }}%"{% endif %}>', 'style=""'),
        ('<button type="button" onclick="window.print()">', 'onclick=""'),
        ("<select onchange='this.form.submit()'>", 'onchange=""'),
        ('<a href="javascript:void(0)">', "javascript:"),
    ],
)
def test_the_scanner_finds_what_the_policy_blocks(source, expected):
    assert any(expected in v for v in violations(source)), violations(source)


@pytest.mark.parametrize(
    "source",
    [
        '<script src="/static/js/forms.js" defer></script>',
        '<script type="application/json" id="d">{"a": 1}</script>',
        '<div class="mb-3" data-style="x" data-onclick="y">',
        '<p class="text-body-secondary">style=, onclick= in plain text</p>',
        '<button type="button" data-print>',
        "{# <style> in a comment #}<p>",
    ],
)
def test_the_scanner_lets_the_allowed_forms_through(source):
    assert violations(COMMENT.sub("", source)) == []


def test_the_scan_covers_the_project_templates():
    names = templates()

    assert "base.html" in names and "feedback/submit.html" in names
    assert len(names) > 50


def test_no_template_has_inline_script_style_or_event_handlers():
    problems = [f"{name}: {v}" for name, source in templates().items() for v in violations(source)]

    assert problems == [], "\n".join(problems)


def _uses_htmx(name, sources, seen=()):
    source = sources.get(name, "")
    if HTMX_ATTR.search(source):
        return True
    return any(
        _uses_htmx(child, sources, (*seen, name)) for child in INCLUDE.findall(source) if child not in seen
    )


def _pages_rendering(name, sources, seen=()):
    """The full pages (templates that extend another) in which `name` ends up."""
    if EXTENDS.search(sources[name]):
        return {name}
    pages = set()
    for other, source in sources.items():
        if other not in seen and name in INCLUDE.findall(source):
            pages |= _pages_rendering(other, sources, (*seen, name))
    return pages


def test_htmx_is_loaded_on_every_page_that_uses_it_and_on_no_other():
    sources = templates()
    loads = {name for name, source in sources.items() if HTMX_LOADER in INCLUDE.findall(source)}
    users = {name for name in sources if HTMX_ATTR.search(sources[name])}

    needing = set().union(*(_pages_rendering(name, sources) for name in users))
    missing = sorted(needing - loads)
    assert missing == [], (
        f'add {{% block htmx %}}{{% include "{HTMX_LOADER}" %}}{{% endblock %}} to: {missing}'
    )
    unused = sorted(name for name in loads if not _uses_htmx(name, sources))
    assert unused == [], f"these pages load htmx but use no hx-* attribute: {unused}"
    assert "htmx" not in sources["base.html"].replace("{% block htmx %}", "")


STATIC_JS = ROOT / "static" / "js"
BLOCKED_JS = re.compile(
    r"\beval\s*\(|new\s+Function\s*\(|setAttribute\(\s*[\"']style|setAttribute\(\s*[\"']on"
)


def test_the_portals_scripts_use_no_eval_and_no_inline_styles_or_handlers():
    problems = [
        f"{path.name}: {match.group(0)}"
        for path in sorted(STATIC_JS.glob("*.js"))
        for match in BLOCKED_JS.finditer(path.read_text(encoding="utf-8"))
    ]

    assert problems == [], problems
