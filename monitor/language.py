"""Language of a mention: the platform's hint first, else py3langid restricted to our languages."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

_lock = threading.Lock()


def normalize_hint(hint: str | None) -> str | None:
    """`en-US`, `EN`, `es_419` → `en`, `en`, `es`; junk → None."""
    if not hint:
        return None
    code = hint.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if len(code) == 2 and code.isalpha() else None


class LanguageDetector:
    """Detects among the configured languages only; the model ships inside py3langid."""

    def __init__(self, languages: Sequence[str], *, default: str = "en") -> None:
        self.languages = [code.lower() for code in languages]
        self.default = default if default in self.languages else self.languages[0]
        self._identifier: Any = None

    def _model(self) -> Any:
        if self._identifier is None:
            with _lock:
                if self._identifier is None:
                    from py3langid.langid import MODEL_FILE, LanguageIdentifier

                    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                    identifier.set_languages(self.languages)
                    self._identifier = identifier
        return self._identifier

    def detect(self, text: str, hint: str | None = None) -> str:
        """The platform's own language field wins when it is one of ours."""
        code = normalize_hint(hint)
        if code in self.languages:
            return code
        if len(self.languages) == 1:
            return self.default
        if sum(ch.isalpha() for ch in text) < 3:
            return self.default
        lang, _ = self._model().classify(text)
        return str(lang)
