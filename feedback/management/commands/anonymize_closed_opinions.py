"""`manage.py anonymize_closed_opinions [--months N] [--as-of YYYY-MM-DD]`: the retention rule."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from feedback import privacy


class Command(BaseCommand):
    help = (
        "清除办结超过保存期限（OPINION_RETENTION_MONTHS）的社情民意中提交人的姓名、电话和地址。 / "
        "Blank the submitter's name, phone and address of opinions closed longer than the retention period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=None, help="保存期限（月） / retention in months")
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, default=None, help="按这一天计算 / as of this day"
        )

    def handle(self, *args, months=None, as_of=None, **options):
        now = timezone.now()
        if as_of is not None:
            now = datetime.datetime.combine(as_of, datetime.time(12), tzinfo=timezone.get_default_timezone())
        count = privacy.anonymize_closed_opinions(now=now, months=months)
        self.stdout.write(f"已清除 {count} 条意见的联系方式 / Contact details removed from {count} opinions")
