from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deputies"
    verbose_name = _("代表名册")
