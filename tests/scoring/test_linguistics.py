"""Negation scope, quantity negators, morphology, sarcasm, temporal contrast, questions,
complaint idioms and topic words, in Spanish and French (English stays vaderSentiment's)."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from monitor.scoring.engine import PackScorer
from monitor.scoring.packs import PACK_CODES, fold, load_pack
from monitor.scoring.registry import EnglishScorer

SCORERS = {code: PackScorer(load_pack(code)) for code in PACK_CODES}


def compound(lang: str, text: str) -> float:
    return SCORERS[lang].score(text).compound


def label(lang: str, text: str) -> str:
    return SCORERS[lang].score(text).label


# --- 1. emoji sit outside negation and booster scope -------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "emoji"),
    [
        ("fr", "pas 😡", "😡"),
        ("es", "sin cobrar 👍", "👍"),
        ("fr", "je m'y attendais pas ❤️", "❤️"),
        ("es", "no 😡", "😡"),
        ("es", "nunca 🙏", "🙏"),
        ("fr", "jamais :)", ":)"),
    ],
)
def test_a_negator_does_not_flip_an_emoji(lang, text, emoji):
    assert compound(lang, text) == compound(lang, emoji) != 0


def test_boosters_do_not_reach_emoji():
    for lang, booster in (("es", "muy"), ("fr", "très")):
        assert compound(lang, f"{booster} 😡") == compound(lang, "😡")


def test_an_emoji_closes_the_negation_scope():
    # "bueno" is past the emoji: the "no" before the emoji does not reach it.
    assert compound("es", "no 😡 bueno") == compound("es", "😡 bueno")
    assert compound("fr", "pas 😡 content") == compound("fr", "😡 content")


def test_english_emoji_stay_vaders():
    analyzer = SentimentIntensityAnalyzer()
    for text in ("not 😡", "no 👍", "Great. 🙃", "never again 🙄"):
        assert EnglishScorer().score(text).compound == analyzer.polarity_scores(text)["compound"]


# --- 2. quantity negators: cero, zéro, 0, ningún, aucun, nada de -------------------------


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("es", "Cero profesionalidad", "negative"),
        ("es", "0 soluciones", "negative"),
        ("es", "cero ayuda", "negative"),
        ("es", "nada de ayuda", "negative"),
        ("es", "ninguna respuesta", "negative"),
        ("es", "0 problemas", "positive"),
        ("es", "ningún problema", "positive"),
        ("es", "cero quejas", "positive"),
        ("fr", "zéro réponse", "negative"),
        ("fr", "aucune aide", "negative"),
        ("fr", "Zéro professionnalisme", "negative"),
        ("fr", "0 solution", "negative"),
        ("fr", "zéro souci", "positive"),
        ("fr", "aucun problème", "positive"),
        ("fr", "0 problème", "positive"),
    ],
)
def test_quantity_negators(lang, text, expected):
    assert label(lang, text) == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "No he recibido respuesta"),
        ("es", "nunca me han dado una solución"),
        ("es", "sigo sin señal"),
        ("fr", "je n'ai toujours pas reçu mon remboursement"),
        ("fr", "sans nouvelles"),
        ("fr", "personne ne m'a rappelé"),
        ("fr", "le technicien n'est jamais venu"),
    ],
)
def test_an_expected_thing_missing_is_a_complaint(lang, text):
    assert label(lang, text) == "negative"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "respuesta"),
        ("es", "la respuesta llegó ayer"),
        ("es", "necesito ayuda con la factura"),
        ("fr", "Reçu la facture."),
        ("fr", "aide"),
        ("fr", "le colis est arrivé"),
    ],
)
def test_an_expected_thing_present_is_neutral(lang, text):
    score = SCORERS[lang].score(text)
    assert score.compound == 0.0
    assert score.coverage is not None and score.coverage >= 0.5


def test_a_zero_inside_a_number_is_not_a_negator():
    assert compound("es", "la versión 2.0 es mejor") == compound("es", "la versión es mejor") > 0
    assert compound("fr", "10:00, réglé, merci") == compound("fr", "réglé, merci") > 0
    assert compound("fr", "noté 0/10") == compound("fr", "noté")


# --- 3. clitics and auxiliaries do not use up the negation window ------------------------


@pytest.mark.parametrize(
    ("lang", "text", "sign"),
    [
        ("es", "nunca me ha dado problemas", 1),
        ("es", "no me lo han solucionado", -1),
        ("es", "no me ha sido útil", -1),
        ("es", "nadie me lo ha explicado bien", -1),
        ("fr", "rien ne m'a été utile", -1),
        ("fr", "ça ne m'a jamais posé de problème", 1),
        ("fr", "je ne m'en suis jamais plaint", 0),
    ],
)
def test_negation_looks_through_clitics_and_auxiliaries(lang, text, sign):
    value = compound(lang, text)
    assert value * sign > 0 or (sign == 0 and abs(value) < 0.1), value


def test_ne_finds_its_closer_past_clitics():
    # "te" does not count: "pas" is the fourth word after "ne", so "ne" negates.
    assert compound("fr", "je ne te le recommande vraiment pas") < 0


# --- 4. morphology: superlatives, diminutives, adverbs, inflections ----------------------


@pytest.mark.parametrize(
    ("lang", "derived", "base"),
    [
        ("es", "lentísima", "lenta"),
        ("es", "malísimo", "malo"),
        ("es", "facilísimo", "fácil"),
        ("es", "amabilísima", "amable"),
        ("es", "rapidísimos", "rápidos"),
        ("fr", "rapidissime", "rapide"),
    ],
)
def test_superlatives_intensify_the_base_word(lang, derived, base):
    assert abs(compound(lang, derived)) > abs(compound(lang, base)) > 0
    assert compound(lang, derived) * compound(lang, base) > 0


@pytest.mark.parametrize(
    ("lang", "derived", "base"),
    [
        ("es", "lentito", "lento"),
        ("es", "mejorcito", "mejor"),
        ("es", "estupendamente", "estupenda"),
        ("es", "fallidas", "fallido"),
        ("fr", "lentement", "lente"),
        ("fr", "poliment", "poli"),
        ("fr", "intuitives", "intuitif"),
    ],
)
def test_plain_inflections_take_the_base_valence(lang, derived, base):
    assert compound(lang, derived) == compound(lang, base) != 0


def test_suffix_rules_keep_phrases_and_unknown_words():
    assert compound("es", "buenas tardes") == 0.0  # "tardes" is not reduced before phrases
    assert SCORERS["es"].score("zorblatísimo").coverage == 0.0
    assert SCORERS["fr"].score("glorbissime").coverage == 0.0


@pytest.mark.parametrize("word", ["hijo", "hija", "hijos", "jirafa"])
def test_words_that_look_like_laughter_are_not(word):
    assert compound("es", word) == 0.0


@pytest.mark.parametrize("word", ["jajaja", "jejeje", "jsjsjs", "ajajaj", "hahaha", "hihi"])
def test_laughter_is_still_laughter(word):
    assert compound("es", word) > 0


# --- 5. sarcasm ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "Tres días sin línea. Genial."),
        ("es", "Me han cobrado dos veces. Perfecto."),
        ("es", "Otra vez sin internet, genial…"),
        ("es", "Genial 🙃"),
        ("es", "Genial. 🙃"),
        ("es", "Me encanta esperar una hora 🙄"),
        ("fr", "Trois jours sans internet. Merci bien."),
        ("fr", "Encore coupé. Bravo."),
        ("fr", "Très pratique 🙃"),
        ("fr", "Super service 🤡"),
    ],
)
def test_sarcasm_is_negative(lang, text):
    assert label(lang, text) == "negative"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "Genial."),
        ("es", "Perfecto, gracias."),
        ("es", "Tenía un problema y me lo solucionaron enseguida. Perfecto."),
        ("es", "Tuve un problema y me lo arreglaron. Gracias."),
        ("fr", "J'ai eu un souci, réglé en 5 minutes. Merci beaucoup."),
        ("fr", "Bravo."),
    ],
)
def test_sincere_praise_is_not_read_as_sarcasm(lang, text):
    assert label(lang, text) == "positive"


def test_only_a_closing_interjection_is_read_as_sarcasm():
    # "!" is enthusiasm as often as irony; a longer clause is no interjection.
    assert compound("es", "Tres días sin línea. ¡Genial!") > compound("es", "Tres días sin línea.")
    assert compound("es", "Tres días sin línea. El técnico fue genial.") > 0


def test_a_courtesy_after_a_complaint_signs_off():
    assert label("es", "Me colgaron tres veces. Gracias.") == "negative"
    assert compound("es", "Me colgaron tres veces. Gracias.") == compound(
        "es", "Me colgaron tres veces."
    )
    assert label("fr", "Coupure de 3 jours. Merci.") == "negative"


def test_irony_emoji_are_negative_alone():
    for lang in PACK_CODES:
        assert compound(lang, "🙃") < 0
        assert compound(lang, "🙄") < 0


# --- 6. "antes … ahora", "avant … maintenant" ------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "sign"),
    [
        ("es", "Antes funcionaba bien, ahora va lentísima", -1),
        ("es", "Antes iba fatal, ahora va genial", 1),
        ("fr", "Avant c'était bien, maintenant c'est lent", -1),
        ("fr", "Avant c'était nul, maintenant c'est top", 1),
        ("fr", "Avant ça marchait bien, mtn ça plante tout le temps", -1),
    ],
)
def test_now_after_before_weighs_like_but(lang, text, sign):
    assert compound(lang, text) * sign > 0


def test_now_alone_is_no_contrast():
    assert compound("es", "va bien y ahora es lento") == compound("es", "va bien y hoy es lento")
    assert compound("fr", "c'est bien et maintenant lent") == compound(
        "fr", "c'est bien et là lent"
    )


# --- 7. information questions are damped, not amplified -----------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "¿funciona la app en iPad?"),
        ("es", "¿Cuál es la mejor tarifa?"),
        ("es", "Hola, ¿es gratis la instalación?"),
        ("es", "Como cambio a la mejor tarifa?"),
        ("fr", "Comment ça marche ?"),
        ("fr", "Est-ce que l'appli marche sur iPad ?"),
        ("fr", "Quel est le meilleur forfait ?"),
        ("fr", "Pouvez-vous m'aider à changer mon forfait ?"),
    ],
)
def test_information_questions_are_neutral(lang, text):
    assert label(lang, text) == "neutral"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "¿Por qué no funciona internet?"),
        ("es", "¿Cuándo vais a arreglar esta estafa?"),
        ("fr", "Pourquoi ça ne marche pas ?"),
        ("fr", "Quand est-ce que vous allez arrêter l'arnaque ?"),
    ],
)
def test_complaints_asked_as_questions_stay_negative(lang, text):
    assert label(lang, text) == "negative"


def test_question_damping_is_asymmetric_and_sentence_bound():
    plain, asked = compound("es", "es la mejor tarifa"), compound("es", "¿cuál es la mejor tarifa?")
    assert 0 < asked < plain
    assert compound("es", "¿por qué es tan malo?") < 0
    # The thanks before "¿" is a sentence of its own; "non ?" holds no interrogative.
    assert label("es", "Gracias, ¿cuándo llega el técnico?") == "positive"
    assert label("fr", "C'est génial, non ?") == "positive"


def test_angry_question_marks_still_amplify():
    once, angry = (
        compound("es", "¿por qué es tan malo?"),
        compound("es", "¿¿por qué es tan malo???"),
    )
    assert angry < once < 0


# --- 8. complaint phrases ------------------------------------------------------------------


SPANISH_COMPLAINTS = [
    "La app no abre",
    "no carga",
    "el wifi no va",
    "ya no anda",
    "no funciona",
    "se cuelga cada dos por tres",
    "la app se colgó otra vez",
    "no me deja entrar",
    "Aplicación inservible.",
    "Llevo 3 días sin internet",
    "llevamos dos semanas así",
    "sigo esperando",
    "nadie contesta",
    "nadie me da una solución",
    "me están tomando el pelo",
    "es un dolor de cabeza",
    "qué poca vergüenza",
    "cada vez peor",
    "me dejaron tirado",
    "me arrepiento de haber contratado",
    "la cobertura empeora",
    "me cobraron por la cara",
    "estoy hasta las narices",
    "una pérdida de tiempo",
]

FRENCH_COMPLAINTS = [
    "ça sert à rien",
    "ça ne sert à rien",
    "c'est la cata",
    "ça rame",
    "l'appli plante",
    "ne marche plus",
    "toujours rien",
    "aucune nouvelle",
    "sans nouvelles depuis lundi",
    "en attente depuis 3 semaines",
    "ça fait deux semaines",
    "personne ne répond",
    "personne ne décroche",
    "l'appli ne s'ouvre plus",
    "c'est pas normal",
    "j'en ai ma claque",
    "ils se moquent de nous",
    "c'est du vol",
    "je déconseille",
    "je regrette d'avoir souscrit",
    "pas moyen de joindre quelqu'un",
    "de pire en pire",
    "une vraie perte de temps",
    "paiement en double",
]


@pytest.mark.parametrize("text", SPANISH_COMPLAINTS)
def test_spanish_complaint_phrases(text):
    assert label("es", text) == "negative"


@pytest.mark.parametrize("text", FRENCH_COMPLAINTS)
def test_french_complaint_phrases(text):
    assert label("fr", text) == "negative"


def test_failure_idioms_have_exceptions():
    assert compound("es", "no va mal") > 0
    assert compound("es", "no va a hacer falta") == 0.0


@pytest.mark.parametrize("lang", PACK_CODES)
def test_packs_know_many_complaint_idioms(lang):
    pack = load_pack(lang)
    assert sum(valence < 0 for valence in pack.idioms.values()) >= 150
    assert len(pack.absent) >= 30
    assert all(valence < 0 for valence in pack.absent.values())


@pytest.mark.parametrize("lang", PACK_CODES)
def test_absent_words_are_not_also_lexicon_or_stopwords(lang):
    pack = load_pack(lang)
    absent = {fold(word) for word in pack.absent}
    assert not absent & {fold(word) for word in pack.lexicon}
    assert not absent & {fold(word) for word in pack.stopwords}


# --- 9. topic words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "hijo"),
        ("es", "Es para mi hija"),
        ("es", "tarda 2 días"),
        ("es", "Mañana cambio de compañía"),
        ("fr", "disponible"),
        ("fr", "frais de dossier"),
        ("fr", "Demain je change d'opérateur"),
    ],
)
def test_topic_words_are_neutral(lang, text):
    assert label(lang, text) == "neutral"


@pytest.mark.parametrize(
    ("lang", "word"),
    [("es", "error"), ("es", "avería"), ("fr", "erreur"), ("fr", "bug"), ("fr", "panne")],
)
def test_failures_stay_negative(lang, word):
    assert label(lang, word) == "negative"
