"""WordPress exports written by hand (tests/fixtures/wordpress/), one rule each where a
rule needs its own, and a helper that imports one."""

from pathlib import Path

import pytest

from blog.wordpress import wordpress_import

FIXTURES = Path(__file__).parent.parent / "fixtures" / "wordpress"
FIELD_NOTES = FIXTURES / "field-notes.xml"


@pytest.fixture
def wxr(tmp_path):
    """wxr(text) -> the path of an export holding `text` (bytes or str)."""

    def write(text, name="export.xml"):
        path = tmp_path / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return path

    return write


@pytest.fixture
def imported(db):
    """The field-notes export, imported; returns the summary."""
    return wordpress_import(source=str(FIELD_NOTES))
