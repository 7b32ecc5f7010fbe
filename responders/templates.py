"""Response templates per topic and language (`<topic>.<lang>.j2`), rendered in Jinja2's sandbox:
a template is text an admin edits, so it must not reach Python, and every variable must exist."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment

from monitor.config import AppConfig

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "templates" / "responses"
TOPICS = ("billing", "outage", "delivery", "app", "support", "general")
FALLBACK_TOPIC = "general"
_NAME = re.compile(r"^(?P<topic>[a-z0-9_-]+)\.(?P<lang>[a-z]{2})\.j2$")

VARIABLES: dict[str, str] = {
    "name": "the customer's display name, else their handle; may be empty",
    "author": "the customer's handle on the platform, without @; may be empty",
    "brand": "the brand the post is about",
    "topic": "the case's topic, e.g. billing; may be empty",
    "case_id": "repmon's case number",
    "reference": "a reference the customer can quote, e.g. RM-42",
    "agent": "the replying agent's first name; may be empty",
    "source": "the platform: x, reddit, appstore, googleplay, rss, …",
    "url": "the customer's post",
    "rating": "the review's stars (1–5), or nothing",
}
SAMPLE: dict[str, Any] = {
    "name": "Alex Doe",
    "author": "alexdoe",
    "brand": "Acme",
    "topic": "billing",
    "case_id": 42,
    "reference": "RM-42",
    "agent": "Sam",
    "source": "x",
    "url": "https://x.com/alexdoe/status/1",
    "rating": 2,
}


@dataclass(frozen=True, slots=True)
class Template:
    topic: str
    lang: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.topic}.{self.lang}"

    @property
    def title(self) -> str:
        return f"{self.topic.replace('_', ' ').capitalize()} ({self.lang})"


@dataclass(slots=True)
class CheckReport:
    """`repmon templates check`: errors fail the command, warnings are advice."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rendered: int = 0


class TemplateLibrary:
    def __init__(self, directory: Path, *, default_lang: str = "en") -> None:
        self.directory = directory
        self.default_lang = default_lang
        self._env = SandboxedEnvironment(
            undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True
        )

    @classmethod
    def from_config(cls, config: AppConfig) -> TemplateLibrary:
        configured = config.slack.templates_dir
        directory = DEFAULT_DIR if not configured else config.base_dir / Path(configured)
        languages = config.scoring.languages
        return cls(directory, default_lang="en" if "en" in languages else languages[0])

    def all(self) -> list[Template]:
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.iterdir()):
            match = _NAME.match(path.name)
            if match:
                found.append(Template(match["topic"], match["lang"], path))
        return found

    def get(self, template_id: str) -> Template | None:
        return next((t for t in self.all() if t.id == template_id), None)

    def choices(self, topic: str | None, lang: str | None) -> list[Template]:
        """The case's topic first, then the general answer; in its language, else the default."""
        everything = self.all()
        for language in dict.fromkeys([lang or self.default_lang, self.default_lang]):
            mine = [t for t in everything if t.lang == language]
            picked = [t for t in mine if t.topic == topic and topic != FALLBACK_TOPIC]
            picked += [t for t in mine if t.topic == FALLBACK_TOPIC]
            if picked:
                return picked
        return []

    def render(self, template: Template, variables: dict[str, Any]) -> str:
        """Render with only the known variables; TemplateError says what is wrong."""
        source = template.path.read_text(encoding="utf-8")
        values = {name: variables.get(name, "") for name in VARIABLES}
        text = self._env.from_string(source).render(values)
        return "\n".join(line.rstrip() for line in text.strip().splitlines())

    def check(self, languages: list[str], topics: list[str] | None = None) -> CheckReport:
        """Every template renders with sample data; every topic has an answer in every language."""
        report = CheckReport()
        everything = self.all()
        if not everything:
            report.errors.append(f"no templates found in {self.directory}")
            return report
        have = {(t.topic, t.lang) for t in everything}
        for lang in languages:
            if (FALLBACK_TOPIC, lang) not in have:
                report.errors.append(f"{FALLBACK_TOPIC}.{lang}.j2: missing (the fallback answer)")
            for topic in dict.fromkeys([*TOPICS, *(topics or [])]):
                if topic != FALLBACK_TOPIC and (topic, lang) not in have:
                    report.warnings.append(f"{topic}.{lang}.j2: missing; `general` is offered")
        for template in everything:
            source = template.path.read_text(encoding="utf-8")
            try:
                used = meta.find_undeclared_variables(self._env.parse(source))
            except TemplateError as exc:
                report.errors.append(f"{template.path.name}: {type(exc).__name__}: {exc}")
                continue
            unknown = sorted(used - set(VARIABLES))
            if unknown:
                report.errors.append(
                    f"{template.path.name}: unknown variables {', '.join(unknown)} "
                    f"(known: {', '.join(VARIABLES)})"
                )
                continue
            for sample in (SAMPLE, {**SAMPLE, "name": "", "author": "", "agent": ""}):
                try:
                    text = self.render(template, sample)
                except TemplateError as exc:
                    report.errors.append(f"{template.path.name}: {type(exc).__name__}: {exc}")
                    break
                if not text:
                    report.errors.append(f"{template.path.name}: renders to nothing")
                    break
                report.rendered += 1
        return report


def check_templates(config: AppConfig) -> CheckReport:
    """`repmon templates check` (DESIGN 3.1): exit 2 if `errors`, print `warnings`."""
    library = TemplateLibrary.from_config(config)
    return library.check(config.scoring.languages, sorted(config.topics))
