"""Response templates: every shipped one renders in every language; broken ones are reported."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError

from responders.templates import DEFAULT_DIR, SAMPLE, TOPICS, TemplateLibrary, check_templates
from tests.support import make_config


def test_shipped_templates_cover_every_topic_and_language_and_render():
    report = TemplateLibrary(DEFAULT_DIR).check(["en", "es", "fr"])
    assert report.errors == [] and report.warnings == []
    assert report.rendered == 2 * len(TOPICS) * 3  # with and without the optional names


def test_check_uses_the_configured_languages_and_topics(sqlite_url, tmp_path):
    config = make_config(
        sqlite_url, tmp_path, topics={"roaming": ["roaming"]}, scoring={"languages": ["en", "de"]}
    )
    report = check_templates(config)
    assert "general.de.j2: missing (the fallback answer)" in report.errors
    assert "roaming.en.j2: missing; `general` is offered" in report.warnings


def test_problems_are_reported_per_file(tmp_path):
    (tmp_path / "general.en.j2").write_text("Hi {{ nmae }}, see {{ url }}")
    (tmp_path / "billing.en.j2").write_text("Hi {% if name %}{{ name }}")
    (tmp_path / "app.en.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    (tmp_path / "notes.txt").write_text("ignored")
    report = TemplateLibrary(tmp_path).check(["en"])
    errors = "\n".join(report.errors)
    assert "general.en.j2: unknown variables nmae" in errors
    assert "billing.en.j2: TemplateSyntaxError" in errors
    assert "app.en.j2: SecurityError" in errors


def test_the_sandbox_keeps_templates_away_from_python(tmp_path):
    (tmp_path / "general.en.j2").write_text("{{ name.__class__.__mro__ }}")
    library = TemplateLibrary(tmp_path)
    with pytest.raises(SecurityError):
        library.render(library.get("general.en"), SAMPLE)


def test_choices_fall_back_to_general_and_to_the_default_language():
    library = TemplateLibrary(DEFAULT_DIR)
    assert [t.id for t in library.choices("outage", "fr")] == ["outage.fr", "general.fr"]
    assert [t.id for t in library.choices("roaming", "es")] == ["general.es"]
    assert [t.id for t in library.choices("billing", "de")] == ["billing.en", "general.en"]
    assert [t.id for t in library.choices(None, None)] == ["general.en"]


def test_rendering_fills_every_variable():
    library = TemplateLibrary(DEFAULT_DIR)
    text = library.render(library.get("general.en"), {**SAMPLE, "rating": 1})
    assert text.startswith("Hi Alex Doe, thanks") and "1-star" in text and "RM-42" in text
    anonymous = library.render(library.get("general.en"), {**SAMPLE, "name": "", "agent": ""})
    assert anonymous.startswith("Hi, thanks") and "Care" not in anonymous
