"""The newsroom roles as groups (their rights are described in the README's Editors section).

Permissions are normally created after all migrations run (post_migrate); they are created
here first so that the groups can hold them on a fresh database too.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITING = [
    "blog.add_article",
    "blog.change_article",
    "blog.view_article",
    "blog.delete_article",
    # To file a story: the pickers of source, category and tag.
    "blog.view_source",
    "blog.view_category",
    "blog.view_tag",
    # The media library: upload, pick, and describe their own images (blog/admin_media.py
    # lets only editors change or delete other people's).
    "blog.add_image",
    "blog.view_image",
    "blog.change_image",
]
ROLES = {
    "Contributor": WRITING,
    "Author": [*WRITING, "blog.publish_article"],
    "Editor": [
        *WRITING,
        "blog.publish_article",
        "blog.edit_any_article",
        "blog.import_wire",
        "blog.add_source",
        "blog.change_source",
        "blog.add_sourcefeed",
        "blog.change_sourcefeed",
        "blog.delete_sourcefeed",
        "blog.view_sourcefeed",
        "blog.add_category",
        "blog.change_category",
        "blog.add_tag",
        "blog.change_tag",
        "blog.add_redirect",
        "blog.change_redirect",
        "blog.delete_redirect",
        "blog.view_redirect",
        "blog.delete_image",
        # Comment moderation: the queue and its actions, reports, blocklists.
        "django_comments.can_moderate",
        "django_comments.view_comment",
        "django_comments.change_comment",
        "django_comments_xtd.view_xtdcomment",
        "django_comments_xtd.change_xtdcomment",
        # The moderation desk's comment list (a proxy model in the comments app).
        "comments.view_comment",
        "comments.change_comment",
        "comments.view_commentmoderation",
        "comments.change_commentmoderation",
        "comments.view_commentreport",
        "comments.change_commentreport",
        "comments.view_blocklistentry",
        "comments.add_blocklistentry",
        "comments.change_blocklistentry",
        "comments.delete_blocklistentry",
        "comments.view_blockedcommenter",
        "comments.add_blockedcommenter",
        "comments.change_blockedcommenter",
        "comments.delete_blockedcommenter",
    ],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0020_newsroom_review_autosave_redirects"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_comments", "0004_add_object_pk_is_removed_index"),
        ("django_comments_xtd", "0008_auto_20200920_2037"),
        ("comments", "0006_comment_text_fingerprint"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
