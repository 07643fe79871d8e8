"""Months on the charts read 1月…12月 in Chinese and Jan…Dec in English (issue 17)."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from reports.handling import month_label

pytestmark = pytest.mark.django_db


def test_month_labels_in_both_languages():
    with translation.override("en"):
        assert [month_label(m) for m in range(1, 13)] == [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
        ]  # fmt: skip
    with translation.override("zh-hans"):
        assert month_label(1) == "1月" and month_label(12) == "12月"


def test_the_public_statistics_chart_reads_english_months(client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("reports:public"), headers={"accept-language": "en"}).content.decode()
    data = json.loads(html.split('id="public-chart-data" type="application/json">')[1].split("</script>")[0])
    assert data["months"][0] == "Jan" and data["months"][-1] == "Dec"
