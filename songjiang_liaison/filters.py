"""Query-string filters that refuse what the database cannot take (issue 12): every `NumberFilter` of
a `BoundedFilterSet` accepts whole numbers only, ids within PostgreSQL's bigint, years within
`YEARS` — `?year=0`, `99999`, `0.0`, `-1.1` or `1e999` is a 400 naming the parameter, not a 500."""

from __future__ import annotations

import django_filters
from django import forms
from django_filters.widgets import BooleanWidget
from rest_framework.fields import BooleanField

YEARS = (1900, 2100)
LARGEST_ID = 2**63 - 1


def _is_year(name: str, flt) -> bool:
    return name == "year" or flt.lookup_expr == "year"


class StrictBooleanWidget(BooleanWidget):
    """true/false/1/0 as usual, empty for no filter; anything else is passed on for the field to refuse
    (django-filter would read `?current=null` as no filter, against the schema's `boolean`)."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        raw = data.get(name)
        return raw if value is None and raw not in (None, "") else value


class StrictNullBooleanField(forms.NullBooleanField):
    def to_python(self, value):
        if value in (True, False, None, ""):
            return super().to_python(value)
        raise forms.ValidationError(BooleanField.default_error_messages["invalid"], code="invalid")


def bound_number_filters(filters: dict) -> None:
    """Give every number filter integer bounds and make every yes/no filter refuse other words (in
    place; a filterset's filters are its own copies)."""
    for name, flt in filters.items():
        if isinstance(flt, django_filters.BooleanFilter):
            flt.field_class = StrictNullBooleanField
            flt.extra["widget"] = StrictBooleanWidget
            continue
        if not isinstance(flt, django_filters.NumberFilter):
            continue
        low, high = YEARS if _is_year(name, flt) else (-LARGEST_ID, LARGEST_ID)
        flt.extra.setdefault("min_value", low)
        flt.extra.setdefault("max_value", high)
        flt.extra.setdefault("decimal_places", 0)
        flt.extra.setdefault("max_digits", 19)


class BoundedFilterSet(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_number_filters(self.filters)
