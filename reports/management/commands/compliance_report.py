"""manage.py compliance_report --year YYYY --format csv|xlsx|json [--output FILE]

The whole district's yearly compliance report (§三(六)) as a file, for administrators at the
console. Without --output, CSV and JSON go to standard output; XLSX needs --output.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contacts import quotas
from reports import exports
from reports.selectors import compliance_report


class Command(BaseCommand):
    help = "Export the yearly compliance report of the whole district (CSV, XLSX or JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="Year (default: this year)")
        parser.add_argument("--format", choices=exports.FORMATS, default="csv")
        parser.add_argument("--output", default=None, help="File to write (default: standard output)")

    def handle(self, *args, year=None, format="csv", output=None, **options):
        year = year or timezone.localdate().year
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be a four-digit year")
        if format == "xlsx" and not output:
            raise CommandError("--format xlsx needs --output FILE")
        report = compliance_report(user=None, year=year, deputies=quotas.deputies_serving_in_year(year))
        data = exports.render(report, format)
        if output:
            with open(output, "wb") as handle:
                handle.write(data)
            self.stderr.write(f"{len(report.rows)} rows written to {output}")
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
