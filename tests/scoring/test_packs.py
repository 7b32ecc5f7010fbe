"""The packs are real, consistent data on VADER's scale."""

from __future__ import annotations

import pytest

from monitor.scoring.packs import (
    PACK_CODES,
    LanguagePack,
    detection_words,
    fold,
    load_pack,
    parse_lexicon,
)
from monitor.scoring.packs.emoji import emoji_valences, emoticon_valences


@pytest.fixture(params=PACK_CODES)
def pack(request) -> LanguagePack:
    return load_pack(request.param)


def test_lexicons_are_substantial(pack):
    assert len(pack.lexicon) >= 600
    assert len(pack.idioms) >= 50
    assert len(pack.stopwords) >= 300


def test_valences_are_on_vaders_scale(pack):
    assert all(-4 <= v <= 4 for v in pack.lexicon.values())
    assert all(-4 <= v <= 4 for v in pack.idioms.values())
    assert sum(v > 0 for v in pack.lexicon.values()) > 150
    assert sum(v < 0 for v in pack.lexicon.values()) > 300


def test_accent_folding_never_gives_one_spelling_two_valences(pack):
    seen: dict[str, float] = {}
    for word, valence in pack.lexicon.items():
        assert seen.setdefault(fold(word), valence) == valence, word


def test_modifier_sets_do_not_shadow_lexicon_words(pack):
    lexicon = {fold(word) for word in pack.lexicon}
    modifiers = pack.negators | pack.boosters | pack.dampeners | pack.contrast | pack.concessive
    assert not lexicon & {fold(word) for word in modifiers}


def test_neutral_band_is_justified_and_narrow(pack):
    assert 0.05 <= pack.neutral_band <= 0.2


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (
            "es",
            "pésimo pésima pésimos horrible horribles estafa estafadores estafaron cutre "
            "chafa fatal timo flipante genial guay chido crack",
        ),
        (
            "fr",
            "décevant décevante déçu déçue arnaque arnaqué arnaqueurs nul naze pourri "
            "galère relou chiant génial top nickel merdique",
        ),
    ],
)
def test_required_vocabulary(code, words):
    lexicon = load_pack(code).lexicon
    assert [word for word in words.split() if word not in lexicon] == []


def test_vader_anchor_values():
    es, fr = load_pack("es").lexicon, load_pack("fr").lexicon
    assert (es["bueno"], es["malo"], es["horrible"], es["pésimo"]) == (1.9, -2.5, -2.5, -3.1)
    assert (fr["bon"], fr["mauvais"], fr["génial"], fr["arnaque"]) == (1.9, -2.5, 3.1, -2.7)


def test_parse_lexicon_rejects_bad_data():
    assert parse_lexicon("# c\n-2.5 malo mala  # bad\n\n1 ok") == {
        "malo": -2.5,
        "mala": -2.5,
        "ok": 1.0,
    }
    with pytest.raises(ValueError, match="duplicate"):
        parse_lexicon("1 a\n2 a")
    with pytest.raises(ValueError, match="range"):
        parse_lexicon("5 a")
    with pytest.raises(ValueError, match="bad lexicon line"):
        parse_lexicon("malo -2.5")


def test_unknown_pack_is_an_error():
    with pytest.raises(KeyError):
        load_pack("de")


def test_fold():
    assert fold("Pésimo") == "pesimo"
    assert fold("DÉÇUE") == "decue"
    assert fold("cœur") == "coeur"
    assert fold("l’appli") == "l'appli"


def test_emoji_tables():
    emoji = emoji_valences()
    assert emoji["😡"] < 0 < emoji["🙏"]
    assert emoji["😸"] > 0 > emoji["😿"]  # derived: "grinning/crying cat face" in VADER
    assert "🎲" not in emoji  # "game die" is not a sentiment, whatever VADER's "die" says
    assert "🏽" not in emoji
    assert emoticon_valences()[":)"] == 2.0


def test_detection_words_weigh_markers_highest():
    words = detection_words("fr")
    assert words["merci"] == 3.0
    assert words["tjrs"] == 2.0
    assert detection_words("en")["thanks"] == 3.0
