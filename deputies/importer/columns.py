"""The columns of a registry file (one row per mandate, Chinese headers) and the words its cells use."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Gender, Level


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]  # the first is the canonical header
    english: str
    required: bool = False
    max_length: int | None = None

    @property
    def label(self) -> str:
        return f"「{self.headers[0]}」"


COLUMNS = (
    Column("name", ("姓名",), "name", required=True, max_length=50),
    Column("gender", ("性别",), "gender"),
    Column("level", ("层级",), "level", required=True),
    Column("congress", ("届别/人大", "届别", "人大", "人民代表大会"), "congress", required=True),
    Column("region", ("所在街镇", "街镇", "所在街道或镇"), "street or town", required=True),
    Column("constituency", ("选区",), "constituency", required=True),
    Column("group", ("代表小组",), "deputy group", required=True),
    Column("work_unit", ("工作单位",), "work unit", max_length=200),
    Column("position", ("职务",), "position", max_length=200),
    Column("public_phone", ("公开电话",), "public phone", max_length=30),
    Column("public_email", ("公开邮箱",), "public e-mail", max_length=254),
    Column("private_phone", ("本人手机",), "private mobile phone", max_length=30),
    Column("fields", ("行业领域",), "fields", max_length=200),
    Column("start_date", ("任期开始",), "term start", required=True),
    Column("end_date", ("任期结束",), "term end"),
    Column("end_reason", ("终止原因",), "reason the mandate ended", max_length=200),
    Column("registry_code", ("名册编号",), "registry code", max_length=50),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HEADER_TO_KEY = {header: column.key for column in COLUMNS for header in column.headers}

GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "male": Gender.MALE, "female": Gender.FEMALE}
GENDERS |= {"m": Gender.MALE, "f": Gender.FEMALE}
LEVELS = {"区级": Level.DISTRICT, "区": Level.DISTRICT, "district": Level.DISTRICT}
LEVELS |= {"镇级": Level.TOWN, "镇": Level.TOWN, "town": Level.TOWN}
