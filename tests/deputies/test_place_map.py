"""The schematic map of the 17 streets and towns: every place gets a cell that holds its own seat,
the cells tile the district's outline without overlapping, and the map works as a picker on the
opinion form (a link per place without JavaScript) and as a coloured map of the public figures."""

import re

import pytest
from django.urls import reverse

from deputies import places_map
from deputies.data.territory import STREETS, TOWNS


def _points(path):
    return [tuple(map(float, pair.split(","))) for pair in re.findall(r"-?[\d.]+,-?[\d.]+", path)]


def _edges(points):
    return zip(points, points[1:] + points[:1], strict=True)


def _area(points):
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in _edges(points))) / 2


def _inside(point, polygon):
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in _edges(polygon):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def test_the_17_places_each_have_a_cell_holding_their_seat_and_the_cells_tile_the_outline():
    cells = places_map.cells()
    assert set(cells) == {code for _name, code, *_rest in STREETS + TOWNS}
    assert len(cells) == 17
    for code, cell in cells.items():
        assert _inside((cell["x"], cell["y"]), _points(cell["path"])), code
        assert 0 <= cell["x"] <= places_map.WIDTH and 0 <= cell["y"] <= places_map.HEIGHT
    total = sum(_area(_points(cell["path"])) for cell in cells.values())
    assert total == pytest.approx(_area(_points(places_map.outline_path())), rel=0.01)


def test_real_relative_positions_north_is_up_and_east_is_right():
    cells = places_map.cells()
    assert cells["sheshan"]["y"] < cells["yueyang"]["y"] < cells["yexie"]["y"]  # 佘山 north, 叶榭 south
    assert cells["xinbang"]["x"] < cells["yueyang"]["x"] < cells["jiuting"]["x"]  # 新浜 west, 九亭 east


@pytest.mark.django_db
def test_the_opinion_form_offers_the_map_as_a_picker_with_a_link_per_place(
    citizen, yueyang, yongfeng, sijing
):
    html = citizen.get(reverse("feedback:submit")).content.decode()
    assert 'data-map-picker="id_street"' in html
    for region in (yueyang, yongfeng, sijing):
        assert f'href="?region={region.pk}"' in html and f'data-region="{region.pk}"' in html
    assert "不是行政区划界线" in html  # the map says what it is
    assert "js/place_map.js" in html and "css/public.css" in html

    chosen = citizen.get(reverse("feedback:submit"), {"region": yongfeng.pk}).content.decode()
    assert f'<option value="{yongfeng.pk}" selected>' in chosen
    assert re.search(rf'class="map-cell selected" data-region="{yongfeng.pk}"', chosen)


@pytest.mark.django_db
def test_the_response_time_page_colours_the_places_by_opinions_received(citizen, yueyang, yongfeng):
    from tests.feedback.factories import OpinionFactory

    OpinionFactory(region=yueyang)
    OpinionFactory(region=yueyang)
    html = citizen.get(reverse("reports:response_times")).content.decode()
    assert re.search(
        rf'class="map-cell map-level-4" data-region="{yueyang.pk}" aria-label="岳阳街道 2件"', html
    )
    assert re.search(
        rf'class="map-cell map-level-0" data-region="{yongfeng.pk}" aria-label="永丰街道 0件"', html
    )
    assert f'href="/opinions/archive/?region={yueyang.pk}"' in html
