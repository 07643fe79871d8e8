"""Factories for contact activities and the performance record."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from contacts import models as cm
from feedback.models import Opinion
from tests import factories as f


class ContactActivityFactory(DjangoModelFactory):
    class Meta:
        model = cm.ContactActivity
        skip_postgeneration_save = True

    kind = cm.ActivityKind.VISIT
    date = datetime.date(2026, 3, 10)
    constituency = None
    is_constituency_contact = True
    is_centralized = False
    people_reached = 10
    summary = "走访社区，听取居民意见。"

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        """`participants=[deputy, …]` adds a Participation for each, meeting `people_reached`."""
        if not create or not extracted:
            return
        cm.Participation.objects.bulk_create(
            [cm.Participation(activity=self, deputy=d, people_met=self.people_reached) for d in extracted]
        )


def activity_for(deputy, **kwargs):
    kwargs.setdefault("constituency", deputy.constituency)
    return ContactActivityFactory(participants=[deputy], **kwargs)


class OpinionFactory(DjangoModelFactory):
    class Meta:
        model = Opinion

    content = "小区门口路灯坏了，希望尽快修复。"
    region = factory.SubFactory(f.RegionFactory)
    received_at = factory.LazyFunction(timezone.now)


class QuotaPolicyFactory(DjangoModelFactory):
    class Meta:
        model = cm.QuotaPolicy

    congress = factory.SubFactory(f.CongressFactory)
    year = 2026


class QuotaExemptionFactory(DjangoModelFactory):
    class Meta:
        model = cm.QuotaExemption

    year = 2026
    reason = "因病长期住院治疗"


class VoterReportFactory(DjangoModelFactory):
    class Meta:
        model = cm.VoterReport

    date = datetime.date(2026, 5, 20)
    form = cm.ReportForm.ORAL
    attendance = 45
    content = "向选民报告一年来的履职情况。"


class MeetingRequestFactory(DjangoModelFactory):
    class Meta:
        model = cm.MeetingRequest

    organ_name = "区住房和城乡建设管理委员会"
    head_name = "主任"
    subject = "老旧小区加装电梯进度"
