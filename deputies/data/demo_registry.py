"""The invented facts of the registry demo (`deputies/demo.py`): the congresses' terms, how many
deputies each street or town elects in the demo, handling units, committees, the district's offices
and the venues' opening hours. The real territory is in `territory.py`."""

from __future__ import annotations

import datetime
import itertools

from ..models import CommitteeKind, Gender, OrganizationKind
from . import territory

DISTRICT_CONGRESS = {
    "term_number": 6,
    "name": "松江区第六届人民代表大会",
    "start_date": datetime.date(2022, 1, 1),
    "end_date": datetime.date(2026, 12, 31),
}
TOWN_TERM_NUMBER = 18
TOWN_TERM = (datetime.date(2022, 1, 1), datetime.date(2026, 12, 31))

# District deputies elected per street or town (the real congress has about 300; the demo is smaller).
DISTRICT_SEATS_STREET = 4
DISTRICT_SEATS_TOWN = 3
DISTRICT_SEATS_BIG_TOWN = 4  # the towns that also have a town congress in the demo
TOWN_SEATS_PER_CONSTITUENCY = 5

HANDLING_UNITS = [
    ("区住房和城乡建设管理委员会", "城建、住房"),
    ("区教育局", "教育"),
    ("区卫生健康委员会", "卫生"),
    ("区交通委员会", "交通"),
    ("区生态环境局", "生态环境"),
    ("区民政局", "民政、社会保障"),
    ("区城市管理行政执法局", "城市管理"),
    ("区市场监督管理局", "市场监管"),
]

SPECIAL_COMMITTEES = [
    ("松江区人大城市建设环境保护委员会", CommitteeKind.SPECIAL, "城建、交通、生态环境、城市管理"),
    ("松江区人大教育科学文化卫生委员会", CommitteeKind.SPECIAL, "教育、科技、文化、卫生"),
    ("松江区人大常委会社会建设工作委员会", CommitteeKind.WORKING, "民政、社会保障"),
]
STANDING_COMMITTEE_NAME = "松江区人大常委会"
STANDING_TITLES = ["主任", "副主任", "副主任", "委员", "委员", "委员", "委员", "委员"]

OPENING_HOURS = "周一至周五 9:00—11:30，13:30—17:00"
HOME_SCHEDULE = "每周三上午 9:00—11:30 代表接待日，由本街镇代表轮值"
STATION_HOURS = "周二、周四 14:00—17:00"
STATION_SCHEDULE = "每月第一个周四下午 代表进站接待"
RECEPTION_WEEKDAY = 2  # Wednesday
RECEPTION_WEEKS = 4

# The district-wide bodies: name, kind, description.
DISTRICT_BODIES = [
    ("松江区人大常委会办公室", OrganizationKind.STANDING_OFFICE, "区人大常委会的综合办事机构。"),
    (
        "松江区人大常委会人事代表工作室",
        OrganizationKind.PERSONNEL_OFFICE,
        "负责代表联络、履职服务，向市人大代表转交市级事项。",
    ),
    ("松江区人大常委会办公室信访科", OrganizationKind.LETTERS_SECTION, "受理人民群众来信来访。"),
]

# Contact points (代表联系点) beside the homes and stations: street or town, name, address.
POINTS = [
    ("guangfulin", "松江大学城代表联系点", "文汇路1000号"),
    ("jiuliting", "G60科创云廊代表联系点", "沪亭北路200号"),
    ("sheshan", "佘山度假区代表联系点", "林荫新路88号"),
]


def person_names() -> list[tuple[str, str]]:
    """Invented, unique Chinese names with a gender, in a stable order (index 0 unused)."""
    names, seen = [("", "")], set()
    for i in itertools.count():
        surname = territory.SURNAMES[(i * 7) % len(territory.SURNAMES)]
        female = i % 2 == 0
        pool = territory.GIVEN_NAMES_FEMALE if female else territory.GIVEN_NAMES_MALE
        name = surname + pool[(i * 3 + i // len(pool)) % len(pool)]
        if name in seen:
            continue
        seen.add(name)
        names.append((name, Gender.FEMALE if female else Gender.MALE))
        if len(names) > 200:
            return names
    raise AssertionError("unreachable")
