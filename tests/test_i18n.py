"""The English catalogue: pages switch to English on request, and the catalogue is complete.

Chinese (zh-hans) is the default language; English comes from `locale/en/LC_MESSAGES/django.po`
(msgids are the Chinese source strings) compiled to `django.mo`, which is committed.
"""

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


def _unquote(text: str) -> str:
    """The body of a PO string literal, with C escapes resolved."""
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), text.strip()[1:-1])


def _parse_entry(block: str) -> Entry:
    entry = Entry()
    key, index = "msgid", None
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if not line or line.startswith("#"):
            continue
        if not line.startswith('"'):
            keyword, _, line = line.partition(" ")
            plural_form = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            key, index = ("msgstr", int(plural_form.group(1))) if plural_form else (keyword, 0)
        value = _unquote(line)
        if key == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
        elif key == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        else:
            setattr(entry, key, getattr(entry, key) + value)
    return entry


def _parse_po(path: Path) -> list[Entry]:
    """A small PO reader (no third-party library): entries are blocks separated by blank lines,
    as makemessages writes them; obsolete (#~) entries are not in use and are left out."""
    blocks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
    return [
        _parse_entry(block)
        for block in blocks
        if any(line.startswith("msgid ") for line in block.splitlines())
    ]


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    entries = [entry for entry in _parse_po(PO_PATH) if not entry.is_header]
    assert len(entries) > 500, "the English catalogue looks truncated"
    return entries


@pytest.fixture
def english_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


PAGES_IN_ENGLISH = [
    ("/", ["Songjiang Deputies–People Liaison Portal", "Find your deputy", "How to contact a deputy"]),
    ("/deputies/", ["Deputy directory", "Search by name"]),
    ("/opinions/new/", ["Your opinion or suggestion", "Submit opinion", "Name (optional)"]),
    ("/accounts/login/", ["Login for staff and deputies", "Username", "Password"]),
]
PAGES_IN_CHINESE = [
    ("/", ["松江区人大代表联系人民群众平台", "怎样联系代表"]),
    ("/deputies/", ["代表名录", "按姓名查找"]),
    ("/opinions/new/", ["您的意见或建议", "提交意见"]),
    ("/accounts/login/", ["工作人员与代表登录", "用户名", "密码"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "phrases"), PAGES_IN_ENGLISH)
def test_public_pages_speak_english_when_the_visitor_chooses_english(english_client, url, phrases):
    response = english_client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    for phrase in phrases:
        assert phrase in html
    assert "代表名录" not in html  # the navigation is translated too


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "phrases"), PAGES_IN_CHINESE)
def test_public_pages_speak_chinese_by_default(client, url, phrases):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' not in html
    for phrase in phrases:
        assert phrase in html


@pytest.mark.django_db
def test_the_not_found_page_is_in_english_for_an_english_visitor(english_client):
    response = english_client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "The page you requested could not be found." in html
    assert "Back to the home page" in html


@pytest.mark.django_db
def test_the_not_found_page_is_in_chinese_by_default(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "找不到您要访问的页面。" in response.content.decode()


@pytest.mark.django_db
def test_choosing_english_in_the_language_switch_sticks_for_later_pages(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/deputies/"})

    assert response.status_code == 302
    html = client.get("/deputies/").content.decode()
    assert '<html lang="en">' in html
    assert "Deputy directory" in html


@pytest.mark.django_db
def test_a_logged_in_deputy_sees_the_navigation_in_english(login, deputy_user):
    client = login(deputy_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get("/").content.decode()

    assert "My duties" in html
    assert "Log out" in html


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_msgfmt_finds_no_untranslated_or_fuzzy_entries():
    result = subprocess.run(  # noqa: S603 — fixed arguments, no user input
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO_PATH)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e.msgid for e in catalogue if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]

    assert untranslated == []
    assert fuzzy == []


def test_plural_entries_have_both_english_forms(catalogue):
    plurals = [e for e in catalogue if e.msgid_plural]

    assert plurals
    for entry in plurals:
        assert sorted(entry.msgstr) == [0, 1], entry.msgid


def test_every_placeholder_of_a_msgid_appears_in_its_translation(catalogue):
    broken = []
    for entry in catalogue:
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        if not wanted:
            continue
        for text in entry.msgstr.values():
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                broken.append((entry.msgid, text))

    assert broken == []


def test_no_translation_still_contains_chinese(catalogue):
    leftovers = [(e.msgid, text) for e in catalogue for text in e.msgstr.values() if CJK.search(text)]

    assert leftovers == []


def test_the_header_declares_english_plural_forms():
    header = next(entry for entry in _parse_po(PO_PATH) if entry.is_header).msgstr[0]

    assert "Language: en\n" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header


def test_the_committed_mo_file_matches_the_po_file(catalogue):
    """A .po edited without running compilemessages would leave the site showing stale English."""
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = []
    for entry in catalogue:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            got = [compiled.ngettext(key, entry.msgid_plural, n) for n in (1, 2)]
            if got != [entry.msgstr[0], entry.msgstr[1]]:
                stale.append(entry.msgid)
        elif compiled.gettext(key) != entry.msgstr[0]:
            stale.append(entry.msgid)

    assert stale == []


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("人大代表", "Deputy"),
        ("选区", "Constituency"),
        ("代表小组", "Deputy group"),
        ("街道人大工委", "Street working committee"),
        ("承办单位", "Handling unit"),
        ("议案", "Motion"),
        ("信访", "Letters and visits"),
        ("约见", "Meeting request"),
        ("社情民意", "Opinions"),
    ],
)
def test_domain_terms_follow_the_glossary(catalogue, chinese, english):
    entry = next(e for e in catalogue if e.msgid == chinese and e.msgctxt is None)

    assert entry.msgstr[0] == english
