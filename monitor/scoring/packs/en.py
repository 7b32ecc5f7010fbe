"""English needs no pack (vaderSentiment scores it); this exposes VADER's tables and stopwords."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from monitor.scoring.packs import words_of

#: Function words and neutral contact-center words VADER's lexicon leaves out; for coverage.
STOPWORDS = words_of("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just let me mine my myself now of off on once only or other our ours ourselves out
over own same she should some such than that the their theirs them themselves then there
these they this those through to too under until up us was we were what when where which
while who whom why will with would you your yours yourself yourselves i'm i've i'd i'll it's
that's there's they're we're you're he's she's what's let's here's gonna wanna gotta got get
gets getting go goes going went gone come came make made take took say said tell told know
knew think want need needs needed try tried use used see saw look call called calling still
yet even ever again already since via per hi hello hey dear team guys folks today yesterday
tomorrow tonight morning afternoon evening day days week weeks month months year years hour
hours minute minutes time times app apps account bill billing invoice charge charged payment
order orders package parcel delivery shipping shipped courier driver store shop website site
web page email mail message messages chat phone call line number code password login logged
log signal network internet wifi router modem fiber broadband mobile data plan contract price
customer customers service services support agent agents rep representative manager company
brand product products item items update version device tv box card bank transfer refund
returns return ticket case claim reply response answer subscription cancel cancellation
""")

#: Distinctive everyday English for deciding the language of one- to three-word texts.
MARKERS = words_of("""
thanks thank thx ty the and is are was you your my this that with what why how it's i'm
don't doesn't can't won't isn't didn't please hello hi hey yes yeah nope awesome great
terrible worst love hate sucks useless rubbish cheers sorry good bad nice cool lol wtf omg
""")


#: Frequent English words of customer posts with no sentiment and no Spanish or French twin.
#: They vote for English in language detection only: a text VADER scores as neutral because it
#: does not know them ("app keeps crashing") keeps its low coverage, hence low confidence.
COMMON = words_of("""
offer offers offered work works worked working keep keeps kept open opens opened closed paid
paying pays send sent sending received arrived fixes fixing sorted changed changing switched
switching move moved moving waited asked asking showed shows load loads loading crashes crashed
crashing drops dropped dropping installed upgraded canceled booked replied answered explained
happen happened happens seem seems seemed feel feels felt find found give given buy bought sold
started turned left stayed runs running added adding removed connected connecting disconnected
updated updating downloaded restart restarted rebooted asks says saying takes taking taken
student discount deal deals fee fees screen button layout feature features setting settings
outage outages speed speeds coverage engineer technician callback job money kitchen house home
room laptop tablet remote channel channels stars star review reviews rating branch loan cash
savings statement overdraft meter tariff supplier provider providers slow slowly fast quick
quickly cheaper expensive pricey new old next last first third half whole different higher much
many several every always usually often sometimes anyone someone everyone anything something
everything nobody anybody somebody else though however soon later early late one two three five
seven eight nine twelve twenty hundred thousand instead ago back away around another either
whose
""")

#: VADER's modifiers that are also Spanish or French words ("dont": "whose").
_SHARED_MODIFIERS = frozenset({"dont", "total", "extreme", "considerable", "marginal", "uber"})


@lru_cache(maxsize=1)
def vader_lexicon() -> dict[str, float]:
    """VADER's own word → valence table, as vaderSentiment ships it."""
    text = files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    lexicon: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 2:
            lexicon[parts[0]] = float(parts[1])
    return lexicon


@lru_cache(maxsize=1)
def vader_emoji() -> dict[str, str]:
    """VADER's emoji → English description table (it scores the description's words)."""
    path = files("vaderSentiment").joinpath("emoji_utf8_lexicon.txt")
    emoji: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 2:
            emoji[parts[0]] = parts[1]
    return emoji


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Lowercase words English scoring understands: VADER's lexicon, its modifiers, stopwords."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE

    lexicon = {word.lower() for word in vader_lexicon()}
    return frozenset(lexicon | set(NEGATE) | set(BOOSTER_DICT) | STOPWORDS)


def detection_words() -> dict[str, float]:
    """English votes for language detection: VADER's alphabetic words, negators and boosters,
    stopwords, common words, markers.

    The more everyday English words vote, the fewer English posts lack a clear lead and fall
    back on py3langid, which costs twice VADER's own time per text.
    """
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE

    weights = {word.lower(): 1.0 for word in vader_lexicon() if word.isalpha()}
    modifiers = {word.lower() for word in (*NEGATE, *BOOSTER_DICT) if " " not in word}
    weights.update(dict.fromkeys(modifiers - _SHARED_MODIFIERS, 1.0))
    weights.update(dict.fromkeys(STOPWORDS | COMMON, 1.0))
    weights.update(dict.fromkeys(MARKERS, 3.0))
    return weights
