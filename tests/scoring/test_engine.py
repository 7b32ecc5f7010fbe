"""The pack engine behaves like VADER on Spanish and French contact-center posts."""

from __future__ import annotations

import pytest

from monitor.scoring.base import Thresholds
from monitor.scoring.engine import PackScorer
from monitor.scoring.packs import load_pack
from monitor.scoring.packs.emoji import token_regex


@pytest.fixture(scope="module")
def es() -> PackScorer:
    return PackScorer(load_pack("es"))


@pytest.fixture(scope="module")
def fr() -> PackScorer:
    return PackScorer(load_pack("fr"))


def compound(scorer: PackScorer, text: str) -> float:
    return scorer.score(text).compound


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("el servicio es pésimo, nunca responden", "negative"),
        ("me encanta pero la factura es un robo", "negative"),
        ("q mal servicio xq nadie contesta", "negative"),
        ("La aplicación no funciona desde la última actualización", "negative"),
        ("Es una estafa, quiero la devolución de mi dinero ya", "negative"),
        ("No vale la pena, atención al cliente de pena", "negative"),
        ("el servicio es una mierda", "negative"),
        ("cutre y chafa", "negative"),
        ("me estafaron", "negative"),
        ("no sirve para nada", "negative"),
        ("No hay señal desde ayer", "negative"),
        ("gracias por nada", "negative"),
        ("El repartidor fue muy amable, todo perfecto", "positive"),
        ("Gracias por resolver mi problema tan rápido", "positive"),
        ("genial, guay, chido, crack", "positive"),
        ("flipante", "positive"),
        ("vale la pena", "positive"),
        ("Sin problemas, todo bien", "positive"),
        ("jajaja genial", "positive"),
        ("Hola, quisiera saber el estado de mi pedido", "neutral"),
        ("Bueno, les escribo porque cambié de tarifa", "neutral"),
    ],
)
def test_spanish_labels(es, text, label):
    assert es.score(text).label == label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Service client au top, merci !", "positive"),
        ("ce n'est pas terrible", "negative"),
        ("pas mal du tout", "positive"),
        ("c'est pas mal", "positive"),
        ("la box ne marche pas", "negative"),
        ("Ça fait une semaine que la box ne marche toujours pas", "negative"),
        ("jpp c nul", "negative"),
        ("Franchement déçu, personne ne répond au téléphone", "negative"),
        ("Encore une facture fausse, c'est de l'arnaque", "negative"),
        ("c'est nul à chier", "negative"),
        ("foutage de gueule", "negative"),
        ("naze, pourri, relou, chiant", "negative"),
        ("je ne recommande pas", "negative"),
        ("plus jamais chez vous", "negative"),
        ("Bon, je vous écris car ma box ne fonctionne plus", "negative"),
        ("génial, top, nickel", "positive"),
        ("Trop bien la nouvelle interface, bravo à l'équipe", "positive"),
        ("Le technicien est venu à l'heure, rien à dire", "positive"),
        ("aucun problème, merci", "positive"),
        ("Bonjour, pouvez-vous m'aider à changer mon forfait ?", "neutral"),
    ],
)
def test_french_labels(fr, text, label):
    assert fr.score(text).label == label


def test_negation_flips_and_softens(es, fr):
    assert compound(es, "es malo") < 0 < compound(es, "no es malo")
    assert compound(es, "no es bueno") < 0 < compound(es, "es bueno")
    assert compound(fr, "je ne suis pas content") < 0 < compound(fr, "je suis content")
    assert abs(compound(es, "no es malo")) < abs(compound(es, "es malo"))


def test_negative_concord_negates_once(es, fr):
    assert compound(es, "no es nada bueno") < 0
    assert compound(fr, "je ne suis jamais satisfait") < 0
    assert compound(fr, "je ne suis pas du tout content") < 0


def test_negated_predicate_negates_the_praise_after_it(es, fr):
    assert compound(es, "no funciona muy bien") < compound(es, "no funciona") < 0
    assert compound(fr, "ça ne marche pas bien") < compound(fr, "ça ne marche pas") < 0
    assert compound(fr, "pas terrible et lent") < compound(fr, "pas terrible") < 0
    assert compound(fr, "pas mal et rapide") > compound(fr, "pas mal") > 0


def test_informal_french_negation_without_ne(fr):
    assert compound(fr, "ça marche pas") < 0
    assert compound(fr, "Bon Acme, ça marche toujours pas") < 0
    assert compound(fr, "je suis pas content") < 0 < compound(fr, "je suis content")
    assert compound(fr, "il répond jamais") < 0


def test_french_ne_without_closer_does_not_negate(fr):
    # "ne … que" means "only": the problems stay negative.
    assert compound(fr, "je n'ai que des problèmes") == compound(fr, "j'ai des problèmes")


def test_plus_is_a_booster_unless_it_closes_ne(fr):
    assert compound(fr, "plus rapide") > compound(fr, "rapide") > 0
    assert compound(fr, "ça ne marche plus") < 0


def test_boosters_and_dampeners(es, fr):
    assert compound(es, "muy bueno") > compound(es, "bueno") > compound(es, "un poco bueno") > 0
    assert compound(fr, "très nul") < compound(fr, "nul") < compound(fr, "un peu nul") < 0
    assert compound(es, "muy muy malo") < compound(es, "muy malo")


def test_poco_before_an_adjective_negates(es):
    assert compound(es, "poco profesional") < 0 < compound(es, "profesional")


def test_contrast_weighs_the_second_clause(es, fr):
    assert compound(es, "me encanta pero la factura es un robo") < 0
    assert compound(es, "la factura es un robo pero me encanta") > 0
    assert compound(fr, "le conseiller était gentil mais le service est nul") < 0


def test_concessive_clause_weighs_less(es):
    assert compound(es, "me encanta aunque es caro") > 0
    assert compound(es, "aunque el servicio es bueno, la factura es un robo") < 0


def test_all_caps_emphasis_only_when_case_is_mixed(fr, es):
    assert compound(fr, "le service est NUL") < compound(fr, "le service est nul")
    assert compound(es, "MUY MAL servicio") < compound(es, "muy mal servicio")
    nul = fr.score("NUL NUL NUL")
    assert nul.compound < -0.8
    assert nul.label == "negative"


def test_exclamation_and_question_marks_amplify(es):
    assert compound(es, "pésimo!!!") < compound(es, "pésimo") < 0
    assert compound(es, "genial!!") > compound(es, "genial") > 0
    assert compound(es, "¿pésimo??") < compound(es, "pésimo")


def test_accents_are_optional(es, fr):
    assert es.score("pesimo") == es.score("pésimo")
    assert compound(fr, "decu") == compound(fr, "déçu") < 0
    assert compound(es, "PÉSIMA atención") == compound(es, "PESIMA atencion")


def test_inflections_are_covered(es, fr):
    for word in ("pésimo", "pésima", "pésimos", "pésimas", "horribles", "estafadores"):
        assert compound(es, word) < 0, word
    for word in ("décevant", "décevante", "déçu", "déçue", "arnaqué", "arnaqueurs"):
        assert compound(fr, word) < 0, word


def test_repeated_letters_are_squashed(es, fr):
    assert compound(es, "maaaal servicio") == compound(es, "mal servicio") < 0
    assert compound(fr, "nuuuul") == compound(fr, "nul") < 0
    assert compound(es, "buenooooo") == compound(es, "bueno") > 0


def test_social_spellings(es, fr):
    assert compound(es, "q mal servicio xq nadie contesta") < 0
    assert compound(fr, "c nul") == compound(fr, "c'est nul") < 0
    assert compound(fr, "vrmt nul") == compound(fr, "vraiment nul")
    assert compound(fr, "mdr") > 0
    assert compound(fr, "tkt") > 0  # "t'inquiète pas": don't worry


@pytest.mark.parametrize(
    ("lang", "text", "sign"),
    [
        ("es", "una mierda", -1),
        ("es", "de pena", -1),
        ("es", "no sirve", -1),
        ("es", "vale la pena", 1),
        ("fr", "à chier", -1),
        ("fr", "de la merde", -1),
        ("fr", "au top", 1),
        ("fr", "pas terrible", -1),
        ("fr", "pas mal", 1),
        ("fr", "foutage de gueule", -1),
        ("fr", "trop bien", 1),
    ],
)
def test_idioms(es, fr, lang, text, sign):
    scorer = es if lang == "es" else fr
    assert compound(scorer, text) * sign > 0.1


def test_ni_fu_ni_fa_is_lukewarm(es):
    assert -0.3 < compound(es, "ni fu ni fa") < 0


def test_neutral_phrases_are_understood_but_neutral(fr):
    score = fr.score("service client")
    assert score.label == "neutral"
    assert score.coverage == 1.0


def test_emoji_are_scored_in_every_pack(es, fr):
    for scorer in (es, fr):
        assert scorer.score("😡😡").label == "negative"
        assert scorer.score("🙏❤️").label == "positive"
        assert scorer.score("👎").label == "negative"
    assert compound(es, "😡😡") < compound(es, "😡") < 0
    assert compound(fr, "merci 👍") > compound(fr, "merci")


def test_emoticons_keep_vader_valences(es):
    assert compound(es, "gracias :)") > compound(es, "gracias") > 0
    assert compound(es, "otra vez sin servicio :(") < compound(es, "otra vez sin servicio")


def test_skin_tones_and_joiners_are_not_tokens(es):
    assert es.score("👍🏽") == es.score("👍")
    assert es.score("🤦‍♀️").compound == es.score("🤦").compound


def test_urls_and_handles_are_ignored(fr):
    plain = fr.score("service nul")
    assert fr.score("@Orange_SAV service nul https://t.co/x1y2z3").compound == plain.compound
    assert fr.score("@Orange_SAV service nul").coverage == plain.coverage


def test_coverage_tells_gibberish_from_neutral(es, fr):
    gibberish = es.score("asdkj qwpeo zzxq")
    assert gibberish.coverage == 0.0
    assert gibberish.label == "neutral"
    normal = es.score("Hola, quisiera saber el estado de mi pedido")
    assert normal.label == "neutral"
    assert normal.coverage is not None
    assert normal.coverage >= 0.8
    assert fr.score("Bonjour, je n'ai toujours pas reçu mon remboursement").coverage == 1.0
    assert fr.score("").coverage == 0.0


def test_empty_text_is_all_zero(es):
    score = es.score("   ")
    assert (score.compound, score.pos, score.neu, score.neg) == (0.0, 0.0, 0.0, 0.0)
    assert score.label == "neutral"


def test_proportions_match_vader_shape(es):
    score = es.score("el servicio es pésimo")
    assert score.neg > 0
    assert score.pos == 0
    assert abs(score.pos + score.neu + score.neg - 1) < 0.01


def test_score_metadata(es, fr):
    score = es.score("genial")
    assert (score.lang, score.scorer) == ("es", "vader-es")
    assert fr.score("génial", lang="fr").scorer == "vader-fr"


def test_rating_rule_applies(fr):
    polite = fr.score("Merci pour votre aide, très gentil", rating=2)
    assert polite.label == "negative"
    assert polite.rating_rule
    assert polite.compound > 0
    assert fr.score("génial, parfait", rating=3).label == "neutral"
    assert fr.score("génial, parfait", rating=5).label == "positive"


def test_neutral_band_is_the_packs_unless_configured_wider():
    default = PackScorer(load_pack("es"))
    assert default.thresholds == Thresholds(negative=-0.10, positive=0.10)
    wider = PackScorer(load_pack("es"), Thresholds(negative=-0.3, positive=0.2))
    assert wider.thresholds == Thresholds(negative=-0.3, positive=0.2)
    narrower = PackScorer(load_pack("es"), Thresholds(negative=-0.01, positive=0.01))
    assert narrower.thresholds == Thresholds(negative=-0.10, positive=0.10)
    faint = default.score("tarde")  # one faint word: inside the band
    assert -0.10 < faint.compound < 0
    assert faint.label == "neutral"


TRICKY = [
    "Genial :) pero :-( ... ¿qué? 10:30, 0/10, 2.0€ y 0 soluciones!!",
    "Très pratique 🙄 (vraiment) :D <3 :)) a-b-c l'appli n'est pas top…",
    "jajaja\u00a0xD\u2003MAL\tservicio\n\u3000fin 🙃.",
    ":) al inicio, y al final :(",
    "",
]


@pytest.mark.parametrize("text", TRICKY)
def test_the_token_pattern_matches_the_same_chunk_by_chunk(text):
    # The engine matches `token_regex` per whitespace-separated chunk and caches the chunks.
    regex = token_regex()
    assert [m for chunk in text.split() for m in regex.findall(chunk)] == regex.findall(text)


@pytest.mark.parametrize("code", ["es", "fr"])
def test_cached_words_and_chunks_score_like_fresh_ones(code):
    warm = PackScorer(load_pack(code))
    for text in TRICKY:
        warm.score(text)
    for text in TRICKY:
        fresh = PackScorer(load_pack(code)).score(text)
        assert repr(warm.score(text).values()) == repr(fresh.values())  # -0.0 included
