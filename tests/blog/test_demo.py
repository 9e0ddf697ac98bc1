from django.core.management import call_command
from django_comments_xtd.models import XtdComment

from blog.models import Article


def test_load_demo_creates_the_reference_article(demo, client):
    assert demo.source.name == "UNIAN"
    assert demo.copyright_line == "(C)UNIAN 2021"
    assert demo.featured_image.credit == "Reuters"
    html = client.get(demo.get_absolute_url()).content.decode()
    assert "NATO-Russia Relations Reached Bottom – Stoltenberg" in html
    assert "The alliance remains open to dialogue with the Russian Federation" in html
    assert 'Jens Stoltenberg shares <span class="credit">/ Reuters</span>' in html
    assert "NATO decided to expel eight Russian diplomats from Brussels" in html


def test_load_demo_is_idempotent(demo):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Article.objects.count() == 1
    assert XtdComment.objects.count() == 5
