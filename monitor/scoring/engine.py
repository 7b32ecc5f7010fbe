"""VADER's rules for any language: the algorithm stays VADER's, the words come from a pack."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from itertools import compress
from operator import itemgetter

from monitor.models import Score
from monitor.scoring.base import Thresholds, build_score
from monitor.scoring.packs import LanguagePack, fold
from monitor.scoring.packs.emoji import IRONY, emoji_valences, emoticon_valences, token_regex

B_INCR = 0.293  # booster / dampener step (VADER)
C_INCR = 0.733  # ALL-CAPS emphasis (VADER)
N_SCALAR = -0.74  # negation (VADER)
_DECAY = (1.0, 0.95, 0.9)  # booster weight by distance 1, 2, 3 (VADER)
#: A positive word read as sarcastic counts this much of its valence, negated.
IRONY_SCALAR = -0.5
#: Information questions ("¿funciona en iPad?", "comment ça marche ?") state no opinion:
#: positive words there are what is asked about, so they keep little weight; negative ones
#: usually name the trouble behind the question ("¿por qué no funciona?"), so they keep more.
QUESTION_POSITIVE = 0.1
QUESTION_NEGATIVE = 0.7
#: A courtesy closing a clear complaint ("… tres veces. Gracias.") is a sign-off, not praise.
COMPLAINT = -1.0

# Token kinds. Everything but _UNKNOWN counts as understood for coverage.
(
    _UNKNOWN,
    _STOP,
    _VALENCE,
    _NEG,
    _WEAK,
    _CLOSER,
    _BOOST,
    _CONTRAST,
    _CONCESSIVE,
    _ABSENT,
    _EARLIER,
    _LATER,
) = range(12)
Entry = tuple[int, float, bool]  # kind, valence or booster scalar, idiom carries its own negation

_RUN3 = re.compile(r"(.)\1{2,}")
_RUN2 = re.compile(r"(.)\1+")
# Laughter repeats one syllable: "jajaja", "jejeje", "hihi", "jsjsjs" — not "hijo", "hija".
_LAUGH = re.compile(r"a?(?:(?:[jh]a)+|(?:[jh]e)+|(?:[jh]i)+|(?:[jh]o)+|(?:[jh]a)*(?:js)+)[jhs]?")
_LAUGH_SYLLABLES = 2
_NOISE = re.compile(r"(?:https?://|www\.)\S+|@\w+|\u200d.", re.DOTALL)
#: The kinds that can carry a sentiment (see `_sentiments`).
_SCORED = (_VALENCE, _ABSENT)
#: The kinds that can change weights across clauses (see `_contrast`).
_TURNS = (_CONTRAST, _CONCESSIVE, _LATER)
_STOP_ENTRY: Entry = (_STOP, 0.0, False)
_UNKNOWN_ENTRY: Entry = (_UNKNOWN, 0.0, False)
_ZERO_ENTRY: Entry = (_NEG, 0.0, False)  # a bare "0" quantifies like "cero", "zéro"
_SENTENCE_END = frozenset(".!?…")
_CAPS = itemgetter(3)  # a token's ALL CAPS flag
_IS_WORD = itemgetter(4)  # whether a token is a word


#: A scoring unit — a word, a merged phrase, an emoji or an emoticon — as a plain tuple for
#: speed: (key, entry, clause index, ALL CAPS, is a word, words merged into it).
Token = tuple[str, Entry, int, bool, bool, int]
#: What tokenizing a whitespace-separated chunk of text yields, in order: a token as (key,
#: entry, ALL CAPS, is a word, the words that can follow it in a multi-word entry or None);
#: a clause break (its punctuation); or None, "the current clause holds an interrogative word".
Item = tuple[str, Entry, bool, bool, frozenset[str] | None] | str | None
#: Entries per cache (words, chunks) before it is emptied: enough for the words that make most
#: of any text, and a bound on memory (a few MiB per pack and process) whatever the input.
_CACHE_LIMIT = 1 << 13
#: Longer chunks are not remembered, so the chunk cache stays small.
_CACHED_CHUNK_CHARS = 32


class _ChunkCache(dict[str, tuple[Item, ...]]):
    """Chunk of text → its items; a miss tokenizes the chunk, and remembers it when short.

    A subscript that finds the chunk costs less than `get` and a test, on every chunk of every
    text; a chunk with no tokens ("2.0", "-") caches as empty.
    """

    def __init__(self, tokenize: Callable[[str], tuple[Item, ...]]) -> None:
        super().__init__()
        self._tokenize = tokenize

    def __missing__(self, chunk: str) -> tuple[Item, ...]:
        items = self._tokenize(chunk)
        if len(chunk) <= _CACHED_CHUNK_CHARS:
            if len(self) >= _CACHE_LIMIT:
                self.clear()
            self[chunk] = items
        return items


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
        # Phrase start → every w for which f"{start} {w}" is a phrase or a longer prefix.
        followers: dict[str, set[str]] = {}
        for joined in self._prefixes | self._phrases.keys():
            for cut, char in enumerate(joined):
                if char == " ":
                    followers.setdefault(joined[:cut], set()).add(joined[cut + 1 :])
        self._followers = {start: frozenset(ws) for start, ws in followers.items()}
        self._spellings = {fold(k): tuple(fold(v).split()) for k, v in pack.spellings.items()}
        self._markers = frozenset(fold(w) for w in pack.discourse_markers)
        self._transparent = frozenset(fold(w) for w in pack.transparent)
        self._courtesies = frozenset(" ".join(self._phrase_keys(w)) for w in pack.courtesies)
        self._openers = frozenset(fold(w) for w in pack.question_openers)
        self._interrogative: Callable[[str], object] | None = (
            re.compile(pack.interrogative).fullmatch if pack.interrogative else None
        )
        self._suffixes = tuple(
            (fold(suffix), tuple(fold(r) for r in replacements), intensifies)
            for suffix, replacements, intensifies in pack.suffixes
        )
        self._emoji = emoji_valences()
        self._emoticons = emoticon_valences()
        self._regex = token_regex()
        # Per-pack lookups built once, so that tokenizing does no per-token work it can cache.
        self._emoji_entries: dict[str, Entry] = {
            symbol: (_VALENCE, valence, False) for symbol, valence in self._emoji.items()
        }
        self._emoticon_entries: dict[str, Entry] = {
            emoticon: (_VALENCE, valence, False) for emoticon, valence in self._emoticons.items()
        }
        self._zero_followers = self._followers.get("0")
        self._words: dict[str, tuple[Item, ...]] = {}  # matched word → its items
        self._chunks = _ChunkCache(self._chunk)  # chunk of text → its items

    def _phrase_keys(self, phrase: str) -> list[str]:
        parts = (self._keys(p) if "'" in p else [fold(p)] for p in phrase.split())
        return [k for keys in parts for k in keys]

    def _compile(self, pack: LanguagePack) -> None:
        negating = {fold(w) for w in pack.negators | pack.weak_negators}

        def put(words: Iterable[str], entry: Entry) -> None:
            for word in words:
                key = " ".join(self._phrase_keys(word))
                (self._phrases if " " in key else self._singles)[key] = entry

        put(pack.stopwords, _STOP_ENTRY)
        put(pack.elisions.values(), _STOP_ENTRY)
        put(pack.earlier, (_EARLIER, 0.0, False))
        put(pack.later, (_LATER, 0.0, False))
        for word, valence in pack.lexicon.items():
            put((word,), (_VALENCE, valence, False))
        for word, valence in pack.absent.items():
            put((word,), (_ABSENT, valence, False))
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
        if "haha" in self._singles and _is_laughter(key):
            return ("haha",)
        return (key,)

    def _morph(self, key: str) -> Entry | None:
        """An unknown word → the entry of a known base by the pack's suffix rules, or None.

        An intensifying suffix ("-ísimo", "-issime") adds a booster step to the base's valence.
        """
        for suffix, replacements, intensifies in self._suffixes:
            if not key.endswith(suffix) or len(key) - len(suffix) < 3:
                continue
            stem = key[: -len(suffix)]
            for replacement in replacements:
                base = stem + replacement
                entry = self._singles.get(base)
                if entry is None:
                    continue
                kind, valence, _ = entry
                if kind == _VALENCE and valence:
                    if intensifies:
                        valence += B_INCR if valence > 0 else -B_INCR
                    return (_VALENCE, valence, False)
                if not intensifies and kind in (_STOP, _ABSENT):
                    return entry
        return None

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

    def _lookup(self, word: str) -> tuple[Item, ...]:
        """A matched word → its tokens (pieces, spellings, squashing, suffix rules), then None
        if it is an interrogative; cached, as all of it depends on the word alone."""
        items: list[Item] = []
        caps, followers = word.isupper(), self._followers
        for piece in self._keys(word.lower()):
            for key in self._resolve(piece):
                entry = self._singles.get(key)
                if entry is None:
                    # The surface key stays, so that phrases still match ("buenas tardes").
                    derived = self._morph(key) if self._suffixes else None
                    entry = derived or _UNKNOWN_ENTRY
                items.append((key, entry, caps, True, followers.get(key)))
        if self._interrogative is not None and self._interrogative(word.lower()):
            items.append(None)
        if len(self._words) >= _CACHE_LIMIT:
            self._words.clear()
        result = tuple(items)
        self._words[word] = result
        return result

    def _chunk(self, chunk: str) -> tuple[Item, ...]:
        """The items of one whitespace-free chunk of text ("Acme,", "¿qué", "nul!!", ":)")."""
        items: list[Item] = []
        words, emoji, emoticons = self._words, self._emoji_entries, self._emoticon_entries
        for word, emoticon, brk, symbol, number in self._regex.findall(chunk):
            if word:
                items += words.get(word) or self._lookup(word)
            elif brk:
                items.append(brk)
            elif symbol in emoji:
                items.append((symbol, emoji[symbol], False, False, None))
            elif emoticon:
                items.append((emoticon, emoticons[emoticon], False, False, None))
            elif number == "0":  # "0 soluciones", "0 problème": a quantity negator
                items.append(("0", _ZERO_ENTRY, False, True, self._zero_followers))
        return tuple(items)

    def _tokenize(self, text: str) -> tuple[list[Token], list[str], set[int] | None, int]:
        """Tokens in order; the punctuation that ends each clause ("" for the last); when the
        text asks something ("?"), the clauses holding an interrogative word; and how many
        tokens there were before multi-word entries were merged (one per word piece).

        The token pattern never matches whitespace, never starts a match on it, and its
        emoticon lookarounds accept whitespace and the ends of the string alike; so matching it
        chunk by chunk (`str.split`, same whitespace as the pattern's `\\s`) finds the same
        matches as matching the whole text, and a chunk's items can be cached.
        """
        tokens: list[Token] = []
        breaks: list[str] = []
        asks: set[int] = set()
        # Indices of the tokens that may open a multi-word entry: their key is a phrase prefix
        # and the next token's key continues it ("sin" + "embargo"). Most openers ("de", "la")
        # are followed by a word that continues no phrase, and are not worth a look in `_merge`.
        starts: list[int] = []
        follows: frozenset[str] | None = None  # what may follow the last token in a phrase
        clause = 0
        chunks, append = self._chunks, tokens.append
        for chunk in text.split():
            for item in chunks[chunk]:
                if type(item) is tuple:
                    key, entry, caps, word, followers = item
                    if follows is not None and key in follows:
                        starts.append(len(tokens) - 1)
                    follows = followers
                    append((key, entry, clause, caps, word, 1))
                elif item is None:
                    asks.add(clause)
                elif isinstance(item, str):
                    breaks.append(item)
                    clause += 1
        breaks.append("")
        # `asks` is only read for texts with a "?"; without one it is None, as before.
        return self._merge(tokens, starts), breaks, asks if "?" in text else None, len(tokens)

    def _merge(self, tokens: list[Token], starts: list[int]) -> list[Token]:
        """Greedy longest match of multi-word entries (idioms, "un peu", "sin embargo").

        Only a word token whose key is a phrase prefix and whose next token continues it
        (`starts`, in order) can open a match; the tokens between matches are copied unchanged,
        so this equals scanning every token.
        """
        prefixes, phrases = self._prefixes, self._phrases
        out: list[Token] = []
        done, n = 0, len(tokens)  # tokens[:done] are already in `out`
        for i in starts:
            if i < done:  # inside the phrase just merged
                continue
            key, _, clause, _, _, _ = tokens[i]
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
                out += tokens[done:i]
                caps = all(map(_CAPS, tokens[i : i + length]))
                out.append((found, phrases[found], clause, caps, True, length))
                done = i + length
        if not done:
            return tokens
        out += tokens[done:]
        return out

    def _negations(
        self, kinds: list[int], tokens: list[Token], scored: list[int], present: set[int]
    ) -> list[bool]:
        """Which tokens negate, with French "ne … pas" resolved in context.

        A closer ("plus", "personne") negates only after a weak negator ("ne") in the three
        tokens before it; a weak negator negates only when a closer or negator follows within
        four tokens ("ne marche pas", "n'a jamais", "n'est pas terrible"). Clitics and
        auxiliaries do not count towards either window ("je ne m'y suis jamais fait").
        """
        # `present` is the set of `kinds`: most texts hold no negator at all.
        negates = [kind == _NEG for kind in kinds] if _NEG in present else [False] * len(kinds)
        # Only idioms carry their own negation ("marche pas"), and they are valence tokens,
        # which `scored` lists; so the other tokens need no look at their entry.
        for i in scored:
            if tokens[i][1][2]:
                negates[i] = True
        if _WEAK not in present:  # no weak negator: nothing depends on context
            return negates
        transparent = self._transparent
        for i, kind in enumerate(kinds):
            if kind == _CLOSER:
                counted, j = 0, i - 1
                while j >= 0 and counted < 3:
                    if kinds[j] == _WEAK:
                        negates[i] = True
                        break
                    counted += tokens[j][0] not in transparent
                    j -= 1
        n = len(tokens)
        for i, kind in enumerate(kinds):
            if kind == _WEAK:
                counted, j = 0, i + 1
                while j < n and counted < 4:
                    if negates[j]:
                        negates[i] = True
                        break
                    counted += tokens[j][0] not in transparent
                    j += 1
        return negates

    def _sentiments(
        self,
        tokens: list[Token],
        kinds: list[int],
        breaks: list[str],
        asks: set[int] | None,
        *,
        ironic: bool,
    ) -> tuple[list[float], int]:
        """VADER's `sentiment_valence` per token; then sarcasm, information questions and the
        contrast rule. Also returns how many "?" end information questions (not emphasis)."""
        # VADER's `is_cap_diff`: some words, not all, are in ALL CAPS. Only words are ever in
        # ALL CAPS, so that is 0 < capitals < words; words are counted only if there are any.
        capitals = sum(map(_CAPS, tokens))
        cap_diff = 0 < capitals < sum(map(_IS_WORD, tokens))
        # Only lexicon, idiom, emoji and "absent" tokens get a valence; every other token's
        # sentiment is VADER's 0.0, so those are filled in once and never visited.
        scored = [i for i, kind in enumerate(kinds) if kind in _SCORED]
        present = set(kinds)  # cheaper to ask than `kinds`, when asked more than once
        negates = self._negations(kinds, tokens, scored, present)
        sentiments = [0.0] * len(tokens)
        markers = self._markers
        for i in scored:
            key, (kind, valence, _), _, caps, word, _ = tokens[i]
            if kind == _ABSENT:  # "sin respuesta", "aucune aide": what was expected is missing
                if self._absent(tokens, i, negates):
                    sentiments[i] = valence
                continue
            if valence == 0.0:
                continue
            if not word:  # emoji and emoticons: sentence-level affect, out of negation's reach
                sentiments[i] = valence
                continue
            if key in markers and self._is_marker(tokens, i, breaks):
                continue  # "Bueno, …", "Bon Acme, …": a discourse marker
            if caps and cap_diff:
                valence += C_INCR if valence > 0 else -C_INCR
            sentiments[i] = self._modified(tokens, i, valence, negates, cap_diff)
        self._irony(tokens, sentiments, breaks, ironic=ironic)
        answered = 0
        if asks is not None:
            answered = self._questions(tokens, sentiments, breaks, asks)
        return self._contrast(kinds, tokens, sentiments, present), answered

    def _modified(
        self, tokens: list[Token], i: int, valence: float, negates: list[bool], cap_diff: bool
    ) -> float:
        """Boosters, dampeners and negation in the three tokens before token `i` (VADER)."""
        clause, transparent = tokens[i][2], self._transparent
        negated = tokens[i][1][2]
        distance, j = 0, i - 1
        while distance < 3 and j >= 0:
            before = tokens[j]
            # An emoji closes the scope, like the end of a clause.
            if before[2] != clause or not before[4]:
                break
            before_kind, scalar, before_negated = before[1]
            if before[0] in transparent:  # "nunca me ha dado …": look through, not count
                if negates[j] and not negated:
                    valence *= N_SCALAR
                    negated = True
                j -= 1
                continue
            # VADER skips lexicon words when looking back; but a negated predicate ("no
            # funciona", "ne marche pas") still negates praise after it ("… muy bien").
            if before_kind != _VALENCE or (before_negated and scalar < 0 < valence):
                if before_kind in (_BOOST, _CLOSER) and scalar and not negates[j]:
                    scalar = scalar if valence > 0 else -scalar
                    if before[3] and cap_diff:
                        scalar += C_INCR if valence > 0 else -C_INCR
                    valence += scalar * _DECAY[distance]
                if negates[j] and not negated:  # negative concord: "no … nada" negates once
                    valence *= N_SCALAR
                    negated = True
            distance += 1
            j -= 1
        return valence

    def _absent(self, tokens: list[Token], i: int, negates: list[bool]) -> bool:
        """Whether a negator governs token `i` (same window as VADER's negation)."""
        clause, transparent = tokens[i][2], self._transparent
        distance, j = 0, i - 1
        while distance < 3 and j >= 0:
            before = tokens[j]
            if before[2] != clause or not before[4]:
                break
            if negates[j]:
                kind, scalar, _ = before[1]
                # "pas mal de réponses" is no absence; "toujours pas de réponse" is.
                return kind != _VALENCE or scalar <= 0
            distance += before[0] not in transparent
            j -= 1
        return False

    def _is_marker(self, tokens: list[Token], i: int, breaks: list[str]) -> bool:
        """Opens a clause that ends in a comma, followed only by unknown words (a name)."""
        clause = tokens[i][2]
        if "," not in breaks[clause] or (i > 0 and tokens[i - 1][2] == clause):
            return False
        rest = (token for token in tokens[i + 1 :] if token[2] == clause)
        return all(token[1][0] == _UNKNOWN for token in rest)

    def _irony(
        self, tokens: list[Token], sentiments: list[float], breaks: list[str], *, ironic: bool
    ) -> None:
        """Sarcasm, conservatively, in place: positive words read as ironic flip, reduced.

        - An irony emoji (🙃 🙄 😒 🤡) flips the praise in the clause it closes ("Genial 🙃",
          "Très pratique 🙄"), or in the clause before when it stands alone ("Genial. 🙃").
        - A closing one- or two-word positive interjection ending in "." or "…" flips when the
          text before it is negative ("Tres días sin línea. Genial.", "… Merci bien."). A plain
          courtesy ("Gracias.", "Merci beaucoup.") does not: after a clear complaint it only
          signs off, so it counts nothing; after a fixed problem it still thanks.
        """
        scalars: dict[int, float] = {}  # clause → what its praise is multiplied by
        last_word = -1
        if ironic:
            for index, token in enumerate(tokens):
                if token[4]:
                    last_word = index
                elif token[0] in IRONY and last_word >= 0:
                    scalars[tokens[last_word][2]] = IRONY_SCALAR
        else:  # no irony emoji (`ironic` is False): only the last word token matters
            last_word = len(tokens) - 1
            while last_word >= 0 and not tokens[last_word][4]:
                last_word -= 1
        if last_word < 0:
            return
        closing = tokens[last_word][2]
        if closing not in scalars:
            scalar = self._closing(tokens, sentiments, breaks, last_word)
            if scalar is not None:
                scalars[closing] = scalar
        if scalars:
            for index, token in enumerate(tokens):
                scalar = scalars.get(token[2])
                if scalar is not None and token[4] and sentiments[index] > 0:
                    sentiments[index] *= scalar

    def _closing(
        self, tokens: list[Token], sentiments: list[float], breaks: list[str], last_word: int
    ) -> float | None:
        """The scalar for the praise of a closing interjection (see `_irony`), or None; the
        interjection is the clause of the last word token, `tokens[last_word]`."""
        clause = tokens[last_word][2]
        end = breaks[clause]
        if ("." not in end and "…" not in end) or "!" in end or "?" in end:
            return None
        # The clause's word tokens, found backwards from the last word: tokens come in clause
        # order, so they are the run ending there. Past two words it is no interjection.
        members: list[int] = []
        size, k = 0, last_word
        while k >= 0 and tokens[k][2] == clause:
            if tokens[k][4]:
                size += tokens[k][5]
                if size > 2:
                    return None
                members.append(k)
            k -= 1
        members.reverse()
        valenced = [k for k in members if sentiments[k]]
        if not valenced or any(sentiments[k] < 0 for k in valenced):
            return None
        before = sum(sentiments[: members[0]])
        if all(tokens[k][0] in self._courtesies for k in valenced):
            return 0.0 if before <= COMPLAINT else None
        return IRONY_SCALAR if before < 0 else None

    def _questions(
        self, tokens: list[Token], sentiments: list[float], breaks: list[str], asks: set[int]
    ) -> int:
        """Damp information questions in place; returns how many there are.

        A sentence asks for information when it ends in a single "?" (not "??" or "?!") and
        opens with "¿", holds an interrogative ("qué", "comment", "avez-vous") or starts with
        a question opener. In Spanish the question starts at its "¿" ("Gracias, ¿cuándo …?").
        """
        questions: set[int] = set()
        count = 0
        start = 0
        for clause, end in enumerate(breaks):
            if clause < len(breaks) - 1 and _SENTENCE_END.isdisjoint(end):
                continue
            if end.count("?") == 1 and "!" not in end:
                part = start
                for k in range(start + 1, clause + 1):
                    if "¿" in breaks[k - 1]:
                        part = k
                opened = part > 0 and "¿" in breaks[part - 1]
                span = range(part, clause + 1)
                # The tests have no side effects; the scan for the leading word goes last.
                if (
                    opened
                    or not asks.isdisjoint(span)
                    or _leading_word(tokens, part, clause) in self._openers
                ):
                    questions.update(span)
                    count += 1
            start = clause + 1
        if questions:
            # A zero (of either sign) stays itself when damped, so only the others are visited:
            # `compress` keeps the indices whose sentiment is not zero.
            for index in compress(range(len(sentiments)), sentiments):
                if tokens[index][2] in questions:
                    value = sentiments[index]
                    sentiments[index] = value * (
                        QUESTION_POSITIVE if value > 0 else QUESTION_NEGATIVE
                    )
        return count

    @staticmethod
    def _contrast(
        kinds: list[int], tokens: list[Token], sentiments: list[float], present: set[int]
    ) -> list[float]:
        """VADER's `_but_check`, plus "although" words that weaken their own clause, and
        "antes … ahora" / "avant … maintenant", where "now" weighs like "but". `present` is
        the set of `kinds`."""
        if present.isdisjoint(_TURNS):
            return sentiments  # the loop below changes nothing without one of these
        earlier = False
        for i, kind in enumerate(kinds):
            if kind == _CONTRAST or (kind == _LATER and earlier):
                weak = set(range(i))
            elif kind == _CONCESSIVE:
                clause = tokens[i][2]
                weak = {k for k in range(i + 1, len(tokens)) if tokens[k][2] == clause}
            else:
                earlier = earlier or kind == _EARLIER
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
        tokens, breaks, asks, total = self._tokenize(text)
        kinds = [token[1][0] for token in tokens]
        # An irony emoji can only be a token if the text holds it: a token that is no word is
        # an emoji or an emoticon, a piece of the text.
        ironic = _holds_any(text, IRONY)
        sentiments, answered = self._sentiments(tokens, kinds, breaks, asks, ironic=ironic)
        # Unknown tokens are single words (merged phrases are all known), so each counts 1.
        unknown = kinds.count(_UNKNOWN)
        compound, pos, neu, neg = _score_valence(sentiments, text, answered)
        return build_score(
            compound,
            pos,
            neu,
            neg,
            self.thresholds.label(compound),
            lang=lang or self.pack.code,
            scorer=self.name,
            coverage=round(1 - unknown / total, 4) if total else 0.0,
            rating=rating,
        )


def _holds_any(text: str, symbols: Iterable[str]) -> bool:
    """Whether any of `symbols` occurs in `text`: `any()` without building a generator, which
    costs more than the few searches (ruff's SIM110 asks for the generator)."""
    for symbol in symbols:  # noqa: SIM110
        if symbol in text:
            return True
    return False


def _leading_word(tokens: list[Token], first: int, last: int) -> str:
    """The key of the first word token in clauses `first`..`last` ("" if none); tokens come in
    clause order."""
    for token in tokens:
        if token[4] and first <= token[2] <= last:
            return token[0]
        if token[2] > last:
            break
    return ""


def _is_laughter(key: str) -> bool:
    """Laughter ("jajaja", "hahaha", "jejeje", "jsjsjs"): one syllable, at least twice."""
    return _LAUGH.fullmatch(key) is not None and (
        key.count("j") + key.count("h") >= _LAUGH_SYLLABLES
    )


def _punctuation_emphasis(text: str, answered: int = 0) -> float:
    """VADER: up to four "!" add 0.292 each; two or three "?" 0.18 each, more 0.96.

    The "?" of information questions (`answered`) ask, they do not emphasise.
    """
    questions = text.count("?") - answered
    amplifier = min(text.count("!"), 4) * 0.292
    if questions > 1:
        amplifier += questions * 0.18 if questions <= 3 else 0.96
    return amplifier


def _score_valence(
    sentiments: list[float], text: str, answered: int = 0
) -> tuple[float, float, float, float]:
    """VADER's `score_valence`: (compound, pos, neu, neg), rounded as VADER rounds them."""
    if not sentiments:
        return 0.0, 0.0, 0.0, 0.0
    sum_s = sum(sentiments)
    amplifier = _punctuation_emphasis(text, answered)
    if sum_s > 0:
        sum_s += amplifier
    elif sum_s < 0:
        sum_s -= amplifier
    compound = max(-1.0, min(1.0, sum_s / math.sqrt(sum_s * sum_s + 15)))
    positive: list[float] = []
    negative: list[float] = []
    for s in filter(None, sentiments):  # zeros are neither positive nor negative
        if s > 0:
            positive.append(s)
        elif s < 0:
            negative.append(s)
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
