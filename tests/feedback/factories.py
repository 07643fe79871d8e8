"""Factories for opinions. Build on the registry factories in `tests/factories.py`."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from feedback import models as m
from tests import factories as f


class OpinionFactory(DjangoModelFactory):
    """An opinion as intake leaves it (state received, a `receive` event). Use
    `feedback.services.submit_opinion` when the intake rules themselves are under test."""

    class Meta:
        model = m.Opinion
        skip_postgeneration_save = True

    content = factory.Sequence(lambda n: f"小区门口的路灯坏了很久，希望尽快修好。（第{n}条）")
    category = "市政设施"
    region = factory.SubFactory(f.RegionFactory)
    received_at = factory.LazyFunction(timezone.now)
    state = m.OpinionState.RECEIVED

    @factory.post_generation
    def intake_event(self, create, extracted, **kwargs):
        if create and extracted is not False:
            m.OpinionEvent.objects.create(
                opinion=self,
                action="receive",
                from_state="",
                to_state=self.state,
                public_note="您的意见已收到。",
            )


class SuggestionFactory(DjangoModelFactory):
    class Meta:
        model = m.Suggestion

    kind = m.SuggestionKind.SUGGESTION
    title = factory.Sequence(lambda n: f"关于改善交通的建议{n}")
    content = "建议增设公交线路。"
    deputy = factory.SubFactory(f.DeputyFactory)
    congress = factory.SelfAttribute("deputy.congress")
    state = m.SuggestionState.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
