"""Seed the working-day calendar (public holidays and make-up working days, 调休) for 2004–2026 from
the `chinesecalendar` package. Later years are added by administrators when the State Council
publishes them; until then feedback/deadlines.py falls back to Monday–Friday."""

from django.db import migrations

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def seed(apps, schema_editor):
    from chinese_calendar import constants

    Holiday = apps.get_model("feedback", "Holiday")
    existing = set(Holiday.objects.values_list("date", flat=True))
    rows = []
    for day, name in constants.holidays.items():
        if day not in existing:
            rows.append(Holiday(date=day, is_workday=False, name=NAMES.get(str(name), str(name))[:50]))
    for day, name in constants.workdays.items():
        if day not in existing:
            rows.append(Holiday(date=day, is_workday=True, name=NAMES.get(str(name), str(name))[:50]))
    Holiday.objects.bulk_create(rows, batch_size=500)


def unseed(apps, schema_editor):
    apps.get_model("feedback", "Holiday").objects.filter(date__year__lte=2026).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_opinion_workflow")]

    operations = [migrations.RunPython(seed, unseed)]
