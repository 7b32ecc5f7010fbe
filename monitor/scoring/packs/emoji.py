"""Emoji, emoticons and the token pattern shared by every pack: "😡" means the same anywhere.

Choice (documented in packs/README.md): a face or heart emoji scores what VADER gives its
English description ("smiling face with smiling eyes"): the description's compound from
vaderSentiment turned back into a raw valence, clamped to ±3.5. VADER's descriptions of other
emoji carry sentiment by accident ("game die", "Cancer", "waving hand" score), and some faces
carry none ("pouting face" 😡, "face with rolling eyes" 🙄), so `OVERRIDES` — a project-owned
table of emoji common in customer posts — wins over the derived values; other emoji are
skipped, like the skin tones and gender signs that only modify the emoji before them.
Emoticons (":)", ":-(", "<3") take VADER's own lexicon valence unchanged.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from monitor.scoring.packs.en import vader_emoji, vader_lexicon

#: Valences on VADER's −4..+4 scale for emoji common in customer posts.
OVERRIDES: dict[str, float] = {
    # anger and contempt
    "😡": -2.5,
    "🤬": -3.0,
    "😠": -2.3,
    "😤": -1.8,
    "👿": -2.0,
    "💢": -1.5,
    "😒": -1.5,
    "🙄": -1.3,
    "🙃": -1.0,
    "😑": -0.8,
    "😐": -0.3,
    "🖕": -2.9,
    "🤡": -1.8,
    "💩": -2.2,
    "🤮": -2.5,
    "🤢": -2.0,
    "👎": -2.0,
    "💔": -2.2,
    "❌": -1.2,
    "⛔": -1.2,
    "🚫": -1.2,
    "🆘": -1.5,
    "⚠": -1.0,
    # sadness, despair, tiredness
    "😞": -1.8,
    "😔": -1.5,
    "😟": -1.5,
    "😕": -1.2,
    "🙁": -1.5,
    "☹": -1.8,
    "😣": -1.8,
    "😖": -1.9,
    "😫": -2.0,
    "😩": -2.0,
    "😢": -1.9,
    "😭": -2.2,
    "😰": -1.8,
    "😨": -1.6,
    "😱": -1.5,
    "🤯": -1.0,
    "🤦": -1.6,
    "🤷": -0.5,
    "😴": -0.8,
    "🥱": -1.0,
    "😬": -0.8,
    "😓": -1.3,
    "😥": -1.3,
    "🤕": -1.5,
    "🐌": -0.8,
    "⏳": -0.5,
    "⌛": -0.5,
    "🤔": -0.3,
    # joy, love, praise, thanks
    "😀": 1.8,
    "😃": 2.0,
    "😄": 2.2,
    "😁": 2.0,
    "😆": 1.8,
    "😅": 0.5,
    "😂": 1.5,
    "🤣": 1.6,
    "🙂": 1.3,
    "😊": 2.2,
    "😇": 1.8,
    "🥰": 3.0,
    "😍": 3.0,
    "🤩": 2.8,
    "😘": 2.2,
    "😚": 1.8,
    "😋": 1.8,
    "😎": 1.9,
    "🤗": 2.0,
    "😉": 1.5,
    "😌": 1.3,
    "☺": 2.0,
    "😻": 2.8,
    "🥳": 2.4,
    "🙏": 1.5,
    "👍": 2.0,
    "👌": 1.9,
    "👏": 2.0,
    "🙌": 2.2,
    "💪": 1.5,
    "🤝": 1.5,
    "✌": 1.0,
    "❤": 3.0,
    "🧡": 2.7,
    "💛": 2.7,
    "💚": 2.7,
    "💙": 2.7,
    "💜": 2.7,
    "🤍": 2.0,
    "♥": 2.8,
    "💕": 2.8,
    "💖": 2.8,
    "💗": 2.7,
    "💓": 2.7,
    "💞": 2.7,
    "💘": 2.5,
    "💝": 2.5,
    "⭐": 1.5,
    "🌟": 1.8,
    "✨": 1.3,
    "🎉": 2.2,
    "🎊": 2.0,
    "💯": 2.0,
    "✅": 1.3,
    "✔": 1.0,
    "🏆": 2.0,
    "🥇": 2.0,
    "🔝": 2.0,
    "🆗": 1.2,
    "🌹": 1.5,
    "💐": 1.8,
    "🎁": 1.5,
    "🍀": 1.2,
    # no sentiment of their own here (VADER's description words would give them one)
    "🔥": 0.0,
    "😈": 0.0,
    "👀": 0.0,
}

#: Irony markers: a positive word in the clause they close reads as sarcastic ("Genial 🙃",
#: "Très pratique 🙄", "Excelente servicio 🤡").
IRONY: frozenset[str] = frozenset("🙃🙄😒🤡")

_DESCRIBED = re.compile(r"\b(?:face|heart)\b")


def _description_valence(description: str, analyzer: Any) -> float:
    """VADER's raw valence sum for `description`: its compound c, inverted (s = c√(15/(1−c²)))."""
    compound = float(analyzer.polarity_scores(description)["compound"])
    compound = max(-0.999, min(0.999, compound))
    return max(-3.5, min(3.5, compound * math.sqrt(15 / (1 - compound * compound))))


@lru_cache(maxsize=1)
def emoji_valences() -> dict[str, float]:
    """Single-code-point emoji → valence (see the module docstring for where values come from)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    table = {
        emoji: _description_valence(description, analyzer)
        for emoji, description in vader_emoji().items()
        if len(emoji) == 1 and not emoji.isascii() and _DESCRIBED.search(description)
    }
    table = {emoji: valence for emoji, valence in table.items() if valence}
    table.update(OVERRIDES)
    return table


@lru_cache(maxsize=1)
def emoticon_valences() -> dict[str, float]:
    """VADER's emoticons (":)", ":-(", "<3", ":D") with VADER's valences."""
    emoticons: dict[str, float] = {}
    for key, valence in vader_lexicon().items():
        if " " in key or re.search(r"[a-zA-Z]{3}", key):
            continue
        if re.search(r"[:;=<>()\[\]{}|^*\\/@_]", key):
            emoticons[key] = valence
    return emoticons


#: Symbols and pictographs; a match counts only if it is in the emoji table.
EMOJI_RANGES = "\u2190-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"


@lru_cache(maxsize=1)
def token_regex() -> re.Pattern[str]:
    """Words with inner ' or -, emoticons (whitespace-delimited), clause punctuation (with
    Spanish "¿", which opens a clause), emoji, and numbers ("2.0", "10:30" and "0/10" whole).

    Plain character classes and a first-character guard on the emoticon alternation keep this
    about as fast as a bare word pattern (a class listing every emoji was five times slower).
    """
    emoticons = sorted((e for e in emoticon_valences() if not e[0].isalpha()), key=len)
    alternation = "|".join(re.escape(e) for e in reversed(emoticons))
    firsts = "".join(sorted({re.escape(e[0]) for e in emoticons}))
    return re.compile(
        r"(?P<word>[^\W\d_]+(?:['\-][^\W\d_]+)*)"
        rf"|(?P<emo>(?<!\S)(?=[{firsts}])(?:{alternation})(?=[\s.,!?]|$))"
        r"|(?P<brk>[,;.!?:…¿]+)"
        rf"|(?P<emoji>[{EMOJI_RANGES}])"
        r"|(?P<num>\d+(?:[.,:/]\d+)*\w*)"
    )
