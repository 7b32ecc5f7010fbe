"""Language packs: everything the rule engine knows about one language, as plain typed data."""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

__all__ = [
    "PACK_CODES",
    "LanguagePack",
    "detection_words",
    "fold",
    "load_pack",
    "parse_lexicon",
]

#: Languages that have a pack module here (`monitor/scoring/packs/<code>.py` defining `PACK`).
PACK_CODES: tuple[str, ...] = ("es", "fr")

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "ʼ": "'", "‘": "'"})


@dataclass(frozen=True, slots=True)
class LanguagePack:
    """One language's words and rules; keys are written naturally, the engine folds them.

    Multi-word keys (``"sin embargo"``, ``"un peu"``) are allowed in every word set and are
    matched as one token. Valences use VADER's −4..+4 scale.
    """

    code: str
    lexicon: Mapping[str, float]
    negators: frozenset[str]
    boosters: frozenset[str]
    dampeners: frozenset[str]
    #: "but"-like: the clause before weighs ×0.5, the rest ×1.5 (VADER's `_but_check`).
    contrast: frozenset[str]
    #: "although"-like: the clause it opens weighs ×0.5, everything else ×1.5.
    concessive: frozenset[str]
    idioms: Mapping[str, float]
    #: Function words and neutral domain words: understood, carrying no sentiment.
    stopwords: frozenset[str]
    #: Social spellings → standard words, space separated for expansions ("c" → "ce est").
    spellings: Mapping[str, str]
    #: Half-width of the neutral band around 0 for labels (VADER recommends 0.05 for English).
    neutral_band: float
    #: Negate only when a closer follows within the window (French "ne … pas").
    weak_negators: frozenset[str] = frozenset()
    #: Negators only after a weak negator ("ne … plus"); otherwise booster or stopword.
    closers: frozenset[str] = frozenset()
    #: Elided prefixes before an apostrophe ("n'" → "ne", "qu'" → "que").
    elisions: Mapping[str, str] = field(default_factory=dict)
    #: Words with no valence when alone before a comma at a clause start ("Bueno, …", "Bon, …").
    discourse_markers: frozenset[str] = frozenset()
    #: Very common, distinctive words that decide the language of one- to three-word texts.
    markers: frozenset[str] = frozenset()
    #: Clitics and auxiliaries the negation and booster window looks through without counting
    #: them ("nunca me ha dado problemas", "je ne m'y attendais pas").
    transparent: frozenset[str] = frozenset()
    #: Things a customer expects (a reply, help, the signal, the refund): no valence when
    #: present, this valence when negated or absent ("sin respuesta", "aucune aide", "0 ayuda").
    absent: Mapping[str, float] = field(default_factory=dict)
    #: Morphological fallback for words the pack does not know, tried in order: (suffix,
    #: replacements, intensifies). "lentísima" → "lenta" intensified like a booster; "errores"
    #: → "error". Suffixes are written accent-folded; the base must be a lexicon word (or, for
    #: plain inflections, any known word).
    suffixes: tuple[tuple[str, tuple[str, ...], bool], ...] = ()
    #: Temporal contrast: a `later` word after an `earlier` one ("antes … ahora", "avant …
    #: maintenant") weighs like "but": the clause before ×0.5, the rest ×1.5.
    earlier: frozenset[str] = frozenset()
    later: frozenset[str] = frozenset()
    #: Polite closings never read as sarcastic ("Gracias.", "Merci beaucoup.").
    courtesies: frozenset[str] = frozenset()
    #: Regular expression matched against each lowercase word (accents kept) of a sentence
    #: ending in "?": a match makes it an information question ("qué", "comment", "avez-vous").
    interrogative: str = ""
    #: Accent-folded words that make a "?" sentence a question when they open it ("como").
    question_openers: frozenset[str] = frozenset()

    @property
    def scorer_name(self) -> str:
        return f"vader-{self.code}"


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """Lowercase without diacritics or ligatures: "Pésimo" → "pesimo", "cœur" → "coeur"."""
    lowered = word.lower().translate(_LIGATURES)
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_LEXICON_LINE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+(.+?)\s*$")


def parse_lexicon(text: str) -> dict[str, float]:
    """Lines of ``valence form form …`` (``#`` starts a comment) → {form: valence}.

    One line holds one lemma and its inflections, so they cannot drift apart; a form listed
    twice is a data error.
    """
    lexicon: dict[str, float] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0]
        if not line.strip():
            continue
        match = _LEXICON_LINE.match(line)
        if match is None:
            raise ValueError(f"bad lexicon line: {raw!r}")
        valence = float(match.group(1))
        if not -4.0 <= valence <= 4.0:
            raise ValueError(f"valence out of VADER's range: {raw!r}")
        for form in match.group(2).split():
            if form in lexicon:
                raise ValueError(f"duplicate lexicon form: {form!r}")
            lexicon[form] = valence
    return lexicon


def words_of(text: str) -> frozenset[str]:
    """A whitespace-separated word list as a set; "_" joins multi-word entries."""
    return frozenset(word.replace("_", " ") for word in text.split())


@cache
def load_pack(code: str) -> LanguagePack:
    """The pack for `code`, imported on first use."""
    if code not in PACK_CODES:
        raise KeyError(f"no language pack for {code!r}")
    module = importlib.import_module(f"{__name__}.{code}")
    pack = module.PACK
    if not isinstance(pack, LanguagePack) or pack.code != code:
        raise TypeError(f"{module.__name__}.PACK is not the {code!r} LanguagePack")
    return pack


@cache
def detection_words(code: str) -> dict[str, float]:
    """Words that vote for `code` in short-text language detection, with their weights.

    Markers weigh 3, slang spellings 2, stopwords and single-word lexicon forms 1. English has
    no scoring pack (vaderSentiment scores it) and takes its words from `packs.en`.
    """
    if code == "en":
        from monitor.scoring.packs import en

        return en.detection_words()
    pack = load_pack(code)
    weights: dict[str, float] = {}
    for words, weight in (
        (pack.lexicon.keys(), 1.0),
        (pack.absent.keys(), 1.0),
        (pack.stopwords | pack.negators | pack.boosters | pack.dampeners, 1.0),
        (pack.spellings.keys(), 2.0),
        (pack.markers, 3.0),
    ):
        for word in words:
            if " " not in word:
                key = word.lower()
                weights[key] = max(weights.get(key, 0.0), weight)
    return weights
