"""Drop `Opinion.activity_id`, a bare integer that duplicated the activity's many-to-many `opinions`
(issue 11): first every opinion with an activity id is linked through the many-to-many (when that
activity still exists), then the field goes. Backwards, the field comes back filled from the link."""

from django.db import migrations, models


def link_through_many_to_many(apps, schema_editor):
    Opinion = apps.get_model("feedback", "Opinion")
    ContactActivity = apps.get_model("contacts", "ContactActivity")
    Link = ContactActivity.opinions.through
    pairs = Opinion.objects.filter(activity_id__isnull=False).values_list("pk", "activity_id")
    existing = set(ContactActivity.objects.values_list("pk", flat=True))
    links = [
        Link(contactactivity_id=activity_id, opinion_id=opinion_id)
        for opinion_id, activity_id in pairs.iterator()
        if activity_id in existing
    ]
    Link.objects.bulk_create(links, ignore_conflicts=True, batch_size=1000)


def fill_activity_id(apps, schema_editor):
    Opinion = apps.get_model("feedback", "Opinion")
    ContactActivity = apps.get_model("contacts", "ContactActivity")
    Link = ContactActivity.opinions.through
    for link in Link.objects.order_by("-pk").iterator():  # the first link wins
        Opinion.objects.filter(pk=link.opinion_id).update(activity_id=link.contactactivity_id)


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0001_contact_activities_and_record"),
        ("feedback", "0009_opinion_idempotency_key"),
    ]

    operations = [
        migrations.RunPython(link_through_many_to_many, fill_activity_id),
        migrations.RemoveField(model_name="opinion", name="activity_id"),
    ]
