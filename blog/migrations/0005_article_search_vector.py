"""Full-text search on PostgreSQL: a stored, GIN-indexed document per article, kept up to
date by a trigger, so every way of writing articles (admin, wire import, bulk_create,
update()) keeps it right. On SQLite the column stays empty and nothing else happens."""

import django.contrib.postgres.search
from django.db import migrations

# 'english': the republished wire stories are English-language editions. Stemming and
# ranking use it; blog/search.py parses queries with the same configuration.
CREATE = r"""
CREATE FUNCTION blog_article_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.standfirst, '')), 'B')
        || setweight(to_tsvector('english',
               regexp_replace(coalesce(NEW.body, ''), '<[^>]+>', ' ', 'g')), 'C')
        || setweight(to_tsvector('english', coalesce(
               (SELECT name FROM blog_source WHERE id = NEW.source_id), '')), 'D');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER blog_article_search_vector
    BEFORE INSERT OR UPDATE OF title, standfirst, body, source_id ON blog_article
    FOR EACH ROW EXECUTE FUNCTION blog_article_search_vector();

CREATE INDEX blog_article_search_vector_gin ON blog_article USING gin (search_vector);

-- Existing articles: rewriting a watched column fires the trigger.
UPDATE blog_article SET title = title;
"""

DROP = """
DROP INDEX IF EXISTS blog_article_search_vector_gin;
DROP TRIGGER IF EXISTS blog_article_search_vector ON blog_article;
DROP FUNCTION IF EXISTS blog_article_search_vector();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0004_article_likes"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
