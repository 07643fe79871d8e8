from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = _("社情民意")

    def ready(self):
        # Routing an opinion for a suggestion leaves a draft (§四(一)3): the suggestions package stands
        # on the opinion workflow, so the workflow reaches it through a hook, not an import.
        from .suggestions.services import draft_from_routed_opinion
        from .workflow import hooks

        hooks.register_suggestion_drafter(draft_from_routed_opinion)
