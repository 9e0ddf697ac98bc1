"""Comments move to the Discussion section of the admin as a proxy model, which has its own
permissions. Whoever could view, change or delete comments there keeps that right."""

from django.conf import settings
from django.db import migrations

ACTIONS = ("view", "change", "delete")


def grant_desk_permissions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    # Django creates a model's permissions after migrating: make the desk's now, so they can
    # be granted here (the later step finds them in place).
    desk_type, _ = ContentType.objects.get_or_create(app_label="comments", model="comment")
    for action in ACTIONS:
        stock = Permission.objects.filter(
            content_type__app_label="django_comments_xtd", codename=f"{action}_xtdcomment"
        ).first()
        if stock is None:
            continue  # a fresh database: nobody holds it yet
        desk, _ = Permission.objects.get_or_create(
            content_type=desk_type,
            codename=f"{action}_comment",
            defaults={"name": f"Can {action} comment"},
        )
        for group in Group.objects.filter(permissions=stock):
            group.permissions.add(desk)
        for user in User.objects.filter(user_permissions=stock):
            user.user_permissions.add(desk)


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0004_subscriptions_and_mailings'),
        ('django_comments_xtd', '0008_auto_20200920_2037'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Comment',
            fields=[
            ],
            options={
                'verbose_name': 'comment',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('django_comments_xtd.xtdcomment',),
        ),
        migrations.RunPython(grant_desk_permissions, migrations.RunPython.noop),
    ]
