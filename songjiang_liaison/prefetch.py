"""Several small lists of the same objects in ONE query (issue 13: at most 10 queries a page).

`prefetch_related("attachments", "replies", "extensions")` reads each list with its own query.
`prefetch_together(objects, "attachments", "replies", "extensions")` reads them all at once: a
`UNION ALL` of each related table's rows, every row as one JSON object (`JSONObject`: PostgreSQL's
`jsonb_build_object`, SQLite's `json_object`), then fills the same prefetch cache, so that
`obj.replies.all()` answers from memory exactly as after `prefetch_related` (same rows, the related
model's default ordering, the reverse foreign key already set).

For reverse foreign keys whose rows hold plain columns (numbers, text, booleans, dates, times, files,
foreign key ids); a list that needs `select_related` or holds JSON or decimals keeps its own prefetch.
`GroupedPrefetchQuerySet.prefetch_together(...)` does it when a queryset is evaluated.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import CharField, F, Value
from django.db.models.functions import JSONObject
from django.utils.dateparse import parse_date, parse_datetime, parse_time

_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,  # and its Big/Small/Positive kinds
    models.CharField,  # and Slug, Email, URL
    models.TextField,
    models.BooleanField,
    models.DateField,  # and DateTimeField
    models.TimeField,
    models.FileField,  # and ImageField
    models.ForeignKey,  # the id column
)


def _value(field, value):
    """A column's value as the database driver would have given it."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if settings.USE_TZ and moment.tzinfo is None:  # SQLite keeps UTC without an offset
            moment = moment.replace(tzinfo=datetime.UTC)
        return moment
    if isinstance(field, models.DateField):
        return parse_date(value)
    if isinstance(field, models.TimeField):
        return parse_time(value)
    if isinstance(field, models.BooleanField):
        return bool(value)
    return value


def _relation(model, name: str):
    rel = getattr(model, name).rel  # a reverse foreign key's descriptor
    fields = rel.related_model._meta.concrete_fields
    unsupported = [f.name for f in fields if not isinstance(f, _PLAIN) or isinstance(f, models.JSONField)]
    if rel.many_to_many or rel.one_to_one or unsupported:
        raise ValueError(f"{model.__name__}.{name}: not a reverse foreign key of plain columns {unsupported}")
    return rel, fields


def _ordered(rows: list, ordering) -> list:
    for key in reversed(ordering or ["pk"]):
        name = key.lstrip("-")
        rows.sort(key=lambda obj: getattr(obj, name), reverse=key.startswith("-"))
    return rows


def prefetch_together(instances, *names: str, using: str | None = None) -> None:
    """Fill the prefetch cache of the reverse foreign keys ``names`` of ``instances`` (all of one
    model) with one query."""
    instances = [obj for obj in instances if obj is not None]
    if not instances or not names:
        return
    model = type(instances[0])
    by_pk = {obj.pk: obj for obj in instances}
    relations, parts = {}, []
    for name in names:
        rel, fields = _relation(model, name)
        relations[name] = (rel, fields)
        related = rel.related_model._default_manager.db_manager(using or instances[0]._state.db)
        parts.append(
            related.filter(**{f"{rel.field.attname}__in": list(by_pk)})
            .order_by()
            .annotate(
                together_list=Value(name, output_field=CharField()),
                together_row=JSONObject(**{f.attname: F(f.attname) for f in fields}),
            )
            .values_list("together_list", "together_row")
        )
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    found: dict[tuple[str, object], list] = {}
    db = query.db
    for name, row in query:
        rel, fields = relations[name]
        obj = rel.related_model.from_db(
            db, [f.attname for f in fields], [_value(f, row[f.attname]) for f in fields]
        )
        parent = by_pk[getattr(obj, rel.field.attname)]
        rel.field.set_cached_value(obj, parent)
        found.setdefault((name, parent.pk), []).append(obj)
    for name, (rel, _fields) in relations.items():
        ordering = rel.related_model._meta.ordering
        for obj in instances:
            set_prefetched(obj, name, _ordered(found.get((name, obj.pk), []), ordering))


def set_prefetched(obj, name: str, rows: list) -> None:
    """Answer ``obj.<name>.all()`` with ``rows`` from now on, as a prefetch would: for rows kept
    elsewhere (reference data memoised per data version), a reverse foreign key or a many-to-many."""
    manager = getattr(obj, name)
    queryset = manager.get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    cache_name = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    obj._prefetched_objects_cache[cache_name] = queryset


class GroupedPrefetchQuerySet(models.QuerySet):
    """A queryset that can read several small lists of its rows together (`prefetch_together`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._together: tuple[str, ...] = ()

    def prefetch_together(self, *names: str):
        clone = self._chain()
        clone._together = (*self._together, *names)
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._together = self._together
        return clone

    def _fetch_all(self):
        fetched = self._result_cache is not None
        super()._fetch_all()
        if not fetched and self._together and self._iterable_class is models.query.ModelIterable:
            prefetch_together(self._result_cache, *self._together, using=self.db)
