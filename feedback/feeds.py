"""Atom feeds of the public side (Django's syndication framework): the answers of published
opinions (`feedback.archive`) and the deputies' public suggestions and their replies. Only what the
public pages show: never a submitter's name, phone or address, nor anything unpublished."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from . import archive
from .forms import ArchiveFilterForm

FEED_ITEMS = 50


class ArchiveAnswersFeed(Feed):
    """Published opinions that have a public answer, newest publication first; the archive's
    filters (`region`, `category`, `state`, `year`, `q`) narrow the feed as they narrow the page."""

    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return ArchiveFilterForm(request.GET or None)

    def title(self, form):
        return _("意见公开：办理答复")

    def subtitle(self, form):
        return _("群众同意公开、经工作人员审核的意见及其答复，不含反映人的姓名、电话和地址。")

    def link(self, form):
        return reverse("feedback:archive")

    def items(self, form):
        published = archive.published().exclude(public_answer="")
        return form.filter(published).order_by("-published_at", "-pk")[:FEED_ITEMS]

    def item_title(self, opinion):
        place = opinion.region.street_or_town() or opinion.region
        return f"{place.name} · {Truncator(opinion.public_content).chars(40)}"

    def item_description(self, opinion):
        return opinion.public_answer

    def item_link(self, opinion):
        return reverse("feedback:archive_detail", args=[opinion.pk])

    def item_pubdate(self, opinion):
        return opinion.published_at or opinion.received_at

    def item_updateddate(self, opinion):
        return opinion.published_at or opinion.received_at

    def item_categories(self, opinion):
        return [opinion.category] if opinion.category else []


class SuggestionsFeed(Feed):
    """The deputies' public motions and suggestions, with the handling reply once answered."""

    feed_type = Atom1Feed

    def title(self):
        return _("代表议案建议及办理答复")

    def link(self):
        return reverse("feedback:suggestions")

    def items(self):
        from .suggestions.selectors import public_suggestions

        return public_suggestions()[:FEED_ITEMS]

    def item_title(self, suggestion):
        return f"{suggestion.get_kind_display()} · {suggestion.title}"

    def item_description(self, suggestion):
        if suggestion.answer:
            return _("办理答复：%(answer)s") % {"answer": suggestion.answer}
        return suggestion.content or suggestion.title

    def item_link(self, suggestion):
        return f"{reverse('feedback:suggestions')}#suggestion-{suggestion.pk}"

    def item_author_name(self, suggestion):
        return suggestion.deputy.person.name

    def item_pubdate(self, suggestion):
        return suggestion.submitted_at

    def item_updateddate(self, suggestion):
        return suggestion.answered_at or suggestion.submitted_at
