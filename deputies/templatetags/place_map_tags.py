"""`{% place_map %}`: the schematic map of the 17 streets and towns (`deputies.places_map`), drawn as
inline SVG with one link per place: a picker on the opinion form, a coloured map on statistics."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from deputies import places_map
from deputies.models import Region
from songjiang_liaison import pagecache

register = template.Library()

LEVELS = 5  # colour classes map-level-0 … map-level-4, each with its number written on the map


def _level(value, top) -> int:
    if not value or not top:
        return 0
    return min(LEVELS - 1, 1 + int((LEVELS - 2) * value / top + 0.5))


def _regions() -> dict[str, tuple[int, str]]:
    return {
        code: (pk, name)
        for pk, code, name in Region.objects.streets_and_towns().values_list("pk", "code", "name")
    }


@register.inclusion_tag("deputies/_place_map.html")
def place_map(*, href="", values=None, unit="", picker_for="", selected=None, title=""):
    """`href`: each place's link, with `{id}` for the region's id; `values`: region id → number,
    colouring the places (darker is more) and written under their names with `unit`;
    `picker_for`: the id of the <select> a click chooses the place in (static/js/place_map.js)."""
    regions = pagecache.memo("place-map-regions", _regions)
    values = values or {}
    top = max(values.values(), default=0)
    selected_id = getattr(selected, "pk", selected)
    cells = []
    for code, cell in places_map.cells().items():
        if code not in regions:
            continue
        pk, name = regions[code]
        value = values.get(pk)
        label = name if value is None else f"{name} {value}{unit}"
        cells.append(
            {
                **cell,
                "region_id": pk,
                "name": name,
                "value": value,
                "label": label,
                "href": href.replace("{id}", str(pk)) if href else "",
                "level": _level(value, top) if values else None,
                "selected": selected_id is not None and str(pk) == str(selected_id),
            }
        )
    return {
        "cells": cells,
        "outline": places_map.outline_path(),
        "width": places_map.WIDTH,
        "height": places_map.HEIGHT,
        "picker_for": picker_for,
        "title": title or _("松江区街道、镇示意图"),
        "source_note": _(places_map.SOURCE_NOTE),
        "coloured": bool(values),
        "unit": unit,
    }
