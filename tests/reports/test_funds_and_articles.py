"""Work funds entered by each liaison body's staff, summarized beside the compliance report; publicity
articles written by staff, public once published, drafts never public."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import Image

from reports import services
from reports.models import Article, FundSpending, WorkFund
from reports.selectors import funds_summary


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (168, 21, 29)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- Work funds ------------------------------------------------------------------------------------


def test_street_staff_enter_their_bodys_plan_and_spending_on_the_page(login, street_staff, yueyang_committee):
    client = login(street_staff)

    client.post(
        "/reports/funds/?year=2026", {"year": 2026, "plan-planned": "50000", "plan-notes": "年度计划"}
    )
    client.post(
        "/reports/funds/?year=2026",
        {
            "year": 2026,
            "spend-date": "2026-05-04",
            "spend-amount": "1200.50",
            "spend-purpose": "代表之家活动物资",
        },
    )

    fund = WorkFund.objects.get()
    assert (fund.organization, fund.year, fund.planned) == (yueyang_committee, 2026, Decimal("50000"))
    assert FundSpending.objects.get().amount == Decimal("1200.50")
    page = client.get("/reports/funds/", {"year": 2026}).content.decode()
    assert "代表之家活动物资" in page and "1200.50" in page


def test_spending_outside_the_plans_year_is_refused(street_staff, yueyang_committee):
    fund = services.set_fund_plan(
        actor=street_staff, organization=yueyang_committee, year=2026, planned=Decimal(100)
    )
    with pytest.raises(ValidationError) as error:
        services.record_spending(
            actor=street_staff, fund=fund, date=datetime.date(2025, 12, 31), amount=Decimal(10), purpose="x"
        )
    assert "date" in error.value.message_dict


def test_staff_cannot_enter_another_bodys_funds(other_street_staff, yueyang_committee):
    with pytest.raises(PermissionDenied):
        services.set_fund_plan(
            actor=other_street_staff, organization=yueyang_committee, year=2026, planned=Decimal(100)
        )


def test_the_summary_beside_the_report_shows_plan_spent_and_rate(
    street_staff, other_street_staff, yueyang_committee, yongfeng_committee, admin_user, login
):
    fund = services.set_fund_plan(
        actor=street_staff, organization=yueyang_committee, year=2026, planned=Decimal(1000)
    )
    for amount in (100, 150):
        services.record_spending(
            actor=street_staff,
            fund=fund,
            date=datetime.date(2026, 3, 1),
            amount=Decimal(amount),
            purpose="活动",
        )

    lines = {line.name: line for line in funds_summary(admin_user, 2026)}
    assert lines["岳阳街道人大工委"].spent == Decimal(250) and lines["岳阳街道人大工委"].used_percent == 25
    assert lines["永丰街道人大工委"].planned is None
    assert [line.name for line in funds_summary(other_street_staff, 2026)] == ["永丰街道人大工委"]
    page = login(admin_user).get("/reports/compliance/", {"year": 2026}).content.decode()
    assert "联络机构工作经费" in page and "未填报" in page


def test_deputies_cannot_open_the_funds_page(login, deputy_user):
    assert login(deputy_user).get("/reports/funds/").status_code == 403


# --- Articles --------------------------------------------------------------------------------------


def test_staff_write_a_draft_that_the_public_cannot_see_until_published(login, street_staff, deputy, citizen):
    client = login(street_staff)
    response = client.post(
        "/reports/articles/new/",
        {
            "title": "岳阳街道代表之家夜间接待",
            "body": "代表们在夜间接待居民。",
            "deputies": [deputy.pk],
            "photos": [png()],
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert article.status == "draft" and list(article.deputies.all()) == [deputy]
    assert article.photos.count() == 1
    client.logout()

    assert citizen.get(f"/reports/articles/{article.pk}/").status_code == 404
    assert "岳阳街道代表之家夜间接待" not in citizen.get("/reports/articles/").content.decode()
    assert "岳阳街道代表之家夜间接待" not in Template("{% load reports_tags %}{% latest_articles %}").render(
        Context()
    )

    services.publish_article(actor=street_staff, article=article)

    public = citizen.get(f"/reports/articles/{article.pk}/").content.decode()
    assert "代表们在夜间接待居民。" in public and "艾丽丝" in public
    assert deputy.private_phone not in public
    assert "岳阳街道代表之家夜间接待" in Template("{% load reports_tags %}{% latest_articles %}").render(
        Context()
    )


def test_a_file_that_is_not_an_image_is_refused(street_staff):
    fake = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError):
        services.save_article(actor=street_staff, title="标题", body="正文", photos=[fake])
    assert not Article.objects.exists()


def test_articles_cannot_name_deputies_outside_the_writers_jurisdiction(street_staff, other_deputy):
    with pytest.raises(ValidationError) as error:
        services.save_article(actor=street_staff, title="标题", body="正文", deputies=[other_deputy])
    assert "deputies" in error.value.message_dict


def test_another_bodys_staff_cannot_edit_or_publish_an_article(login, street_staff, other_street_staff):
    article = services.save_article(actor=street_staff, title="标题", body="正文")
    client = login(other_street_staff)
    assert client.get(f"/reports/articles/{article.pk}/edit/").status_code == 404
    assert client.post(f"/reports/articles/{article.pk}/publish/").status_code == 404
    article.refresh_from_db()
    assert article.status == "draft"


def test_deputies_cannot_write_articles(login, deputy_user):
    assert login(deputy_user).get("/reports/articles/new/").status_code == 403


def test_the_reports_demo_is_idempotent(db):
    from deputies import demo as registry_demo
    from reports import demo

    today = datetime.date(2026, 11, 28)
    registry_demo.seed(today=today, stdout=io.StringIO(), create_accounts=False)
    assert demo.seed(today=today) > 0
    assert demo.seed(today=today) == 0
    assert Article.objects.published().count() == 2
    assert WorkFund.objects.filter(year=2026).exists() and FundSpending.objects.exists()
