"""A schematic map of the 17 streets and towns of Songjiang, drawn without any tile server.

No boundary file with a licence that allows bundling it could be found for the streets and towns,
so this is a **schematic** map: each place is the cell of the points nearest to its seat (a Voronoi
diagram of the 17 seats, clipped to a simplified outline of the district). The seats' positions are
approximate (to about 1 km), from public knowledge of where each street office and town government
sits; the outline is a hand-drawn simplification of the district's shape. Both were written for
this project and are under the project's own licence. Cells are not boundaries: a place near the
edge of a cell may belong to the neighbouring street or town.

`cells()` gives each place's SVG path in a fixed 400 × 360 view box, computed once per process.
"""

from __future__ import annotations

import functools
import math

from django.utils.translation import gettext_noop

# Approximate seats (longitude, latitude, WGS 84) of the 6 streets and 11 towns, by territory code.
SEATS: dict[str, tuple[float, float]] = {
    "yueyang": (121.226, 31.012),
    "yongfeng": (121.207, 30.990),
    "fangsong": (121.214, 31.040),
    "zhongshan": (121.262, 31.025),
    "guangfulin": (121.190, 31.066),
    "jiuliting": (121.305, 31.140),
    "sijing": (121.265, 31.122),
    "sheshan": (121.180, 31.098),
    "chedun": (121.290, 30.985),
    "xinqiao": (121.325, 31.075),
    "dongjing": (121.245, 31.083),
    "jiuting": (121.330, 31.112),
    "maogang": (121.160, 30.940),
    "shihudang": (121.125, 30.990),
    "xinbang": (121.060, 30.925),
    "yexie": (121.300, 30.935),
    "xiaokunshan": (121.115, 31.060),
}

# A simplified outline of the district (longitude, latitude), clockwise from the north-west.
OUTLINE: list[tuple[float, float]] = [
    (121.080, 31.085),
    (121.170, 31.135),
    (121.255, 31.150),
    (121.320, 31.165),
    (121.360, 31.120),
    (121.350, 31.045),
    (121.335, 30.960),
    (121.300, 30.895),
    (121.180, 30.905),
    (121.020, 30.895),
    (121.000, 30.950),
    (121.045, 31.020),
]

WIDTH, HEIGHT, MARGIN = 400, 360, 8
SOURCE_NOTE = gettext_noop(
    "示意图：按各街道、镇驻地的大致位置划分（维诺图），轮廓为简化示意，不是行政区划界线；"
    "由本平台绘制，随本项目的许可发布。"
)


def _project():
    lons = [p[0] for p in OUTLINE]
    lats = [p[1] for p in OUTLINE]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    squeeze = math.cos(math.radians((north + south) / 2))  # a degree of longitude is shorter
    scale = min((WIDTH - 2 * MARGIN) / ((east - west) * squeeze), (HEIGHT - 2 * MARGIN) / (north - south))

    def project(point):
        lon, lat = point
        return (MARGIN + (lon - west) * squeeze * scale, MARGIN + (north - lat) * scale)

    return project


def _clip(polygon, a, b, c):
    """Keep the part of a convex polygon where a·x + b·y <= c (Sutherland–Hodgman, one edge)."""
    out = []
    for i, p in enumerate(polygon):
        q = polygon[(i + 1) % len(polygon)]
        p_in = a * p[0] + b * p[1] <= c
        q_in = a * q[0] + b * q[1] <= c
        if p_in:
            out.append(p)
        if p_in != q_in:
            dp = a * p[0] + b * p[1] - c
            dq = a * q[0] + b * q[1] - c
            t = dp / (dp - dq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def _cell(code, seats, outline):
    """The part of the outline nearer to this seat than to any other: clip by each bisector."""
    x0, y0 = seats[code]
    cell = list(outline)
    for other, (x1, y1) in seats.items():
        if other == code:
            continue
        # Nearer to (x0, y0): 2(x1-x0)x + 2(y1-y0)y <= x1²+y1² - x0²-y0²
        cell = _clip(cell, 2 * (x1 - x0), 2 * (y1 - y0), x1 * x1 + y1 * y1 - x0 * x0 - y0 * y0)
        if not cell:
            break
    return cell


def _path(points) -> str:
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"


@functools.cache
def cells() -> dict[str, dict]:
    """For each territory code: the SVG path of its cell and where to put its label."""
    project = _project()
    seats = {code: project(point) for code, point in SEATS.items()}
    outline = [project(point) for point in OUTLINE]
    # Clipping by half-planes keeps any outline's shape (convex or not) inside each cell.
    result = {}
    for code in SEATS:
        polygon = _cell(code, seats, outline)
        x, y = seats[code]
        result[code] = {"path": _path(polygon), "x": round(x, 1), "y": round(y, 1)}
    return result


def outline_path() -> str:
    project = _project()
    return _path([project(point) for point in OUTLINE])
