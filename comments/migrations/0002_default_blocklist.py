"""A starting blocklist, editable in the admin: terms that only spam uses (→ spam), and terms
and domains that deserve a look but appear in real discussion too (→ hold)."""

from django.db import migrations

SPAM_WORDS = [
    "viagra", "cialis", "levitra", "kamagra", "tadalafil", "sildenafil", "male enhancement",
    "replica watches", "replica handbags", "payday loan*", "essay writing service*",
    "write my essay", "buy essay*", "buy followers", "buy instagram followers",
    "buy tiktok followers", "online casino*", "casino bonus*", "free spins", "porn", "porn video*", "xxx",
    "escort service*", "binary options", "forex signals", "crypto signals", "seo services",
    "seo agency", "backlink*", "cheap jerseys", "weight loss pills", "make money online",
    "xrumer", "хрумер*", "прогон сайт*", "прогон хрумер*", "порно", "онлайн казино",
    "казино онлайн", "микрозайм*", "займ онлайн", "кредит без справок", "заработок в интернете",
    "раскрутка сайт*", "продвижение сайт*", "накрутка подписчиков", "накрутка лайков",
    "ставки онлайн", "позика онлайн", "позики онлайн", "кредит онлайн без",
]
HOLD_WORDS = ["casino*", "казино", "seo", "букмекер*", "ставки на спорт", "crypto giveaway"]
HOLD_DOMAINS = ["bit.ly", "tinyurl.com", "cutt.ly", "clck.ru", "goo.su", "t.ly", "top", "xyz", "click"]


def seed(apps, schema_editor):
    BlocklistEntry = apps.get_model("comments", "BlocklistEntry")
    entries = [
        *(("word", value, "spam") for value in SPAM_WORDS),
        *(("word", value, "hold") for value in HOLD_WORDS),
        *(("domain", value, "hold") for value in HOLD_DOMAINS),
    ]
    for kind, value, action in entries:
        BlocklistEntry.objects.get_or_create(
            kind=kind, value=value, defaults={"action": action, "note": "Wirepress default"}
        )


def unseed(apps, schema_editor):
    apps.get_model("comments", "BlocklistEntry").objects.filter(note="Wirepress default").delete()


class Migration(migrations.Migration):
    dependencies = [("comments", "0001_moderation_blocklist_reports_data_requests")]

    operations = [migrations.RunPython(seed, unseed)]
