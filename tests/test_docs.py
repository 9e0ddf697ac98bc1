"""The architecture document stays true: every module it points a newcomer to exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_module_the_architecture_document_names_exists():
    text = (ROOT / "docs" / "architecture.md").read_text()
    modules = set(re.findall(r"`((?:blog|comments)/[\w/]+\.py)", text))
    assert len(modules) > 30
    assert sorted(path for path in modules if not (ROOT / path).is_file()) == []


def test_the_readmes_links_to_files_stay_inside_the_repository():
    readme = (ROOT / "README.md").read_text()
    assert "(docs/architecture.md)" in readme
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        if "://" in target or target.startswith("mailto:"):
            continue
        path = (ROOT / target).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), target
