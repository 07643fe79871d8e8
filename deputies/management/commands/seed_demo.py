"""`manage.py seed_demo`: idempotent demo data and one demo account per role (design.md)."""

import datetime
import importlib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from deputies import demo

# Other apps add their own demo data (activities, opinions) through a `demo.seed(today=, stdout=)`
# function; a missing module or function is skipped, so each app can land on its own.
APP_SEEDERS = ("contacts.demo", "feedback.demo", "reports.demo")


class Command(BaseCommand):
    help = (
        "载入演示数据（幂等，可重复运行）：松江区真实的街道和镇、人大、选区、代表小组、代表、委员会、机构、"
        "联系站点，以及各角色的演示账户（密码 demo-password-2026；DEBUG 关闭时不创建账户）。 / "
        "Load the demo data (idempotent): the registry, then activities and opinions, and one demo account "
        "per role (password demo-password-2026; refused when ALLOW_DEMO_ACCOUNTS is off)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="把这一天当作今天（YYYY-MM-DD） / Treat this day as today (YYYY-MM-DD).",
        )

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        started = time.monotonic()
        allowed = settings.ALLOW_DEMO_ACCOUNTS
        result = demo.seed(today=today, stdout=self.stdout, create_accounts=allowed)
        self.stdout.write(
            f"登记册演示数据：新建 {result.total_created} 条，更新 {result.total_updated} 条 / "
            f"Registry demo data: {result.total_created} rows created, {result.total_updated} updated "
            f"({time.monotonic() - started:.1f} s)"
        )
        if result.accounts_refused:
            self.stderr.write(
                self.style.WARNING(
                    "未创建演示账户：本站点不允许演示账户（ALLOW_DEMO_ACCOUNTS 关闭，DEBUG 关闭时默认如此）。"
                    "登记册演示数据已载入。 / Demo accounts NOT created: ALLOW_DEMO_ACCOUNTS is off (the "
                    "default when DEBUG is off). The registry demo data was loaded."
                )
            )
            existing = list(
                User.objects.filter(username__in=demo.DEMO_USERNAMES, is_active=True)
                .order_by("username")
                .values_list("username", flat=True)
            )
            if existing:
                self.stderr.write(
                    self.style.ERROR(
                        f"注意：本站点已有使用公开密码的演示账户，请停用：{', '.join(existing)} / "
                        f"Warning: demo accounts with the published password exist here; deactivate them: "
                        f"{', '.join(existing)}"
                    )
                )
        else:
            self.stdout.write(
                f"演示账户（密码 {demo.DEMO_PASSWORD}） / Demo accounts (password {demo.DEMO_PASSWORD}): "
                + ", ".join(result.accounts)
            )

        for module_name in APP_SEEDERS:
            seed = _find_seeder(module_name)
            if seed is None:
                self.stdout.write(f"跳过 {module_name}（尚未提供） / Skipped {module_name} (not available)")
                continue
            step_started = time.monotonic()
            seed(today=today, stdout=self.stdout)
            self.stdout.write(f"{module_name}: {time.monotonic() - step_started:.1f} s")

        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪 / Demo data ready ({elapsed:.1f} s)"))


def _find_seeder(module_name):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        # Only the demo module itself may be missing; a broken import inside it is a real error.
        if error.name is None or not (module_name + ".").startswith(error.name + "."):
            raise CommandError(f"{module_name}: {error}") from error
        return None
    seed = getattr(module, "seed", None)
    return seed if callable(seed) else None
