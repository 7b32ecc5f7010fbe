"""Language detection: platform hints first, word votes on short texts, py3langid otherwise."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.language import LanguageDetector, normalize_hint, text_words
from monitor.textnorm import fold_text, tokenized

# Realistic mentions, short and long, as they reach the pipeline (also used by the benchmark).
CORPUS: dict[str, list[str]] = {
    "en": [
        "thanks",
        "Thank you!",
        "worst app ever",
        "The app keeps logging me out, terrible support!!",
        "Thanks for the quick refund, great service :)",
        "I have been waiting 3 hours on hold, this is ridiculous",
        "@AcmeHelp my internet has been down since yesterday, any update?",
        "Love the new update, works great 👍",
        "Still no refund after two weeks. Never ordering again.",
        "Your agent Maria was super helpful, thank you so much",
        "Why does the app crash every time I open my bill?",
        "Package arrived damaged and nobody answers the chat",
        "Nice app, but it logs me out every day.",
        "Charged twice this month and customer service is useless",
        "The technician fixed everything in 10 minutes, brilliant",
        "Cancelled my contract, the worst customer experience I've had",
        "Is there an outage in London? No signal since this morning",
        "Great prices but delivery is always late",
    ],
    "es": [
        "gracias",
        "Muchas gracias!",
        "pésimo servicio",
        "El servicio es pésimo, nunca responden",
        "Llevo tres días sin internet y nadie me da una solución",
        "@MovistarES me cobraron de más en la factura, qué vergüenza",
        "Me encanta la app, muy fácil de usar 😍",
        "q mal servicio xq nadie contesta",
        "El repartidor fue muy amable, todo perfecto",
        "La aplicación no funciona desde la última actualización",
        "Gracias por resolver mi problema tan rápido",
        "Es una estafa, quiero la devolución de mi dinero ya",
        "Buenas tardes, sigo esperando el reembolso del pedido",
        "Me encanta pero la factura es un robo",
        "No vale la pena, atención al cliente de pena",
        "El técnico llegó puntual y lo dejó todo funcionando",
        "¿Alguien más tiene problemas con la fibra hoy?",
        "Qué asco de compañía, me tienen harto",
    ],
    "fr": [
        "merci",
        "Merci beaucoup !",
        "service nul",
        "Service client au top, merci !",
        "Ça fait une semaine que la box ne marche pas",
        "@Free_1337 toujours pas de connexion depuis hier soir, c'est une honte",
        "Livraison rapide et colis en parfait état, je recommande",
        "jpp c nul",
        "Le conseiller était très aimable et a réglé mon problème",
        "Franchement déçu, personne ne répond au téléphone",
        "Encore une facture fausse, c'est de l'arnaque",
        "L'appli plante à chaque ouverture, vraiment pénible",
        "Pas mal du tout, la nouvelle offre est intéressante",
        "Bonjour, je n'ai toujours pas reçu mon remboursement",
        "Ce n'est pas terrible comme service après-vente",
        "Le technicien est venu à l'heure, rien à dire",
        "Trop bien la nouvelle interface, bravo à l'équipe",
        "J'en ai marre de vos coupures à répétition",
    ],
}


# Brand names, loanwords and code-switching that fool a character model on short texts.
TRICKY: dict[str, list[str]] = {
    "en": [
        "Thanks Movistar, great job",
        "Orange France support is useless",
        "my Telcel bill is wrong again",
        "Merci for nothing, worst support",
        "El Corte Ingles delivery was late and the box was damaged",
    ],
    "es": [
        "la app de Orange no funciona",
        "el wifi está fatal",
        "ok, gracias",
        "el router va lento",
        "el chat del support no responde",
        "super mal el soporte",
    ],
    "fr": [
        "le wifi bug encore",
        "top le service",
        "ok merci",
        "trop de bugs sur l'app",
        "service client injoignable",
        "Free Mobile c'est fini pour moi",
    ],
}


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(["en", "es", "fr"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("merci", "fr"),
        ("gracias", "es"),
        ("thanks", "en"),
        ("bonjour", "fr"),
        ("hola", "es"),
        ("Merci !", "fr"),
        ("nul", "fr"),
        ("génial", "fr"),
        ("genial", "es"),
        ("pésimo", "es"),
        ("jpp c nul", "fr"),
        ("muchas gracias", "es"),
        ("thank you", "en"),
        ("@SFR_SAV merci", "fr"),
    ],
)
def test_short_texts_are_decided_by_word_votes(detector, text, expected):
    assert detector.detect(text) == expected


@pytest.mark.parametrize(("lang", "text"), [(lang, t) for lang, ts in CORPUS.items() for t in ts])
def test_realistic_mentions_are_detected(detector, lang, text):
    assert detector.detect(text) == lang


@pytest.mark.parametrize(("lang", "text"), [(lang, t) for lang, ts in TRICKY.items() for t in ts])
def test_brand_names_and_loanwords_do_not_fool_detection(detector, lang, text):
    assert detector.detect(text) == lang


def test_vote_shares_words_common_to_several_languages(detector):
    en, es, fr = (detector.languages.index(code) for code in ("en", "es", "fr"))
    shared = detector.vote(["de"])  # Spanish and French
    assert shared[es] == shared[fr] > 0
    assert shared[en] == 0
    assert detector.vote(["el"])[es] > shared[es]


def test_platform_hint_wins_over_the_text(detector):
    assert detector.detect("merci beaucoup", "en-US") == "en"
    assert detector.detect("thanks a lot", "es_419") == "es"
    assert detector.detect("gracias", "FR") == "fr"


def test_unsupported_or_junk_hint_is_ignored(detector):
    assert detector.detect("merci beaucoup", "de-DE") == "fr"
    assert detector.detect("muchas gracias", "not a language") == "es"
    assert detector.detect("thanks so much", "") == "en"


def test_detection_is_restricted_to_configured_languages():
    detector = LanguageDetector(["en", "fr"], default="en")
    assert detector.detect("muchas gracias por todo") in {"en", "fr"}
    assert detector.detect("gracias") in {"en", "fr"}


def test_single_language_and_letterless_texts_use_the_default():
    assert LanguageDetector(["fr"]).detect("thanks a lot") == "fr"
    detector = LanguageDetector(["en", "es", "fr"], default="es")
    assert detector.detect("😡😡 !!") == "es"
    assert detector.detect("") == "es"
    assert detector.detect("12345") == "es"


def test_ambiguous_short_text_without_votes_falls_back_to_the_default():
    detector = LanguageDetector(["en", "es", "fr"], default="fr")
    assert detector.detect("asdkj") == "fr"
    assert detector.detect("Movistar") == "fr"


def test_votes_count_accents_loosely(detector):
    exact = detector.vote(["génial"])
    loose = detector.vote(["gènial"])
    fr = detector.languages.index("fr")
    assert exact[fr] > loose[fr] > 0


@pytest.mark.parametrize(
    ("hint", "code"),
    [("en-US", "en"), ("EN", "en"), ("es_419", "es"), ("fr-CA", "fr"), ("", None), ("x", None)],
)
def test_normalize_hint(hint, code):
    assert normalize_hint(hint) == code


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_texts_split_into_the_same_words(text):
    # text_words takes a faster ASCII-only pattern when it can; it must find the same words.
    expected = tuple(re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", _noise_free(text).lower()))
    assert text_words.__wrapped__(text) == expected


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("aZé'@#_1 .:/w-x\u00e9\u00c9"), max_size=40)
    | st.text(alphabet=st.characters(max_codepoint=127), max_size=40)
)
def test_words_are_the_same_after_brand_matching_split_the_text(text):
    # Right after `tokenized` split the folded text, text_words reuses its tokens (ASCII text
    # without apostrophes or URLs); any text must still give the plain regex's words.
    expected = tuple(re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", _noise_free(text).lower()))
    tokenized(fold_text(text))
    assert text_words.__wrapped__(text) == expected
    assert text_words.__wrapped__(text.upper()) == tuple(
        re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", _noise_free(text.upper()).lower())
    )


@settings(max_examples=1000, deadline=None)
@given(
    text=st.text(max_size=40)
    | st.text(alphabet=st.sampled_from("aé'’ µßİKς€😀 \u00a0\u0307@x:/."), max_size=30)
)
def test_any_text_splits_into_the_words_of_the_plain_pattern(text):
    # Latin-1 text is split by one byte translation (letters and apostrophes kept); anything
    # else, or an apostrophe at a word's edge, takes the regex: the words must not differ.
    expected = tuple(re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", _noise_free(text).lower()))
    assert text_words.__wrapped__(text) == expected


def test_an_upper_case_www_is_a_word_not_a_link_next_to_a_handle():
    # `_NOISE` matches "www." as written; lower-casing first made "WWW.EXAMPLE.COM" a link.
    assert text_words.__wrapped__("@bob WWW.EXAMPLE.COM great") == (
        "www",
        "example",
        "com",
        "great",
    )


NOISY = ["WWW.", "www.", "Www.", "@bob", "@", "HTTPS://", "http://", "EXAMPLE", "com", ".", " "]


@settings(max_examples=1000, deadline=None)
@given(text=st.lists(st.sampled_from([*NOISY, "great", "'s", "é", "#tag", "_"]), max_size=12))
def test_links_and_handles_are_removed_as_written_on_every_path(text):
    text = "".join(text)
    expected = tuple(re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", _noise_free(text).lower()))
    assert text_words.__wrapped__(text) == expected
    tokenized(fold_text(text))  # the path that reuses the brand matcher's tokens
    assert text_words.__wrapped__(text) == expected


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(["été", "ete", "café", "cafe", "merci", "año", "zzé", "x"])))
def test_votes_of_accented_words_fall_back_on_folded_spellings(detector, words):
    vocabulary = detector._vocabulary()
    expected = 0
    for word in words:
        found = vocabulary.lookup.get(word)
        if found is None and not word.isascii():
            found = vocabulary.folded.get(vocabulary.fold(word))
        expected += found or 0
    assert detector._tally(words, "".join(words).isascii()) == expected


def _noise_free(text: str) -> str:
    if "@" in text or "://" in text or "www." in text:
        return re.sub(r"(?:https?://|www\.)\S+|@\w+", " ", text)
    return text


def test_detection_reads_words_past_emoji_and_curly_quotes(detector):
    assert detector.detect("I’m done with this app 😡 worst support ever") == "en"
    assert detector.detect("C’est nul, je résilie 😡") == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "So slow",
        "App keeps crashing",
        "Not very helpful",
        "Does Acme offer a student discount?",
        "Password reset email never arrives",
        "Fast delivery, works as described.",
    ],
)
def test_everyday_english_is_decided_by_votes_alone(monkeypatch, text):
    # py3langid costs twice VADER's time per text: common English must not need it.
    detector = LanguageDetector(["en", "es", "fr"])
    monkeypatch.setattr(detector, "_model", lambda: pytest.fail("py3langid was asked"))
    assert detector.detect(text) == "en"


def test_english_modifiers_that_are_french_words_do_not_vote_english(detector):
    en = detector.languages.index("en")
    assert detector.vote(["dont"])[en] == 0
    assert detector.vote(["very"])[en] > 0
