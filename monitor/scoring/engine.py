"""VADER's rules for any language: the algorithm stays VADER's, the words come from a pack."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from monitor.models import Score
from monitor.scoring.base import Thresholds, apply_rating_rule
from monitor.scoring.packs import LanguagePack, fold
from monitor.scoring.packs.emoji import emoji_valences, emoticon_valences, token_regex

B_INCR = 0.293  # booster / dampener step (VADER)
C_INCR = 0.733  # ALL-CAPS emphasis (VADER)
N_SCALAR = -0.74  # negation (VADER)
_DECAY = (1.0, 0.95, 0.9)  # booster weight by distance 1, 2, 3 (VADER)

# Token kinds. Everything but _UNKNOWN counts as understood for coverage.
_UNKNOWN, _STOP, _VALENCE, _NEG, _WEAK, _CLOSER, _BOOST, _CONTRAST, _CONCESSIVE = range(9)
Entry = tuple[int, float, bool]  # kind, valence or booster scalar, idiom carries its own negation

_RUN3 = re.compile(r"(.)\1{2,}")
_RUN2 = re.compile(r"(.)\1+")
_LAUGH = re.compile(r"a?(?:[jh][aeiou]|js){2,}[jhs]?")
_NOISE = re.compile(r"(?:https?://|www\.)\S+|@\w+|\u200d.", re.DOTALL)
_STOP_ENTRY: Entry = (_STOP, 0.0, False)
_UNKNOWN_ENTRY: Entry = (_UNKNOWN, 0.0, False)


#: A scoring unit — a word, a merged phrase, an emoji or an emoticon — as a plain tuple for
#: speed: (key, entry, clause index, ALL CAPS, is a word, words merged into it).
Token = tuple[str, Entry, int, bool, bool, int]
_CACHE_LIMIT = 1 << 16


class PackScorer:
    """VADER's `polarity_scores` over a `LanguagePack` (see packs/README.md for the rules)."""

    def __init__(self, pack: LanguagePack, thresholds: Thresholds | None = None) -> None:
        self.pack = pack
        self.name = pack.scorer_name
        base = thresholds or Thresholds()
        band = pack.neutral_band
        # The configured band can widen the pack's, never narrow it below its calibration.
        self.thresholds = Thresholds(min(base.negative, -band), max(base.positive, band))
        self._singles: dict[str, Entry] = {}
        self._phrases: dict[str, Entry] = {}
        self._elisions = {fold(k): fold(v) for k, v in pack.elisions.items()}
        self._compile(pack)
        words = [phrase.split(" ") for phrase in self._phrases]
        self._prefixes = frozenset(" ".join(w[:k]) for w in words for k in range(1, len(w)))
        self._spellings = {fold(k): tuple(fold(v).split()) for k, v in pack.spellings.items()}
        self._markers = frozenset(fold(w) for w in pack.discourse_markers)
        self._emoji = emoji_valences()
        self._emoticons = emoticon_valences()
        self._regex = token_regex()
        self._words: dict[str, tuple[tuple[str, Entry], ...]] = {}  # matched word → keys

    def _compile(self, pack: LanguagePack) -> None:
        negating = {fold(w) for w in pack.negators | pack.weak_negators}

        def put(words: Iterable[str], entry: Entry) -> None:
            for word in words:
                parts = (self._keys(p) if "'" in p else [fold(p)] for p in word.split())
                key = " ".join(k for keys in parts for k in keys)
                (self._phrases if " " in key else self._singles)[key] = entry

        put(pack.stopwords, _STOP_ENTRY)
        put(pack.elisions.values(), _STOP_ENTRY)
        for word, valence in pack.lexicon.items():
            put((word,), (_VALENCE, valence, False))
        put(pack.boosters, (_BOOST, B_INCR, False))
        put(pack.dampeners, (_BOOST, -B_INCR, False))
        put(pack.negators, (_NEG, 0.0, False))
        put(pack.weak_negators, (_WEAK, 0.0, False))
        for word in pack.closers:
            put((word,), (_CLOSER, B_INCR if word in pack.boosters else 0.0, False))
        put(pack.contrast, (_CONTRAST, 0.0, False))
        put(pack.concessive, (_CONCESSIVE, 0.0, False))
        for phrase, valence in pack.idioms.items():  # "pas terrible", "marche pas": negated
            self_negated = any(fold(word) in negating for word in phrase.split())
            put((phrase,), (_VALENCE, valence, self_negated))

    def _resolve(self, lower: str) -> tuple[str, ...]:
        """One folded word → the pack keys it stands for (spelling, squashing, laughter)."""
        key = fold(lower)
        candidates = [key]
        if _RUN3.search(key):  # "maaaal" → "maal" → "mal"
            candidates += [_RUN3.sub(r"\1\1", key), _RUN2.sub(r"\1", key)]
        for candidate in candidates:
            expansion = self._spellings.get(candidate)
            if expansion is not None:
                return expansion
            if candidate in self._singles:
                return (candidate,)
        if "haha" in self._singles and _LAUGH.fullmatch(key):
            return ("haha",)
        return (key,)

    def _keys(self, word: str) -> list[str]:
        """Folded pieces of one word: French elisions split ("n'est" → "ne", "est"), and
        hyphenated compounds the pack does not know ("wifi-fibre" → "wifi", "fibre")."""
        pieces: list[str] = []
        rest = fold(word)
        while "'" in rest:
            head, _, tail = rest.partition("'")
            elided = self._elisions.get(head)
            if elided is None or not tail:
                break
            pieces.append(elided)
            rest = tail
        if "-" in rest and rest not in self._singles:
            pieces.extend(part for part in rest.split("-") if part)
        else:
            pieces.append(rest)
        return pieces

    def _lookup(self, word: str) -> tuple[tuple[str, Entry], ...]:
        """A matched word → its pack keys and entries (pieces, spellings, squashing); cached."""
        found = tuple(
            (key, self._singles.get(key, _UNKNOWN_ENTRY))
            for piece in self._keys(word.lower())
            for key in self._resolve(piece)
        )
        if len(self._words) >= _CACHE_LIMIT:
            self._words.clear()
        self._words[word] = found
        return found

    def _tokenize(self, text: str) -> tuple[list[Token], list[bool]]:
        """Tokens in order, and for each clause whether a comma ends it."""
        tokens: list[Token] = []
        comma_after: list[bool] = []
        clause = 0
        cache, emoji = self._words, self._emoji
        for word, emoticon, brk, symbol, _ in self._regex.findall(text):
            if word:
                caps = word.isupper()
                for key, entry in cache.get(word) or self._lookup(word):
                    tokens.append((key, entry, clause, caps, True, 1))
            elif brk:
                comma_after.append("," in brk)
                clause += 1
            elif symbol in emoji:
                tokens.append((symbol, (_VALENCE, emoji[symbol], False), clause, False, False, 1))
            elif emoticon:
                entry = (_VALENCE, self._emoticons[emoticon], False)
                tokens.append((emoticon, entry, clause, False, False, 1))
        comma_after.append(False)
        return self._merge(tokens), comma_after

    def _merge(self, tokens: list[Token]) -> list[Token]:
        """Greedy longest match of multi-word entries (idioms, "un peu", "sin embargo")."""
        prefixes, phrases = self._prefixes, self._phrases
        out: list[Token] = []
        i, n = 0, len(tokens)
        while i < n:
            token = tokens[i]
            key, _, clause, _, word, _ = token
            if word and key in prefixes:
                found, length = "", 0
                for j in range(i + 1, n):
                    follower = tokens[j]
                    if not follower[4] or follower[2] != clause:
                        break
                    key = f"{key} {follower[0]}"
                    if key in phrases:
                        found, length = key, j - i + 1
                    if key not in prefixes:
                        break
                if found:
                    caps = all(t[3] for t in tokens[i : i + length])
                    out.append((found, phrases[found], clause, caps, True, length))
                    i += length
                    continue
            out.append(token)
            i += 1
        return out

    @staticmethod
    def _negations(kinds: list[int], tokens: list[Token]) -> list[bool]:
        """Which tokens negate, with French "ne … pas" resolved in context.

        A closer ("plus", "personne") negates only after a weak negator ("ne") in the three
        tokens before it; a weak negator negates only when a closer or negator follows within
        four tokens ("ne marche pas", "n'a jamais", "n'est pas terrible").
        """
        negates = [kind == _NEG or token[1][2] for kind, token in zip(kinds, tokens, strict=True)]
        if _WEAK not in kinds:
            return negates
        for i, kind in enumerate(kinds):
            if kind == _CLOSER and _WEAK in kinds[max(0, i - 3) : i]:
                negates[i] = True
        for i, kind in enumerate(kinds):
            if kind == _WEAK and any(negates[i + 1 : i + 5]):
                negates[i] = True
        return negates

    def _sentiments(self, tokens: list[Token], comma_after: list[bool]) -> list[float]:
        """VADER's `sentiment_valence` per token, then its contrast rule."""
        kinds = [token[1][0] for token in tokens]
        words = [token[3] for token in tokens if token[4]]
        cap_diff = 0 < len(words) - sum(words) < len(words)
        negates = self._negations(kinds, tokens)
        sentiments: list[float] = []
        for i, (key, (kind, lexicon_valence, self_negated), clause, caps, _, _) in enumerate(
            tokens
        ):
            valence = lexicon_valence
            if kind != _VALENCE or valence == 0.0:
                sentiments.append(0.0)
                continue
            if key in self._markers and self._is_marker(tokens, i, comma_after):
                sentiments.append(0.0)  # "Bueno, …", "Bon Acme, …": a discourse marker
                continue
            if caps and cap_diff:
                valence += C_INCR if valence > 0 else -C_INCR
            negated = self_negated
            for distance in range(3):
                j = i - distance - 1
                if j < 0 or tokens[j][2] != clause:
                    break
                before_kind, scalar, before_negated = tokens[j][1]
                # VADER skips lexicon words when looking back; but a negated predicate ("no
                # funciona", "ne marche pas") still negates praise after it ("… muy bien").
                if before_kind == _VALENCE and not (before_negated and scalar < 0 < valence):
                    continue
                if before_kind in (_BOOST, _CLOSER) and scalar and not negates[j]:
                    scalar = scalar if valence > 0 else -scalar
                    if tokens[j][3] and cap_diff:
                        scalar += C_INCR if valence > 0 else -C_INCR
                    valence += scalar * _DECAY[distance]
                if negates[j] and not negated:  # negative concord: "no … nada" negates once
                    valence *= N_SCALAR
                    negated = True
            sentiments.append(valence)
        return self._contrast(kinds, tokens, sentiments)

    @staticmethod
    def _is_marker(tokens: list[Token], i: int, comma_after: list[bool]) -> bool:
        """Opens a clause that ends in a comma, followed only by unknown words (a name)."""
        clause = tokens[i][2]
        if not comma_after[clause] or (i > 0 and tokens[i - 1][2] == clause):
            return False
        rest = (token for token in tokens[i + 1 :] if token[2] == clause)
        return all(token[1][0] == _UNKNOWN for token in rest)

    @staticmethod
    def _contrast(kinds: list[int], tokens: list[Token], sentiments: list[float]) -> list[float]:
        """VADER's `_but_check`, plus "although" words that weaken their own clause."""
        for i, kind in enumerate(kinds):
            if kind == _CONTRAST:
                weak = set(range(i))
            elif kind == _CONCESSIVE:
                clause = tokens[i][2]
                weak = {k for k in range(i + 1, len(tokens)) if tokens[k][2] == clause}
            else:
                continue
            if not weak:
                return sentiments
            return [
                s if k == i else s * 0.5 if k in weak else s * 1.5 for k, s in enumerate(sentiments)
            ]
        return sentiments

    def score(self, text: str, lang: str | None = None, rating: int | None = None) -> Score:
        """Compound, proportions, label and coverage, as VADER computes them."""
        text = text.replace("\u2019", "'")
        if "@" in text or "://" in text or "www." in text or "\u200d" in text:
            text = _NOISE.sub(" ", text)
        tokens, comma_after = self._tokenize(text)
        sentiments = self._sentiments(tokens, comma_after)
        total = sum(token[5] for token in tokens)
        unknown = sum(token[5] for token in tokens if token[1][0] == _UNKNOWN)
        compound, pos, neu, neg = _score_valence(sentiments, text)
        result = Score(
            compound=compound,
            pos=pos,
            neu=neu,
            neg=neg,
            label=self.thresholds.label(compound),
            lang=lang or self.pack.code,
            scorer=self.name,
            coverage=round(1 - unknown / total, 4) if total else 0.0,
        )
        return apply_rating_rule(result, rating)


def _punctuation_emphasis(text: str) -> float:
    """VADER: up to four "!" add 0.292 each; two or three "?" 0.18 each, more 0.96."""
    questions = text.count("?")
    amplifier = min(text.count("!"), 4) * 0.292
    if questions > 1:
        amplifier += questions * 0.18 if questions <= 3 else 0.96
    return amplifier


def _score_valence(sentiments: list[float], text: str) -> tuple[float, float, float, float]:
    """VADER's `score_valence`: (compound, pos, neu, neg), rounded as VADER rounds them."""
    if not sentiments:
        return 0.0, 0.0, 0.0, 0.0
    sum_s = sum(sentiments)
    amplifier = _punctuation_emphasis(text)
    if sum_s > 0:
        sum_s += amplifier
    elif sum_s < 0:
        sum_s -= amplifier
    compound = max(-1.0, min(1.0, sum_s / math.sqrt(sum_s * sum_s + 15)))
    positive = [s for s in sentiments if s > 0]
    negative = [s for s in sentiments if s < 0]
    pos_sum = sum(positive) + len(positive)  # +1 per word compensates for neutrals (VADER)
    neg_sum = sum(negative) - len(negative)
    neu_count = len(sentiments) - len(positive) - len(negative)
    if pos_sum > -neg_sum:
        pos_sum += amplifier
    elif pos_sum < -neg_sum:
        neg_sum -= amplifier
    total = pos_sum - neg_sum + neu_count
    return (
        round(compound, 4),
        round(abs(pos_sum / total), 3),
        round(abs(neu_count / total), 3),
        round(abs(neg_sum / total), 3),
    )
