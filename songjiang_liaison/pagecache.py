"""A cache for what the public reads: whole responses of the public pages and API lists, kept in the
default cache (Redis in production, this process's memory on the embedded default), for anonymous GET
requests only.

- **What is cached**: the views named in `CACHED_VIEWS` (deputy profile, directory, offices, public
  statistics, suggestions, home page and the public API), answered 200 to a GET that carries no
  session cookie, no messages cookie and no `Authorization` header (a signed-in user's request never
  reads the cache, and their pages are never stored). A response that sets a cookie (a CSRF token, a
  session, messages) or says `private`/`no-store`/`no-cache` is not stored.
- **Key**: scheme, host, path and query, language (as `LocaleMiddleware` picks it: cookie, then
  `Accept-Language`), `Accept` for the API (JSON or the browsable page), today's date in the portal's
  time zone (pages show "upcoming" and "this year"), and the **data version**.
- **Data version**: one counter in the cache, bumped whenever a row of a table that a public page shows
  is written (any app listed in `TRACKED_APPS`, minus `UNTRACKED_MODELS`). The bump comes from an
  execute wrapper on every database connection, so it sees `save()`, `delete()` and m2m changes as
  well as `QuerySet.update()`, `bulk_create()` and raw SQL, which send no model signals (the opinion
  and suggestion workflows move states with compare-and-set `update()`s). It bumps after the
  transaction commits (a page rendered from the old rows is then stored under a version no longer
  current), and at once too when this thread has read the cache since the last bump (a request on the
  same connection sees the uncommitted rows). A change shows on the next request, never stale.
- **HTTP**: a cached page answers with `ETag` (from the version and the key) and
  `Cache-Control: public, max-age=60`, and `304 Not Modified` to a matching `If-None-Match`; pages of
  these views for signed-in users say `Cache-Control: private`.
- **Redis down**: `ops.cache.FailSafeRedisCache` falls back to each process's memory, where one
  process's bump cannot reach the others: the page cache is then bypassed, and a bump missed during the
  outage is made again once Redis answers. Stored pages expire after `PAGE_CACHE_SECONDS` in any case.
- **No Redis** (the local-memory cache): used only under DEBUG (the single-process development
  server) and in the tests; a production run without REDIS_URL may have several workers, each with
  its own memory, so nothing is cached there.

Settings: `PAGE_CACHE` (environment, default true; false turns the page cache off, for measuring the
uncached path), `PAGE_CACHE_SECONDS` (default 300), `PAGE_CACHE_MAX_AGE` (default 60).

The same counters memoise the unread-notification count of every signed-in page's header
(`unread_notifications`): a second counter, bumped by writes to the notifications table.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
PAGE_PREFIX = "pagecache:page:"
# A second counter, for the unread-notification count in every signed-in page's header.
NOTIFICATIONS_KEY = "pagecache:notifications"
NOTIFICATIONS_TABLE = "accounts_notification"

# URL names whose anonymous GET responses are cached. Each must answer the same to every anonymous
# visitor for the same address, language and day.
CACHED_VIEWS = frozenset(
    {
        "home",
        "deputies:directory",
        "deputies:profile",
        "deputies:offices",
        "reports:public",
        "reports:response_times",
        "feedback:suggestions",
        "feedback:archive",
        # The public API (router names; anonymous callers read the public view only).
        "deputy-list",
        "deputy-detail",
        "region-list",
        "congress-list",
        "constituency-list",
        "deputy-group-list",
        "organization-list",
        "contact-point-list",
        "public-opinion-list",
        "public-suggestion-list",
        "public-response-times",
    }
)

# Apps whose tables public pages show; a write to any of their tables bumps the data version.
TRACKED_APPS = ("deputies", "contacts", "feedback", "reports")
# Tables in those apps that no public page shows, written often: their writes do not bump.
UNTRACKED_MODELS = ("deputies.Invitation", "deputies.Reach", "feedback.ContactView", "reports.Export")

# Headers of the stored response that a later answer must not repeat.
_DROPPED_HEADERS = {"set-cookie", "date", "etag", "cache-control"}
_WRITE = re.compile(
    r"\s*(?:(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?(?:[\"`]?\w+[\"`]?\.)?[\"`]?(\w+)|(TRUNCATE|WITH\b))",
    re.IGNORECASE,
)
_WRITE_IN_CTE = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)

_local = threading.local()
# The pages this process served last, with their version: checked against the shared version on each
# request (one small read), so a copy here is never served once the data changed.
_recent: OrderedDict[str, tuple[float, tuple]] = OrderedDict()  # key → (expires, stored page)
_RECENT_MAX = 200
_recent_lock = threading.Lock()
_state = {"tables": None, "missed_bump": False}


# --- the data version ------------------------------------------------------------------------------


def _fresh_version() -> int:
    # Microseconds: a counter created again (Redis flushed or evicted) never repeats an older value.
    return time.time_ns() // 1000


def _cache_down() -> bool:
    return bool(getattr(cache, "is_down", False))


def _unshared() -> bool:
    """Whether the cache cannot be used for pages and memos: Redis is down (each process falls back
    to its own memory), or the cache is this process's memory (no REDIS_URL) outside DEBUG and the
    tests, where several gunicorn workers would each keep their own version and miss the others'
    changes. Without Redis, only the single-process development server caches."""
    if _cache_down():
        return True
    local = isinstance(caches["default"], LocMemCache)
    return local and not (settings.DEBUG or getattr(settings, "TESTING", False))


def bump(key: str = VERSION_KEY) -> None:
    """Make every stored page out of date (called on each write to a tracked table); with
    NOTIFICATIONS_KEY, every memoised unread count."""
    _local.read_since_bump = False
    try:
        try:
            cache.incr(key)
        except ValueError:  # no counter yet (or it was evicted)
            if not cache.add(key, _fresh_version(), timeout=None):
                cache.incr(key)
    except Exception:  # the cache must never fail a write
        logger.warning("Page cache: the data version could not be bumped.", exc_info=True)
        _state["missed_bump"] = True
        return
    if _cache_down():
        _state["missed_bump"] = True


def bump_all() -> None:
    bump(NOTIFICATIONS_KEY)
    bump(VERSION_KEY)


def tracked_tables() -> frozenset[str]:
    if _state["tables"] is None:
        untracked = {apps.get_model(label) for label in UNTRACKED_MODELS}
        tables = set()
        for label in TRACKED_APPS:
            for model in apps.get_app_config(label).get_models(include_auto_created=True):
                if model in untracked or model.__name__.startswith("Historical"):
                    continue
                tables.add(model._meta.db_table.lower())
        _state["tables"] = frozenset(tables)
    return _state["tables"]


def _written_counter(sql) -> str | None:
    """The counter a statement makes out of date: VERSION_KEY, NOTIFICATIONS_KEY, or None for a read
    or a write to a table nothing cached shows; "all" when it cannot tell."""
    if not isinstance(sql, str):
        return "all"  # a composed statement: assume it writes
    head = sql.lstrip()[:1].upper()
    if head not in ("I", "U", "D", "T", "W"):
        return None
    match = _WRITE.match(sql)
    if match is None:
        return None
    if match.group(1):
        table = match.group(1).lower()
        if table in tracked_tables():
            return VERSION_KEY
        return NOTIFICATIONS_KEY if table == NOTIFICATIONS_TABLE else None
    if match.group(2).upper() == "TRUNCATE" or _WRITE_IN_CTE.search(sql, match.end()):
        return "all"  # TRUNCATE (tests' flush), or WITH … INSERT/UPDATE/DELETE
    return None


def _is_tracked_write(sql) -> bool:
    return _written_counter(sql) in (VERSION_KEY, "all")


def _bump_pages_after_commit() -> None:
    bump(VERSION_KEY)


def _bump_notifications_after_commit() -> None:
    bump(NOTIFICATIONS_KEY)


_AFTER_COMMIT = {VERSION_KEY: _bump_pages_after_commit, NOTIFICATIONS_KEY: _bump_notifications_after_commit}


def _written(connection, counter: str) -> None:
    keys = (VERSION_KEY, NOTIFICATIONS_KEY) if counter == "all" else (counter,)
    if not connection.in_atomic_block:
        for key in keys:
            bump(key)
        return
    read = getattr(_local, "read_since_bump", False)
    for key in keys:
        if read:
            bump(key)  # this thread's next request shares the connection and sees the uncommitted rows
        after_commit = _AFTER_COMMIT[key]
        if not any(func is after_commit for _sids, func, _robust in connection.run_on_commit):
            transaction.on_commit(after_commit, using=connection.alias)


def _track_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    counter = _written_counter(sql)
    if counter is not None:
        _written(context["connection"], counter)
    return result


def _install_on(sender, connection, **kwargs) -> None:
    if _track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_track_writes)


def install() -> None:
    """Watch every database connection for writes (called from `ops.apps.OpsConfig.ready`)."""
    connection_created.connect(_install_on, dispatch_uid="pagecache-track-writes")
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        _install_on(None, connection)


def _catch_up() -> None:
    if _state["missed_bump"]:
        _state["missed_bump"] = False
        bump_all()


def _versioned(counter: str, key: str, compute):
    """`compute()`, kept in the cache until the counter moves (bypassed when the cache is unshared)."""
    if _unshared():
        return compute()
    _catch_up()
    _local.read_since_bump = True
    found = cache.get_many([counter, key])
    version, stored = found.get(counter), found.get(key)
    if version is not None and stored is not None and stored[0] == version:
        return stored[1]
    if version is None:
        cache.add(counter, _fresh_version(), timeout=None)
        version = cache.get(counter)
    value = compute()
    if version is not None and not _cache_down():
        cache.set(key, (version, value), settings.PAGE_CACHE_SECONDS)
    return value


def memo(name: str, compute):
    """Reference data that public pages show (the streets and towns of the map, say), computed once
    per data version: never stale, and no query while nothing changed."""
    return _versioned(VERSION_KEY, f"pagecache:memo:{name}", compute)


def unread_notifications(user) -> int:
    """The user's unread notifications, counted once per change of the notifications table (the
    count is in every signed-in page's header: a query saved on each of them)."""
    return _versioned(NOTIFICATIONS_KEY, f"pagecache:unread:{user.pk}", user.notifications.unread().count)


# --- the middleware ----------------------------------------------------------------------------------


def _view_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def _anonymous_get(request) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "Authorization" not in request.headers
    )


def page_key(request, view_name: str) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    parts = [
        request.scheme,
        host,
        request.get_full_path(),
        translation.get_language_from_request(request),
        timezone.localdate().isoformat(),
    ]
    if not view_name.partition(":")[1] and view_name != "home":  # the API: JSON or the browsable page
        parts.append(request.headers.get("Accept", ""))
    return PAGE_PREFIX + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _etag(version, key: str) -> str:
    return '"' + hashlib.sha256(f"{version}:{key}".encode()).hexdigest()[:32] + '"'


def _recent_copy(key: str, version) -> tuple | None:
    """This process's copy of the page, if it is of the current version and younger than
    PAGE_CACHE_SECONDS (the bound for what changes with the time of day, as in the shared cache)."""
    found = _recent.get(key)
    if found is None or found[0] < time.monotonic() or found[1][0] != version:
        return None
    return found[1]


def _remember(key: str, stored: tuple) -> None:
    with _recent_lock:
        # A copy served again keeps its expiry; one fetched from Redis near the end of its life there
        # lives at most PAGE_CACHE_SECONDS more here.
        if key not in _recent or _recent[key][1] is not stored:
            _recent[key] = (time.monotonic() + settings.PAGE_CACHE_SECONDS, stored)
        _recent.move_to_end(key)
        while len(_recent) > _RECENT_MAX:
            _recent.popitem(last=False)


def _matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return bool(header) and (etag in tags or "*" in tags)


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("private", "no-store", "no-cache", "max-age=0"))


def _public_headers(response, etag: str) -> None:
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))


class PageCacheMiddleware:
    """Placed after WhiteNoise and before the session middleware, so that a page served from the cache
    skips sessions, CSRF, authentication and the view, and a stored response is the finished one
    (every cookie the inner middleware would set is visible here)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE:
            return self.get_response(request)
        view_name = _view_name(request)
        if view_name not in CACHED_VIEWS:
            return self.get_response(request)
        key = page_key(request, view_name) if _anonymous_get(request) else None
        if key is None or _unshared():
            return self._private(self.get_response(request))
        _catch_up()
        _local.read_since_bump = True
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, _fresh_version(), timeout=None)
            return self.get_response(request)  # nothing can be stored against an unknown version
        etag = _etag(version, key)
        stored = _recent_copy(key, version)  # saves fetching and unpickling the page
        if stored is None:
            stored = cache.get(key)
        if stored is not None and stored[0] == version:
            _remember(key, stored)
            return self._answer(request, stored, etag)
        response = self.get_response(request)
        if _storable(response) and not _cache_down():
            headers = [(k, v) for k, v in response.items() if k.lower() not in _DROPPED_HEADERS]
            stored = (version, response.status_code, headers, response.content)
            cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
            _remember(key, stored)
            _public_headers(response, etag)
            if _matches(request, etag):
                return self._not_modified(response)
        return response

    @staticmethod
    def _private(response):
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response

    def _answer(self, request, stored, etag: str):
        _version, status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        _public_headers(response, etag)
        if _matches(request, etag):
            return self._not_modified(response)
        return response

    @staticmethod
    def _not_modified(response):
        not_modified = HttpResponseNotModified()
        for name in ("ETag", "Cache-Control", "Vary", "Content-Language"):
            if response.has_header(name):
                not_modified[name] = response[name]
        return not_modified
