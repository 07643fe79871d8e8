from django.apps import AppConfig


class OpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ops"
    verbose_name = "运行保障"

    def ready(self):
        from ops import signals  # noqa: F401 - connects the failed-task report
        from songjiang_liaison import bounds

        bounds.install()  # date ranges and text lengths for every form and serializer (issue 12)

        from songjiang_liaison import pagecache

        pagecache.install()  # writes to the tables public pages show bump the page cache's version
