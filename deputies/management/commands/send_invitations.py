"""`manage.py send_invitations`: invite the registry's people to create their accounts (docs/accounts.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from deputies import invitations
from deputies.models import Congress, Organization, Region


class Command(BaseCommand):
    help = (
        "邀请在任代表（或各机构）开通账户：邀请链接以短信发到登记的手机号码（没有手机号码的发到电子邮箱），"
        "7天内有效，只能使用一次。已有账户的人不会被邀请；"
        "已邀请尚未激活的，除非加 --resend，不会重复邀请。 / "
        "Invite serving deputies (or the organizations) to create their accounts: a single-use link valid "
        "7 days, sent by SMS to the mobile on file (by e-mail where there is no mobile). People with an "
        "account are skipped; those with an open invitation too, unless --resend."
    )

    def add_arguments(self, parser):
        parser.add_argument("--congress", help="届别：ID 或名称 / congress id or name")
        parser.add_argument("--region", help="街道或镇：代码或名称 / street or town, code or name")
        parser.add_argument(
            "--body", help="联络机构：ID 或名称，邀请其服务的代表 / a liaison body's deputies"
        )
        parser.add_argument(
            "--never-invited", action="store_true", help="只邀请从未邀请过的 / only those never invited"
        )
        parser.add_argument(
            "--resend",
            action="store_true",
            help="重新发送未激活的邀请（原链接作废） / replace open invitations",
        )
        parser.add_argument(
            "--organizations",
            action="store_true",
            help="邀请各联络机构和承办单位开通工作人员账户，而不是代表 / invite organizations, not deputies",
        )
        parser.add_argument("--dry-run", action="store_true", help="只列出人数，不发送 / count only")

    @staticmethod
    def _one(model, value, *fields):
        query = Q(pk=int(value)) if str(value).isdigit() else Q()
        for name in fields:
            query |= Q(**{name: value})
        found = list(model.objects.filter(query)[:2])
        if len(found) != 1:
            raise CommandError(f"{model._meta.verbose_name} not found (or ambiguous): {value}")
        return found[0]

    def handle(self, *args, **options):
        if options["organizations"]:
            organizations = Organization.objects.all()
            if options["region"]:
                organizations = organizations.filter(
                    region=self._one(Region, options["region"], "code", "name")
                )
            if options["body"]:
                organizations = organizations.filter(pk=self._one(Organization, options["body"], "name").pk)
            if options["never_invited"]:
                organizations = organizations.filter(invitations__isnull=True)
            if options["dry_run"]:
                self.stdout.write(f"{organizations.count()} organizations")
                return
            result = invitations.invite_organizations(
                actor=None, organizations=list(organizations), resend=options["resend"]
            )
        else:
            deputies = invitations.invitable_deputies(
                congress=options["congress"] and self._one(Congress, options["congress"], "name"),
                region=options["region"] and self._one(Region, options["region"], "code", "name"),
                body=options["body"] and self._one(Organization, options["body"], "name"),
                never_invited=options["never_invited"],
            )
            if options["dry_run"]:
                self.stdout.write(f"{deputies.count()} deputies without an account")
                return
            result = invitations.invite_deputies(
                actor=None, deputies=list(deputies), resend=options["resend"]
            )
        self.stdout.write(result.summary())
        self.stdout.write(
            f"invited={len(result.invited)} has_account={result.has_account} "
            f"already_invited={result.already_invited} no_contact={result.no_contact}"
        )
