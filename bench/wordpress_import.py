"""WordPress import: a generated export of N posts with C comments each (threads three
levels deep, a spam and a held one in every ten), imported new, then again (unchanged: the
idempotent pass). Objects per second, and memory: the parser's peak (tracemalloc) over
exports of growing size, and the process's peak resident size after each import.

`WP_BENCH_POSTS` (default 2000) and `WP_BENCH_COMMENTS` (per post, default 5) set the size;
the issue's full size is WP_BENCH_POSTS=10000 WP_BENCH_COMMENTS=10.
"""

import os
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from blog.wordpress import wordpress_import
from blog.wordpress.parse import wxr_read

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><link>https://{site}.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://{site}.example</wp:base_site_url>
<wp:base_blog_url>https://{site}.example</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[writer]]></wp:author_login>
<wp:author_email><![CDATA[writer@{site}.example]]></wp:author_email></wp:author>
<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>news</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
"""
POST = """<item><title><![CDATA[Story {n}: the river rises 🌊]]></title>
<link>https://{site}.example/2024/03/{day:02d}/story-{n}/</link><dc:creator>writer</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[Story {n}.]]></excerpt:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date>2024-03-{day:02d} 10:00:00</wp:post_date>
<wp:post_date_gmt>2024-03-{day:02d} 09:00:00</wp:post_date_gmt><wp:post_name>story-{n}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="news"><![CDATA[News]]></category>
<category domain="post_tag" nicename="tag-{tag}"><![CDATA[Tag {tag}]]></category>
{comments}</item>
"""
COMMENT = """<wp:comment><wp:comment_id>{id}</wp:comment_id>
<wp:comment_author><![CDATA[Reader {id}]]></wp:comment_author>
<wp:comment_author_email>reader{id}@example.org</wp:comment_author_email>
<wp:comment_author_IP>203.0.113.{ip}</wp:comment_author_IP>
<wp:comment_date_gmt>2024-03-{day:02d} {hour:02d}:{minute:02d}:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[Comment {id}: same on our street, the water is {id} cm deep.]]></wp:comment_content>
<wp:comment_approved>{state}</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>
</wp:comment>
"""
BODY = "\n\n".join(
    f"Paragraph {p} about the flood, the council and the clean-up.\nA second line."
    for p in range(6)
)


def generate(path: Path, *, posts: int, comments: int, site: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD.format(site=site))
        next_id = 1
        for n in range(1, posts + 1):
            day = n % 28 + 1
            rows, ids = [], []
            for c in range(comments):
                comment_id = next_id
                next_id += 1
                parent = ids[-1] if c % 3 else 0  # chains of three: levels 0, 1, 2
                state = "spam" if c % 10 == 9 else ("0" if c % 10 == 8 else "1")
                rows.append(
                    COMMENT.format(
                        id=comment_id, ip=c % 250, day=day, hour=10 + c // 60 % 12,
                        minute=c % 60, state=state, parent=parent,
                    )
                )  # fmt: skip
                ids.append(comment_id)
            out.write(
                POST.format(n=n, day=day, body=BODY, tag=n % 50, comments="".join(rows), site=site)
            )
        out.write("</channel></rss>\n")


def parser_peak(path: Path) -> int:
    tracemalloc.start()
    for _value in wxr_read(str(path)):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run() -> None:
    posts = int(os.environ.get("WP_BENCH_POSTS", 2000))
    comments = int(os.environ.get("WP_BENCH_COMMENTS", 5))
    with tempfile.TemporaryDirectory(prefix="wirepress-wp-bench-") as folder:
        print("WordPress import (bench/wordpress_import.py)")
        print()
        print("| export | size | parser peak (tracemalloc) |")
        print("|---|---|---|")
        for scale in (posts // 4, posts):
            path = Path(folder) / f"parse-{scale}.xml"
            generate(path, posts=scale, comments=comments, site="parse")
            mb = path.stat().st_size / 1e6
            print(f"| {scale} posts | {mb:.1f} MB | {parser_peak(path) / 1e6:.2f} MB |")
            path.unlink()
        print()
        # CPU seconds too: on a shared machine the wall clock also counts other processes.
        print("| pass | posts | comments | seconds | CPU seconds | objects/s | peak RSS after |")
        print("|---|---|---|---|---|---|---|")
        for scale, site in ((posts // 4, "small"), (posts, "full")):
            path = Path(folder) / f"{site}.xml"
            generate(path, posts=scale, comments=comments, site=site)
            objects = scale * (1 + comments)
            for label in ("new", "again (unchanged)"):
                started, cpu = time.perf_counter(), time.process_time()
                summary = wordpress_import(source=str(path))
                seconds = time.perf_counter() - started
                cpu = time.process_time() - cpu
                made = summary.counts["posts"]["created"] + summary.counts["comments"]["created"]
                assert label != "new" or made == objects, summary.table()
                print(
                    f"| {label} | {scale} | {scale * comments} | {seconds:.1f} | {cpu:.1f} | "
                    f"{objects / seconds:.0f} | {rss_mb():.0f} MB |"
                )
            path.unlink()
