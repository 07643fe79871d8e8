"""`manage.py import_registry FILE`: liaison offices' CSV and XLSX lists, all or nothing."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from deputies.importer import ImportRefused, import_registry, parse_date
from deputies.models import ContactPointKind, Deputy, DeputyStatus, Gender, Person
from tests import factories as f

HEADER = [
    "姓名",
    "性别",
    "层级",
    "届别/人大",
    "所在街镇",
    "选区",
    "代表小组",
    "工作单位",
    "职务",
    "公开电话",
    "公开邮箱",
    "本人手机",
    "任期开始",
    "任期结束",
    "终止原因",
    "名册编号",
]
DISTRICT_ROW = {
    "姓名": "张建华",
    "性别": "男",
    "层级": "区级",
    "届别/人大": "松江区第六届人民代表大会",
    "所在街镇": "岳阳街道",
    "选区": "岳阳第1选区",
    "代表小组": "岳阳街道代表小组",
    "工作单位": "岳阳街道社区卫生服务中心",
    "职务": "主任",
    "公开电话": "021-57781234",
    "公开邮箱": "zhang@example.org",
    "本人手机": "13912345678",
    "任期开始": "2022-01-01",
    "任期结束": "2026-12-31",
    "名册编号": "SJ6-9001",
}
TOWN_ROW = {
    **DISTRICT_ROW,
    "层级": "镇级",
    "届别/人大": "泗泾镇第十八届人民代表大会",
    "所在街镇": "泗泾镇",
    "选区": "泗泾第1选区",
    "代表小组": "泗泾镇代表小组",
    "任期开始": "2022/1/1",
    "任期结束": "2026年12月31日",
}
OTHER_ROW = {
    **DISTRICT_ROW,
    "姓名": "刘晓燕",
    "性别": "女",
    "所在街镇": "永丰街道",
    "选区": "永丰第1选区",
    "代表小组": "永丰街道代表小组",
    "公开电话": "021-57785678",
    "本人手机": "13687654321",
    "名册编号": "SJ6-9002",
}


@pytest.fixture
def registry(district_congress, town_congress, yueyang_constituency, yongfeng_constituency, sijing):
    f.DeputyGroupFactory(
        congress=district_congress, name="岳阳街道代表小组", region=yueyang_constituency.region
    )
    f.DeputyGroupFactory(
        congress=district_congress, name="永丰街道代表小组", region=yongfeng_constituency.region
    )
    f.ConstituencyFactory(congress=town_congress, name="泗泾第1选区", region=sijing)
    f.DeputyGroupFactory(congress=town_congress, name="泗泾镇代表小组", region=sijing)
    return district_congress


def write_csv(path, rows, *, header=HEADER, encoding="utf-8"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path, rows, *, header=HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    workbook.save(path)
    return path


def run_import(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_registry", str(path), stdout=out, stderr=err)
    return out.getvalue()


def refused_errors(path):
    """Run the command, expect a refusal, return the error report."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据.*nothing was written"):
        call_command("import_registry", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def row_counts():
    return {
        model._meta.label: model.objects.count() for model in apps.get_app_config("deputies").get_models()
    }


# --- the happy path ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"], ids=["utf8", "utf8-bom", "gb18030"])
def test_a_csv_list_creates_people_and_their_mandates(registry, tmp_path, encoding):
    path = write_csv(tmp_path / "名册.csv", [DISTRICT_ROW, TOWN_ROW, OTHER_ROW], encoding=encoding)

    out = run_import(path)

    assert "新增代表资格 3 条" in out
    assert "3 mandates created" in out
    zhang = Person.objects.get(registry_code="SJ6-9001")
    assert zhang.name == "张建华"
    assert zhang.gender == Gender.MALE
    district, town = zhang.mandates.order_by("congress__level")
    assert district.congress == registry
    assert district.constituency.name == "岳阳第1选区"
    assert district.group.name == "岳阳街道代表小组"
    assert district.work_unit == "岳阳街道社区卫生服务中心"
    assert district.public_phone == "021-57781234"
    assert district.public_email == "zhang@example.org"
    assert district.private_phone == "13912345678"
    assert district.start_date == datetime.date(2022, 1, 1)
    assert district.end_date == datetime.date(2026, 12, 31)
    assert district.status == DeputyStatus.SERVING
    # The same 名册编号 in a district and a town row: one person, two mandates (R-REG-1).
    assert town.congress.name == "泗泾镇第十八届人民代表大会"
    assert town.end_date == datetime.date(2026, 12, 31)
    assert Person.objects.get(registry_code="SJ6-9002").gender == Gender.FEMALE


def test_a_new_deputy_is_received_at_the_home_of_their_street(registry, yueyang, tmp_path):
    home = f.ContactPointFactory(name="岳阳街道人大代表之家", kind=ContactPointKind.HOME, region=yueyang)
    f.ContactPointFactory(name="某联络站", kind=ContactPointKind.STATION, region=yueyang)

    run_import(write_csv(tmp_path / "名册.csv", [DISTRICT_ROW, OTHER_ROW]))

    assert Deputy.objects.get(person__name="张建华").contact_point == home
    assert Deputy.objects.get(person__name="刘晓燕").contact_point is None  # 永丰 has no home yet


def test_an_xlsx_list_with_date_cells_and_numeric_phone_cells_is_imported(registry, tmp_path):
    row = {
        **DISTRICT_ROW,
        "任期开始": datetime.datetime(2023, 3, 15),
        "任期结束": datetime.date(2026, 12, 31),
        "本人手机": 13912345678,
    }
    town_row = {**TOWN_ROW, "任期开始": "2022年1月1日"}
    path = write_xlsx(tmp_path / "名册.xlsx", [row, {}, town_row])  # a blank line in between is skipped

    run_import(path)

    deputy = Deputy.objects.get(person__registry_code="SJ6-9001", congress=registry)
    assert deputy.start_date == datetime.date(2023, 3, 15)
    assert deputy.end_date == datetime.date(2026, 12, 31)
    assert deputy.private_phone == "13912345678"
    assert Deputy.objects.count() == 2


def test_an_xlsx_refusal_names_the_spreadsheet_row(registry, tmp_path):
    path = write_xlsx(tmp_path / "名册.xlsx", [DISTRICT_ROW, {**OTHER_ROW, "所在街镇": "外滩街道"}])
    with pytest.raises(ImportRefused) as refused:
        import_registry(path=path)
    assert [str(e) for e in refused.value.errors] == [
        "第3行：未知的街镇「外滩街道」 / Row 3: unknown street or town '外滩街道'"
    ]


def test_importing_the_same_file_again_updates_instead_of_duplicating(registry, tmp_path):
    path = write_csv(tmp_path / "名册.csv", [DISTRICT_ROW, TOWN_ROW])
    run_import(path)
    before = row_counts()

    out = run_import(path)

    assert "未变 2 条" in out
    assert row_counts() == before  # not even a history row
    ended = {**DISTRICT_ROW, "职务": "副主任", "任期结束": "2025-06-30", "终止原因": "调离本区"}
    write_csv(path, [ended, TOWN_ROW])
    out = run_import(path)
    assert "更新 1 条" in out
    deputy = Deputy.objects.get(person__registry_code="SJ6-9001", congress=registry)
    assert deputy.position == "副主任"
    assert deputy.status == DeputyStatus.ENDED  # the term ended before today
    assert deputy.end_reason == "调离本区"
    assert Deputy.objects.count() == 2
    assert Person.objects.count() == 1


def test_without_a_registry_code_a_person_is_matched_by_name_within_the_congress(registry, tmp_path):
    path = write_csv(tmp_path / "名册.csv", [{**DISTRICT_ROW, "名册编号": ""}])
    run_import(path)
    write_csv(path, [{**DISTRICT_ROW, "名册编号": "", "工作单位": "新单位"}])

    run_import(path)

    assert Deputy.objects.get().work_unit == "新单位"
    assert Person.objects.count() == 1


def test_a_later_import_with_registry_codes_adopts_the_people_imported_without(registry, tmp_path):
    path = write_csv(tmp_path / "名册.csv", [{**DISTRICT_ROW, "名册编号": ""}])
    run_import(path)
    write_csv(path, [DISTRICT_ROW])

    run_import(path)

    assert Person.objects.get().registry_code == "SJ6-9001"
    assert Deputy.objects.count() == 1


def test_dry_run_validates_and_writes_nothing(registry, tmp_path):
    path = write_csv(tmp_path / "名册.csv", [DISTRICT_ROW])
    out = io.StringIO()
    call_command("import_registry", str(path), "--dry-run", stdout=out)
    assert "校验通过" in out.getvalue()
    assert not Deputy.objects.exists()


# --- refusals ------------------------------------------------------------------------------------

BAD_ROWS = [
    ({"所在街镇": "外滩街道"}, "第3行：未知的街镇「外滩街道」 / Row 3: unknown street or town '外滩街道'"),
    (
        {"届别/人大": "松江区第九届人民代表大会"},
        "第3行：未知的人民代表大会「松江区第九届人民代表大会」 / "
        "Row 3: unknown congress '松江区第九届人民代表大会'",
    ),
    (
        {"选区": "永丰第9选区"},
        "第3行：「松江区第六届人民代表大会」中没有选区「永丰第9选区」 / "
        "Row 3: unknown constituency '永丰第9选区' in the congress '松江区第六届人民代表大会'",
    ),
    (
        {"选区": "岳阳第1选区"},
        "第3行：选区「岳阳第1选区」不属于「永丰街道」 / "
        "Row 3: the constituency '岳阳第1选区' is not in '永丰街道'",
    ),
    (
        {"代表小组": "不存在的小组"},
        "第3行：「松江区第六届人民代表大会」中没有代表小组「不存在的小组」 / "
        "Row 3: unknown deputy group '不存在的小组' in the congress '松江区第六届人民代表大会'",
    ),
    ({"姓名": ""}, "第3行：缺少「姓名」 / Row 3: missing name (姓名)"),
    ({"任期开始": ""}, "第3行：缺少「任期开始」 / Row 3: missing term start (任期开始)"),
    (
        {"公开电话": "57-12"},
        "第3行：「公开电话」号码格式不正确：57-12 / "
        "Row 3: bad phone number in public phone (公开电话): '57-12'",
    ),
    (
        {"本人手机": "1391234567"},
        "第3行：「本人手机」号码格式不正确：1391234567 / "
        "Row 3: bad phone number in private mobile phone (本人手机): '1391234567'",
    ),
    (
        {"任期开始": "2022-02-30"},
        "第3行：「任期开始」日期「2022-02-30」无法识别（可用格式：2022-01-01、2022/1/1、2022年1月1日） / "
        "Row 3: cannot read the date '2022-02-30' in term start (任期开始); "
        "use 2022-01-01, 2022/1/1 or 2022年1月1日",
    ),
    (
        {"任期结束": "明年"},
        "第3行：「任期结束」日期「明年」无法识别（可用格式：2022-01-01、2022/1/1、2022年1月1日） / "
        "Row 3: cannot read the date '明年' in term end (任期结束); use 2022-01-01, 2022/1/1 or 2022年1月1日",
    ),
    (
        {"任期开始": "2024-01-01", "任期结束": "2023-01-01"},
        "第3行：任期结束日期早于任期开始日期 / Row 3: the term end is before the term start",
    ),
    (
        {"任期开始": "2019-01-01"},
        "第3行：任期开始日期 2019-01-01 不在「松江区第六届人民代表大会」的届期内 / "
        "Row 3: the term start 2019-01-01 is outside the term of '松江区第六届人民代表大会'",
    ),
    (
        {"性别": "未知"},
        "第3行：性别「未知」无效，应为「男」或「女」 / Row 3: invalid gender '未知' (use 男 or 女)",
    ),
    (
        {"层级": "市级"},
        "第3行：层级「市级」无效，应为「区级」或「镇级」 / Row 3: invalid level '市级' (use 区级 or 镇级)",
    ),
    (
        {"层级": "镇级"},
        "第3行：层级「镇级」与「松江区第六届人民代表大会」不符 / "
        "Row 3: level '镇级' does not match the congress '松江区第六届人民代表大会'",
    ),
    (
        {"公开邮箱": "not-an-address"},
        "第3行：「公开邮箱」格式不正确：not-an-address / Row 3: bad e-mail address 'not-an-address'",
    ),
    (
        {"名册编号": "SJ6-9001"},
        "第3行：名册编号「SJ6-9001」在第2行属于「张建华」 / "
        "Row 3: registry code 'SJ6-9001' belongs to '张建华' in row 2",
    ),
]


@pytest.mark.parametrize("change, message", BAD_ROWS, ids=[m.split("Row 3: ")[1][:45] for _, m in BAD_ROWS])
def test_a_bad_row_refuses_the_whole_file_with_a_bilingual_message(registry, tmp_path, change, message):
    path = write_csv(tmp_path / "名册.csv", [DISTRICT_ROW, {**OTHER_ROW, **change}, TOWN_ROW])
    before = row_counts()

    report = refused_errors(path)

    assert message in report.splitlines()
    assert row_counts() == before  # nothing written, not even the two good rows


def test_a_town_deputy_outside_the_town_is_refused(registry, tmp_path):
    path = write_csv(tmp_path / "名册.csv", [{**TOWN_ROW, "所在街镇": "岳阳街道"}])
    assert (
        "第2行：「岳阳街道」不在「泗泾镇第十八届人民代表大会」的范围内 / "
        "Row 2: '岳阳街道' is not within the congress '泗泾镇第十八届人民代表大会'"
    ) in refused_errors(path)


def test_the_same_person_twice_in_one_congress_in_the_file_is_refused(registry, tmp_path):
    path = write_csv(tmp_path / "名册.csv", [DISTRICT_ROW, OTHER_ROW, {**DISTRICT_ROW, "职务": "另一职务"}])
    assert (
        "第4行：与第2行重复：同一人在「松江区第六届人民代表大会」中只能有一个代表资格 / "
        "Row 4: duplicate of row 2: one person holds one mandate per congress ('松江区第六届人民代表大会')"
    ) in refused_errors(path).splitlines()
    assert not Deputy.objects.exists()


def test_a_second_registration_of_a_deputy_already_in_the_database_is_refused(registry, tmp_path):
    path = write_csv(tmp_path / "名册.csv", [DISTRICT_ROW])
    run_import(path)
    before = row_counts()
    write_csv(path, [OTHER_ROW, {**DISTRICT_ROW, "名册编号": "SJ6-7777"}])

    report = refused_errors(path)

    assert (
        "第3行：「松江区第六届人民代表大会」已有代表「张建华」（名册编号「SJ6-9001」），"
        "与本行名册编号「SJ6-7777」不符，同一人不能重复登记"
    ) in report
    assert row_counts() == before


def test_a_coded_person_cannot_join_a_congress_that_already_has_them_without_a_code(registry, tmp_path):
    run_import(write_csv(tmp_path / "town.csv", [TOWN_ROW]))
    run_import(write_csv(tmp_path / "district.csv", [{**DISTRICT_ROW, "名册编号": ""}]))
    before = row_counts()

    report = refused_errors(write_csv(tmp_path / "again.csv", [DISTRICT_ROW]))

    assert (
        "第2行：「松江区第六届人民代表大会」已有未填名册编号的代表「张建华」，同一人不能重复登记 / "
        "Row 2: '松江区第六届人民代表大会' already has a deputy '张建华' without a registry code; "
        "one person cannot be registered twice"
    ) in report
    assert row_counts() == before


def test_a_registry_code_already_held_by_someone_else_is_refused(registry, tmp_path):
    path = write_csv(tmp_path / "名册.csv", [DISTRICT_ROW])
    run_import(path)
    write_csv(path, [{**OTHER_ROW, "名册编号": "SJ6-9001"}])
    assert (
        "第2行：名册编号「SJ6-9001」已登记为「张建华」，与姓名「刘晓燕」不符 / "
        "Row 2: registry code 'SJ6-9001' is already registered to '张建华', not '刘晓燕'"
    ) in refused_errors(path)


def test_every_bad_row_is_reported_not_only_the_first(registry, tmp_path):
    path = write_csv(
        tmp_path / "名册.csv",
        [{**DISTRICT_ROW, "所在街镇": "甲"}, OTHER_ROW, {**TOWN_ROW, "公开电话": "abc", "性别": "?"}],
    )
    report = refused_errors(path)
    assert "第2行：未知的街镇「甲」" in report
    assert "第4行：「公开电话」号码格式不正确：abc" in report
    assert "第4行：性别「?」无效" in report
    assert "第3行" not in report


def test_a_file_without_a_required_column_is_refused(registry, tmp_path):
    header = [column for column in HEADER if column != "选区"]
    path = write_csv(tmp_path / "名册.csv", [DISTRICT_ROW], header=header)
    assert (
        "文件缺少必填列「选区」 / the file lacks the required column '选区' (constituency)"
        in refused_errors(path)
    )


def test_an_unsupported_file_type_is_refused(registry, tmp_path):
    path = tmp_path / "名册.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert "不支持的文件格式「.pdf」" in refused_errors(path)


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_registry", str(tmp_path / "none.csv"))


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2022-01-01", datetime.date(2022, 1, 1)),
        ("2022/1/1", datetime.date(2022, 1, 1)),
        ("2022.1.1", datetime.date(2022, 1, 1)),
        ("2022年1月1日", datetime.date(2022, 1, 1)),
        ("2022年01月01", datetime.date(2022, 1, 1)),
        ("20220101", datetime.date(2022, 1, 1)),
        ("2022-01-01 00:00:00", datetime.date(2022, 1, 1)),
        (datetime.datetime(2022, 1, 1, 8, 0), datetime.date(2022, 1, 1)),
        (datetime.date(2022, 1, 1), datetime.date(2022, 1, 1)),
        (44562, datetime.date(2022, 1, 1)),  # an Excel serial day number
        ("2022-13-01", None),
        ("01/02/2022", None),  # ambiguous day/month order: refused rather than guessed
        ("下个月", None),
    ],
)
def test_dates_are_read_in_the_formats_offices_use(value, expected):
    assert parse_date(value) == expected
