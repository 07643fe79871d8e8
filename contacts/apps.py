from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contacts"
    verbose_name = _("联系活动")

    def ready(self):
        # Activities point at opinions: tell the opinion intake which activities a recorder may
        # link an opinion to (feedback never imports contacts).
        from feedback import activities

        from .selectors import activities_visible_to

        activities.register(visible_to=activities_visible_to)
