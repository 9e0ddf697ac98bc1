"""Lighthouse on the 300-comment article (`make bench-lighthouse`, outside CI): the demo article
with 300 comments (mixed depths, likes, as tests/factories.py builds them) on a fresh SQLite
database, served by gunicorn as `make run` serves it (DEBUG off, whitenoise, 2 workers), comment
paging off (the default). Prints the DOM size Chromium counts and Lighthouse's mobile
performance run (its default simulated throttling), best of `--runs`.

Needs /usr/bin/chromium (`make chromium`) and npx (Node). `--port` picks the server's port
(a free one otherwise); the machine's load average is printed with the figures, since the
blocking time grows on a busy machine.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
LIGHTHOUSE = "lighthouse@12.2.3"
COMMENTS = 300
ARTICLE = "/2021/10/21/nato-russia-relations-reached-bottom-stoltenberg/"

POPULATE = f"""
from blog.models import Article
from django_comments_xtd.models import XtdComment
from tests.factories import make_discussion, make_users

article = Article.objects.get(slug="nato-russia-relations-reached-bottom-stoltenberg")
existing = XtdComment.objects.filter(object_pk=str(article.pk)).count()
make_discussion(
    article,
    {COMMENTS} - existing,
    commenters=make_users("member", 50),
    likers=make_users("liker", 5),
)
print(article.get_absolute_url())
"""

# What the page counts in the browser: every element, those of the comment list, comments.
COUNT_ELEMENTS = """() => ({
  page: document.getElementsByTagName("*").length,
  list: document.querySelector(".comment-list").getElementsByTagName("*").length,
  comments: document.querySelectorAll(".comment-list li.comment").length,
})"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """gunicorn serving the demo article with 300 comments on a fresh SQLite database."""

    def __init__(self, folder: Path, port: int):
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "blog.settings",
            "SITE_URL": self.url,
            "DEBUG": "false",
            "DATABASE_URL": f"sqlite:///{folder / 'lighthouse.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "STATIC_ROOT": str(folder / "static"),
            "COMMENTS_PAGE_SIZE": "0",
            "LOG_LEVEL": "WARNING",
        }
        self.env.pop("REDIS_URL", None)
        self.server = None

    def manage(self, *args, stdin: str | None = None) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def start(self) -> str:
        """Build the site and serve it; the article's address."""
        self.manage("migrate", "--noinput", "-v0")
        self.manage("createcachetable")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("load_demo")
        path = self.manage("shell", stdin=POPULATE).splitlines()[-1]
        self.server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "blog.wsgi", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", "2", "--log-level", "error"],
            cwd=ROOT,
            env=self.env,
        )
        for _ in range(150):
            try:
                requests.get(self.url + "/robots.txt", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        return self.url + path

    def stop(self):
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=30)


def count_elements(url: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(url)
        counts = page.evaluate(COUNT_ELEMENTS)
        browser.close()
    return counts


def lighthouse(url: str, folder: Path, run: int) -> dict:
    """One Lighthouse mobile performance run: its report, as JSON."""
    report = folder / f"lighthouse-{run}.json"
    command = ["npx", "-y", LIGHTHOUSE, url, "--quiet", "--only-categories=performance"]
    command += ["--output=json", f"--output-path={report}"]
    command += ["--chrome-flags=--headless=new --no-sandbox"]
    environment = {**os.environ, "CHROME_PATH": CHROMIUM}
    # Chromium now and then fails to start on a loaded machine: once more, then give up.
    if subprocess.run(command, env=environment).returncode:
        subprocess.run(command, env=environment, check=True)
    return json.loads(report.read_text())


def summary(report: dict) -> dict:
    audits = report["audits"]
    return {
        "score": round(report["categories"]["performance"]["score"] * 100),
        "FCP": audits["first-contentful-paint"]["displayValue"],
        "LCP": audits["largest-contentful-paint"]["displayValue"],
        "TBT": audits["total-blocking-time"]["displayValue"],
        "CLS": audits["cumulative-layout-shift"]["displayValue"],
        "SI": audits["speed-index"]["displayValue"],
        "DOM (Lighthouse)": audits["dom-size"]["displayValue"],
    }


def opportunities(report: dict) -> list[str]:
    """Lighthouse's opportunities and failed diagnostics worth reading, largest first."""
    found = []
    for audit in report["audits"].values():
        details = audit.get("details") or {}
        if details.get("type") == "opportunity" and (audit.get("numericValue") or 0) > 0:
            found.append((audit["numericValue"], f"{audit['title']}: {audit['displayValue']}"))
        elif audit.get("score") is not None and audit["score"] < 0.9 and audit.get("displayValue"):
            found.append((0, f"{audit['title']}: {audit['displayValue']}"))
    return [text for _, text in sorted(found, key=lambda item: -item[0])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="the server's port (free one)")
    parser.add_argument(
        "--runs", type=int, default=3, help="Lighthouse runs, best shown (0: DOM only)"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wirepress-lighthouse-") as name:
        folder = Path(name)
        site = Site(folder, options.port or free_port())
        try:
            url = site.start()
            counts = count_elements(url)
            reports = [lighthouse(url, folder, run) for run in range(options.runs)]
        finally:
            site.stop()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"Lighthouse {LIGHTHOUSE.split('@')[1]} mobile (simulated throttling), {url}")
    print(f"load average before the runs ended: {load}")
    print()
    print(
        f"DOM elements: {counts['page']:,} on the page, {counts['list']:,} in the comment list "
        f"for {counts['comments']} comments ({counts['list'] / counts['comments']:.2f} a comment)"
    )
    if not reports:
        return
    results = [summary(report) for report in reports]
    best = max(range(len(results)), key=lambda i: results[i]["score"])
    print()
    columns = list(results[0])
    print("| run | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for index, row in enumerate(results):
        mark = " (best)" if index == best else ""
        print(f"| {index + 1}{mark} | " + " | ".join(str(row[c]) for c in columns) + " |")
    print()
    print("Opportunities and diagnostics (best run):")
    for line in opportunities(reports[best]) or ["none"]:
        print(f"- {line}")


if __name__ == "__main__":
    main()
