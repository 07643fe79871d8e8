"""Contact activities, as far as the opinion intake needs them: which ones a recorder may link an
opinion to. Activities live in `contacts`, which points at opinions (docs/architecture.md), so this
app never imports it: `contacts` registers its rule here when it starts (`ContactsConfig.ready`).
The link itself is the activity's many-to-many `opinions` (reverse name `Opinion.activities`)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

_visible_to: Callable[[object], QuerySet] | None = None


def register(*, visible_to: Callable[[object], QuerySet]) -> None:
    """Called once by `contacts` at start: `visible_to(user)` gives the activities whose record the
    user may see (those they may link an opinion to)."""
    global _visible_to
    _visible_to = visible_to


def visible_to(user) -> QuerySet | None:
    """The activities `user` may link an opinion to; None when no activities app is installed."""
    return None if _visible_to is None else _visible_to(user)
