"""Escalation signals in any of our languages: legal, safety, regulators/press, churn, shouting."""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.textnorm import MatcherGroup, keyword_pattern


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    reason: str
    weight: float


# Matched on folded text (lower-case, no accents); a trailing `*` matches a word start, so
# "demand*" covers "demanda/demandar" and "resili*" covers "résilier/résiliation".
_SIGNALS: list[tuple[Signal, list[str]]] = [
    (
        Signal("legal", "legal threat", 1.0),
        [
            "lawyer*",
            "attorney*",
            "lawsuit*",
            "sue",
            "sue you",
            "suing",
            "small claims",
            "legal action",
            "class action",
            "in court",
            "to court",
            "abogad*",
            "demanda*",
            "denuncia*",
            "juzgado*",
            "tribunal*",
            "accion legal",
            "acciones legales",
            "avocat*",
            "plainte*",
            "porter plainte",
            "proces",
            "mise en demeure",
            "action en justice",
        ],
    ),
    (
        Signal("safety", "safety issue", 1.0),
        [
            "caught fire",
            "on fire",
            "smoke",
            "smoking",
            "burned",
            "burnt",
            "burning",
            "sparks",
            "electric shock",
            "exploded",
            "explosion",
            "injured",
            "injury",
            "dangerous",
            "incendi*",
            "fuego",
            "humo",
            "quemad*",
            "quemo",
            "chispa*",
            "descarga electrica",
            "peligros*",
            "explot*",
            "fumee",
            "brule*",
            "brulure*",
            "en feu",
            "pris feu",
            "etincelle*",
            "electrocut*",
            "dangereu*",
        ],
    ),
    (
        Signal("regulator", "regulator or press tagged", 0.9),
        [
            "@fcc",
            "fcc",
            "ofcom",
            "ftc",
            "bbb",
            "ombudsman",
            "journalist*",
            "reporter*",
            "cnmc",
            "@ocu_consumidores",
            "ocu",
            "facua",
            "periodista*",
            "ufc",
            "@ufcquechoisir",
            "que choisir",
            "arcep",
            "dgccrf",
            "60 millions",
            "journaliste*",
        ],
    ),
    (
        Signal("churn", "churn risk", 0.7),
        [
            "cancel*",
            "switching to",
            "leaving",
            "close my account",
            "never again",
            "me doy de baja",
            "darme de baja",
            "dar de baja",
            "me cambio",
            "portabilidad",
            "nunca mas",
            "resili*",
            "je pars",
            "changer d'operateur",
            "changer d operateur",
            "plus jamais",
            "je quitte",
        ],
    ),
]
# Strongest first (a stable sort), so the signals a text has come out in the order `signals`
# promises without sorting them per text; shouting, the weakest, goes last.
_MATCHERS = sorted(
    [(signal, keyword_pattern(words)) for signal, words in _SIGNALS],
    key=lambda pair: pair[0].weight,
    reverse=True,
)
_MATCHED = [signal for signal, matcher in _MATCHERS if matcher is not None]
_GROUP = MatcherGroup([matcher for _, matcher in _MATCHERS if matcher is not None])
#: The signals of each `_GROUP.bits` mask (bit i: `_MATCHED[i]`), strongest first.
_FOUND = [
    [signal for index, signal in enumerate(_MATCHED) if bits >> index & 1]
    for bits in range(1 << len(_MATCHED))
]
SHOUTING = Signal("shouting", "shouting", 0.4)
if any(signal.weight < SHOUTING.weight for signal in _MATCHED):
    raise RuntimeError("shouting must be the weakest signal: signals() appends it last")
_CAPS_WORD = re.compile(r"\b[A-ZÁÉÍÓÚÑÀÂÇÈÊËÎÏÔÛÙÜ]{3,}\b")
_BANGS = re.compile(r"[!¡]{3,}")


_CAPS_RUN = re.compile(r"[A-ZÁÉÍÓÚÑÀÂÇÈÊËÎÏÔÛÙÜ]{3}")
#: Every Latin-1 code but the capitals above (all Latin-1), for `bytes.translate` to delete.
_NOT_CAPITALS = bytes(code for code in range(256) if not _CAPS_RUN.match(chr(code) * 3))
_BY_NAME = {signal.name: signal for signal, _ in _SIGNALS} | {SHOUTING.name: SHOUTING}


def signal_named(name: str) -> Signal:
    """The signal called `name` (signals travel between processes by name)."""
    return _BY_NAME[name]


def signals(text: str, folded_text: str) -> list[Signal]:
    """Every signal present, strongest first (`_MATCHED` is in that order)."""
    found = _FOUND[_GROUP.bits(folded_text)].copy()
    if _shouting(text):
        found.append(SHOUTING)
    return found


def _shouting(text: str) -> bool:
    """Three !/¡ in a row, or three words in capitals; the cheap substring and run checks
    rule out most texts before the word-boundary regex runs."""
    if "!!!" in text or ("¡" in text and _BANGS.search(text)):
        return True
    # Three capitalised words take at least 9 capitals, all Latin-1 characters: counting them
    # in the text's Latin-1 bytes (C-level) costs a quarter of the run search, and rules out most.
    latin1 = text.encode("latin-1", "ignore")
    if len(latin1.translate(None, _NOT_CAPITALS)) < 9:
        return False
    return _CAPS_RUN.search(text) is not None and len(_CAPS_WORD.findall(text)) >= 3
