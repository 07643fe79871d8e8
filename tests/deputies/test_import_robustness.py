"""`import_registry` on the awkward files and histories offices really have: refused with a per-row
report in Chinese and English, never a traceback, and nothing written.

张建华 is a district deputy (岳阳) and a town deputy (泗泾): one person, two mandates (R-REG-1)."""

import csv
import zipfile

import pytest
from django.db import IntegrityError

from deputies import importer
from deputies.importer import ImportRefused, import_registry
from deputies.models import Committee, CommitteeKind, CommitteeMember, Deputy, Gender, Person
from tests import factories as f
from tests.deputies.test_import import (  # noqa: F401 (registry is a fixture)
    DISTRICT_ROW,
    OTHER_ROW,
    TOWN_ROW,
    refused_errors,
    registry,
    row_counts,
    run_import,
    write_csv,
    write_xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry")]

CODE = DISTRICT_ROW["名册编号"]
UNCODED_DISTRICT = {**DISTRICT_ROW, "名册编号": ""}
UNCODED_TOWN = {**TOWN_ROW, "名册编号": ""}


def import_rows(tmp_path, rows, name="名册.csv"):
    return run_import(write_csv(tmp_path / name, rows))


def zhang_without_code():
    """The people named 张建华 an import without 名册编号 created, district mandate first."""
    people = list(Person.objects.filter(name="张建华").order_by("mandates__congress__level"))
    assert all(person.registry_code is None for person in people)
    return people


# --- one person for one registry code ------------------------------------------------------------


def test_both_mandates_imported_without_a_code_become_one_person_when_the_code_arrives(tmp_path):
    import_rows(tmp_path, [UNCODED_DISTRICT, UNCODED_TOWN], "before.csv")
    district_person, town_person = zhang_without_code()  # two people: nothing told they are one
    mandates = set(Deputy.objects.values_list("pk", flat=True))

    out = import_rows(tmp_path, [DISTRICT_ROW, TOWN_ROW])

    zhang = Person.objects.get(name="张建华")
    assert zhang.pk == district_person.pk  # the older record is kept
    assert zhang.registry_code == CODE
    assert set(zhang.mandates.values_list("pk", flat=True)) == mandates  # opinions keep their deputy
    assert not Person.objects.filter(pk=town_person.pk).exists()
    assert "合并重复登记的人员 1 人" in out
    assert "1 duplicate people merged" in out
    before = row_counts()
    assert "未变 2 条" in import_rows(tmp_path, [DISTRICT_ROW, TOWN_ROW], "again.csv")
    assert row_counts() == before


def test_the_merged_person_keeps_the_login_account_the_photo_and_the_committee_seat(
    tmp_path, deputy_user, district_congress
):
    import_rows(tmp_path, [UNCODED_DISTRICT, UNCODED_TOWN], "before.csv")
    district_person, town_person = zhang_without_code()
    district_person.photo = "deputies/photos/zhang.jpg"
    district_person.save()
    town_person.user = deputy_user  # the town office linked his account to its record
    town_person.save()
    standing = Committee.objects.create(
        congress=district_congress, kind=CommitteeKind.STANDING, name="常委会"
    )
    seat = CommitteeMember.objects.create(committee=standing, person=district_person)

    import_rows(tmp_path, [DISTRICT_ROW, TOWN_ROW])

    zhang = Person.objects.get(name="张建华")
    assert zhang.user == deputy_user
    assert zhang.photo.name == "deputies/photos/zhang.jpg"
    assert zhang.mandates.count() == 2
    assert list(zhang.committee_seats.all()) == [seat]


@pytest.mark.parametrize("earlier", [UNCODED_DISTRICT, UNCODED_TOWN], ids=["district-only", "town-only"])
def test_a_person_with_one_mandate_imported_without_a_code_gets_the_other_mandate(tmp_path, earlier):
    import_rows(tmp_path, [earlier], "before.csv")
    (person,) = zhang_without_code()

    out = import_rows(tmp_path, [DISTRICT_ROW, TOWN_ROW])

    zhang = Person.objects.get(name="张建华")
    assert zhang.pk == person.pk
    assert zhang.registry_code == CODE
    assert zhang.mandates.count() == 2
    assert "新增代表资格 1 条" in out
    assert "新增人员 0 人" in out


@pytest.mark.parametrize(
    "conflict, field_zh, field_en",
    [
        ("accounts", "登录账户", "login accounts"),
        ("genders", "性别", "genders"),
        ("photos", "照片", "photos"),
    ],
)
def test_two_people_whose_records_conflict_are_not_merged_and_the_rows_are_refused(
    tmp_path, conflict, field_zh, field_en
):
    import_rows(tmp_path, [UNCODED_DISTRICT, UNCODED_TOWN], "before.csv")
    district_person, town_person = zhang_without_code()
    if conflict == "accounts":
        district_person.user = f.UserFactory(username="zhang-district")
        town_person.user = f.UserFactory(username="zhang-town")
    elif conflict == "genders":
        town_person.gender = Gender.FEMALE
    else:
        district_person.photo = "deputies/photos/a.jpg"
        town_person.photo = "deputies/photos/b.jpg"
    district_person.save()
    town_person.save()
    before = row_counts()

    report = refused_errors(write_csv(tmp_path / "名册.csv", [DISTRICT_ROW, TOWN_ROW]))

    a, b = district_person.pk, town_person.pk
    assert (
        f"第3行：名册编号「{CODE}」在第2行和本行分别对应不同的已登记人员「张建华」（人员编号 {a}、{b}），"
        f"其{field_zh}冲突，不能自动合并为一人；请先在后台核对 / "
        f"Row 3: registry code '{CODE}' in row 2 and in this row matches different registered people "
        f"named '张建华' (person ids {a}, {b}) whose {field_en} conflict; they cannot be merged "
        "automatically, check them in the admin first"
    ) in report.splitlines()
    assert row_counts() == before


def test_one_registered_person_cannot_take_two_registry_codes(tmp_path, town_congress, sijing):
    import_rows(tmp_path, [UNCODED_DISTRICT], "before.csv")
    (person,) = zhang_without_code()
    Deputy.objects.create(  # staff added his town mandate to the same record in the admin
        person=person,
        congress=town_congress,
        constituency=town_congress.constituencies.get(name="泗泾第1选区"),
        group=town_congress.groups.get(name="泗泾镇代表小组"),
        start_date=town_congress.start_date,
    )
    before = row_counts()

    report = refused_errors(
        write_csv(tmp_path / "名册.csv", [DISTRICT_ROW, {**TOWN_ROW, "名册编号": "SJ18-1"}])
    )

    assert (
        f"第3行：名册编号「SJ18-1」与第2行的「{CODE}」对应同一名已登记的「张建华」（人员编号 {person.pk}），"
        f"一人只能有一个名册编号 / Row 3: registry code 'SJ18-1' and '{CODE}' in row 2 match the same "
        f"registered person '张建华' (person id {person.pk}); a person has one registry code"
    ) in report.splitlines()
    assert row_counts() == before


def test_a_clash_found_only_while_writing_refuses_the_file_and_writes_nothing(tmp_path, monkeypatch):
    """Another import may register the same code between the checks and the writing."""
    validate = importer.validate

    def validate_then_someone_else_writes(header, data):
        result = validate(header, data)
        Person.objects.create(name="张建华", registry_code=CODE)
        return result

    monkeypatch.setattr(importer, "validate", validate_then_someone_else_writes)

    with pytest.raises(ImportRefused) as refused:
        import_registry(path=write_csv(tmp_path / "名册.csv", [OTHER_ROW, DISTRICT_ROW]))

    (error,) = refused.value.errors
    assert error.row == 3
    assert "与数据库中已有的记录冲突，未写入任何数据" in error.zh
    assert "nothing was written" in error.en
    assert not Deputy.objects.exists()
    assert not Person.objects.exists()  # the other import's person was rolled back with ours here


def test_a_database_error_while_writing_is_reported_by_the_command_not_raised(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(importer.Deputy, "save", fail)

    report = refused_errors(write_csv(tmp_path / "名册.csv", [DISTRICT_ROW]))

    assert "第2行：" in report
    assert "未写入任何数据" in report
    assert not Person.objects.exists()


# --- files that are not what their name says ----------------------------------------------------


def old_xls(path):
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512)  # an Excel 97-2003 file


def random_bytes(path):
    path.write_bytes(b"not a zip at all")


def empty_file(path):
    path.write_bytes(b"")


def zip_without_a_workbook(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")


def truncated_workbook(path):
    write_xlsx(path, [DISTRICT_ROW])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def workbook_with_a_broken_sheet(path):
    good = path.with_name("good.xlsx")
    write_xlsx(good, [DISTRICT_ROW])
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)


@pytest.mark.parametrize(
    "make",
    [
        old_xls,
        random_bytes,
        empty_file,
        zip_without_a_workbook,
        truncated_workbook,
        workbook_with_a_broken_sheet,
    ],
)
def test_a_file_named_xlsx_that_is_not_a_readable_workbook_is_refused(tmp_path, make):
    path = tmp_path / "名册.xlsx"
    make(path)

    report = refused_errors(path)

    assert (
        "无法打开 XLSX 文件：文件已损坏或不是 XLSX 格式（Excel 97-2003 的 .xls 请另存为 .xlsx 或 CSV）"
        in report
    )
    assert "cannot open the XLSX file: it is damaged or not an XLSX workbook" in report
    assert not Deputy.objects.exists()


# --- very long values ----------------------------------------------------------------------------


def test_a_csv_cell_longer_than_the_csv_reader_allows_is_refused_with_its_row(tmp_path):
    limit = csv.field_size_limit()
    path = write_csv(tmp_path / "名册.csv", [OTHER_ROW, {**DISTRICT_ROW, "工作单位": "x" * (limit + 1)}])

    report = refused_errors(path)

    assert (
        f"第3行：有单元格超过 {limit} 个字符，无法读取文件 / "
        f"Row 3: a cell is longer than {limit} characters; the file cannot be read"
    ) in report.splitlines()
    assert not Deputy.objects.exists()


def test_a_malformed_csv_is_refused_not_raised(tmp_path, monkeypatch):
    def broken_reader(*args, **kwargs):
        yield ["姓名"]
        raise csv.Error("unexpected end of data")

    monkeypatch.setattr(importer.csv, "reader", broken_reader)
    path = write_csv(tmp_path / "名册.csv", [DISTRICT_ROW])

    assert (
        "第2行：CSV 格式有误，无法读取文件 / Row 2: malformed CSV (unexpected end of data); "
        "the file cannot be read"
    ) in refused_errors(path).splitlines()


BOUNDED = [column for column in importer.COLUMNS if column.max_length]
EVERY_COLUMN = [column.headers[0] for column in importer.COLUMNS]


@pytest.mark.parametrize("column", BOUNDED, ids=[column.key for column in BOUNDED])
@pytest.mark.parametrize("suffix, write", [("csv", write_csv), ("xlsx", write_xlsx)], ids=["csv", "xlsx"])
def test_a_value_too_long_for_its_field_is_refused_naming_the_field(tmp_path, column, suffix, write):
    header = column.headers[0]
    rows = [OTHER_ROW, {**DISTRICT_ROW, header: "1" * 20_000}]
    path = write(tmp_path / f"名册.{suffix}", rows, header=EVERY_COLUMN)
    before = row_counts()

    report = refused_errors(path)

    assert (
        f"第3行：「{header}」超过{column.max_length}个字 / Row 3: {column.english} ({header}) "
        f"is longer than {column.max_length} characters"
    ) in report.splitlines()
    assert all(len(line) < 400 for line in report.splitlines())  # the value is not echoed in full
    assert row_counts() == before


@pytest.mark.parametrize("header", ["性别", "层级", "届别/人大", "所在街镇", "选区", "代表小组", "任期开始"])
def test_a_long_unknown_value_is_shown_shortened_in_the_report(tmp_path, header):
    path = write_csv(tmp_path / "名册.csv", [{**DISTRICT_ROW, header: "甲" * 20_000}])

    report = refused_errors(path)

    assert "甲" * 50 + "…" in report
    assert all(len(line) < 400 for line in report.splitlines())


def test_a_value_exactly_as_long_as_its_field_is_accepted(tmp_path):
    row = {**DISTRICT_ROW, "姓名": "张" * 50, "工作单位": "单" * 200, "名册编号": "N" * 50}

    run_import(write_csv(tmp_path / "名册.csv", [row]))

    assert Person.objects.get().name == "张" * 50
    assert Deputy.objects.get().work_unit == "单" * 200
