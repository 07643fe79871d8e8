"""`manage.py import_registry FILE`: load the deputies registry from a liaison office's CSV or XLSX list."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deputies.importer import COLUMNS, ImportRefused, import_registry


def _columns_help() -> str:
    parts = []
    for column in COLUMNS:
        names = "/".join(column.headers)
        parts.append(f"{names}{'（必填）' if column.required else ''} = {column.english}")
    return "; ".join(parts)


class Command(BaseCommand):
    help = (
        "从联络机构的代表名册（CSV，UTF-8，可带 BOM；或 XLSX）导入人大代表："
        "每行一个代表资格，第一行为中文列名。"
        "先校验全部行，任何一行有错则全部不写入，并逐行报告错误。同一文件再次导入会更新而不会重复"
        "（有名册编号按名册编号匹配，否则按姓名和届别匹配）。 / "
        "Import deputies from a liaison office's list (CSV in UTF-8 with or without BOM, or XLSX): one row "
        "per mandate, Chinese headers in the first row. Every row is validated first; if any row is wrong "
        "nothing is written and each error is reported. Re-importing updates instead of duplicating "
        "(matched by 名册编号, else by name and congress). "
        "层级: 区级/镇级; 性别: 男/女; dates: 2022-01-01, 2022/1/1, 2022年1月1日 or Excel dates. "
        "Columns: " + _columns_help()
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV 或 XLSX 文件 / the CSV or XLSX file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="只校验，不写入 / validate only, write nothing",
        )

    def handle(self, *args, file: Path, dry_run: bool = False, **options):
        if not file.is_file():
            raise CommandError(f"找不到文件：{file} / File not found: {file}")
        try:
            result = import_registry(path=file, dry_run=dry_run)
        except ImportRefused as refused:
            for error in refused.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"导入被拒绝：发现 {len(refused.errors)} 处错误，未写入任何数据。 / "
                f"Import refused: {len(refused.errors)} error(s) found, nothing was written."
            ) from None
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"校验通过：{result.rows} 行，未写入（--dry-run）。 / "
                    f"Valid: {result.rows} rows, nothing written (--dry-run)."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：{result.rows} 行，新增代表资格 {result.created} 条，更新 {result.updated} 条，"
                f"未变 {result.unchanged} 条，新增人员 {result.people_created} 人。 / "
                f"Imported {result.rows} rows: {result.created} mandates created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.people_created} people created."
            )
        )
        if result.people_merged:
            self.stdout.write(
                f"同一名册编号对应的多条人员记录已合并：合并重复登记的人员 {result.people_merged} 人。 / "
                f"Records of one registry code were merged: {result.people_merged} duplicate people merged."
            )
