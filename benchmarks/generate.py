"""Deterministic generator of realistic mentions in the import schema (JSONL, DESIGN 3.4).

    python -m benchmarks.generate 100000 --out /tmp/mentions-100k.jsonl [--seed 20261122]

The same `n` and seed always give a byte-identical file. What it contains:

* texts composed from hand-written fragments (complaints, praise, questions, chatter) about the
  fictional telecom "Acme", in English, Spanish and French (≈55/28/17 %), 40 to 280 characters;
* ≈60 % of items carry a `lang` hint (a few regional, "es-MX"); the rest need detection;
* ≈25 % app-store reviews with 1 to 5★ ratings and titles, the rest X, Reddit and a few RSS items;
* a pool of ≈n/5 authors picked with a skew, so repeat authors (and joined cases) occur;
* log-normally distributed follower counts; a few per cent noise the brand's `exclude` drops.
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20261122
END = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
SPAN = timedelta(days=14)
MIN_CHARS = 40
MAX_CHARS = 280
LANG_WEIGHTS = {"en": 55, "es": 28, "fr": 17}
LANG_HINT_SHARE = 0.6
#: Mentions per source; appstore + googleplay (the reviews) are 25 %.
SOURCE_WEIGHTS = {"x": 55, "reddit": 18, "appstore": 12, "googleplay": 13, "rss": 2}
REVIEW_SOURCES = frozenset({"appstore", "googleplay"})
MOOD_WEIGHTS = {
    "complaint": 44,
    "praise": 20,
    "question": 16,
    "mixed": 10,
    "chatter": 7,
    "noise": 3,
}
REGIONAL = {"en": ("en-US", "en-GB"), "es": ("es-ES", "es-MX"), "fr": ("fr-FR", "fr-CA")}
TWITTER_EPOCH_MS = 1_288_834_974_657

# Fragments: `{b}` a brand mention, `{n}` a small number, `{h}` hours, `{d}` days, `{m}` an amount,
# `{p}` a place, `{t}` a thing. Each language: openers, complaint, praise, question, chatter,
# closers, noise (items the brand's `exclude` terms drop), titles by star rating.
FRAGMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "opener": (
            "{b}",
            "hey {b}",
            "@acmehelp",
            "so {b}...",
            "update on {b}:",
            "ok {b},",
            "PSA:",
            "day {d} with {b}.",
            "Dear {b},",
            "not gonna lie,",
            "honestly",
            "welp.",
        ),
        "complaint": (
            "no internet since {h} this morning",
            "my fibre has been down for {d} days",
            "you charged me twice this month, {m} gone",
            "the app logs me out every single time",
            "been on hold for {h} hours, still nobody",
            "no signal at all in {p}",
            "the {t} keeps dropping every {n} minutes",
            "my refund of {m} never arrived",
            "third outage this week, this is ridiculous",
            "the technician never showed up",
            "the app crashes as soon as I open the bill",
            "support chat closed on me again",
            "they sold me a plan that doesn't work in {p}",
            "my sim card delivery is {d} days late",
            "roaming charges of {m} for one day abroad??",
            "speeds are a joke, {n} Mbps on a 600 plan",
            "worst customer service I have ever dealt with",
            "I'm done, cancelling tomorrow",
            "the {t} smells like burning, not safe",
            "still waiting for a callback after {d} days",
            "billing is a mess, invoice says {m} more than agreed",
            "login code never arrives",
            "switching to another provider if this isn't fixed",
            "my lawyer will hear about this",
            "the new update broke everything",
            "calls drop the second I walk into {p}",
            "paid for 1 Gbps, getting {n} Mbps",
            "nobody answers the phone, nobody answers DMs",
            "the courier lost my {t} and no one cares",
            "I've reported this {n} times already",
        ),
        "praise": (
            "the technician was on time and super nice",
            "fibre has been rock solid for months",
            "support sorted my bill in {n} minutes",
            "the new app update is really good",
            "roaming in {p} worked perfectly",
            "great speeds, {n}00 Mbps upstairs",
            "thanks to the agent who fixed my line today",
            "honestly impressed with the coverage in {p}",
            "refund arrived in {d} days, thank you",
            "love the new {t}, setup took five minutes",
            "best provider I've had so far",
            "quick and friendly help on chat",
        ),
        "question": (
            "is there an outage in {p}?",
            "anyone else with no signal right now?",
            "how do I get a refund for the double charge?",
            "why is my bill {m} higher?",
            "does the travel pass work in {p}?",
            "how long does a sim card delivery take?",
            "can someone from support DM me?",
            "is the app down or is it just me?",
            "what's the best plan for {n} lines?",
            "when will fibre reach {p}?",
        ),
        "chatter": (
            "watching the game on my phone",
            "moving to {p} next month",
            "new {t} arrived today",
            "thinking about getting fibre",
            "my cousin works at the store in {p}",
            "anyone tried the family plan?",
            "the ad with the dog is everywhere lol",
            "just paid the bill",
            "got the {t} set up",
            "saw their stand at the mall in {p}",
        ),
        "closer": (
            "#acme",
            "please fix this",
            "thanks",
            "unbelievable",
            "😡",
            "🙏",
            "👍",
            "!!!",
            "seriously.",
            "any help?",
            "cheers",
            "sigh",
            "so tired of this",
            "10/10",
        ),
        "noise": (
            "Wile E. Coyote ordered another ACME rocket, classic road runner",
            "acme jobs: we are hiring in {p}, apply now",
            "Acme is hiring warehouse staff in {p}",
            "deal at Acme Markets this week: {n} for {m}",
            "the Acme brick on my wall is older than me",
        ),
        "title1": ("Useless", "Terrible app", "Keeps crashing", "Scam", "Avoid", "Never works"),
        "title2": ("Disappointed", "Too many bugs", "Logs me out", "Slow", "Not great"),
        "title3": ("Okay", "Average", "It works, mostly", "Could be better", "Meh"),
        "title4": ("Good app", "Pretty good", "Works well", "Nice update", "Solid"),
        "title5": ("Excellent", "Love it", "Perfect", "Best app", "Super easy"),
    },
    "es": {
        "opener": (
            "{b}",
            "oye {b}",
            "@acmehelp",
            "a ver {b},",
            "lo de {b}...",
            "día {d} con {b}.",
            "hola {b},",
            "en serio,",
            "buenas,",
            "vaya tela.",
        ),
        "complaint": (
            "llevo {h} horas sin internet",
            "la fibra lleva {d} días caída",
            "me habéis cobrado dos veces la factura, {m}",
            "la app me echa cada vez que entro",
            "{h} horas esperando al servicio al cliente",
            "sin señal en todo {p}",
            "el {t} se desconecta cada {n} minutos",
            "el reembolso de {m} no llega",
            "tercera caída esta semana, es una vergüenza",
            "el técnico no se presentó",
            "la aplicación se cierra al abrir la factura",
            "me cortan el chat de soporte",
            "el envío de la sim lleva {d} días de retraso",
            "{m} de itinerancia por un día fuera",
            "pago 600 megas y me llegan {n}",
            "la peor atención que he tenido nunca",
            "me doy de baja mañana mismo",
            "el {t} huele a quemado, esto es peligroso",
            "nadie me llama después de {d} días",
            "me cambio de compañía si no lo arregláis",
            "voy a poner una denuncia",
            "la nueva actualización lo ha roto todo",
            "se cortan las llamadas en cuanto entro en {p}",
            "lo he reportado {n} veces ya",
        ),
        "praise": (
            "el técnico vino puntual y muy amable",
            "la fibra va genial desde hace meses",
            "me arreglaron la factura en {n} minutos",
            "la nueva versión de la app está muy bien",
            "la itinerancia en {p} funcionó perfecta",
            "gracias al agente que me ayudó hoy",
            "el reembolso llegó en {d} días, gracias",
            "la mejor compañía que he tenido",
            "atención rápida y amable por chat",
            "buena cobertura en {p}, sorprendido",
        ),
        "question": (
            "¿hay una caída en {p}?",
            "¿alguien más sin señal ahora mismo?",
            "¿cómo pido el reembolso del cobro doble?",
            "¿por qué la factura sube {m}?",
            "¿funciona el bono de viaje en {p}?",
            "¿cuánto tarda el envío de la sim?",
            "¿me podéis escribir por privado?",
            "¿está caída la app o solo yo?",
            "¿cuándo llega la fibra a {p}?",
        ),
        "chatter": (
            "viendo el partido en el móvil",
            "me mudo a {p} el mes que viene",
            "ya llegó el {t} nuevo",
            "pensando en contratar fibra",
            "mi primo trabaja en la tienda de {p}",
            "el anuncio del perro está en todas partes jaja",
            "acabo de pagar la factura",
        ),
        "closer": (
            "#acme",
            "por favor arregladlo",
            "gracias",
            "increíble",
            "😡",
            "🙏",
            "👍",
            "!!!",
            "en serio.",
            "¿alguna ayuda?",
            "un saludo",
            "qué cansancio",
            "de 10",
        ),
        "noise": (
            "el Coyote pidió otro cohete ACME, siempre pierde contra el Road Runner",
            "acme is hiring: ofertas de empleo en {p}",
        ),
        "title1": ("Inútil", "Horrible", "No funciona", "Un desastre", "Fatal"),
        "title2": ("Decepcionado", "Muchos fallos", "Me echa", "Lenta"),
        "title3": ("Normal", "Regular", "Cumple", "Mejorable"),
        "title4": ("Buena app", "Bastante bien", "Funciona bien", "Buena actualización"),
        "title5": ("Excelente", "Me encanta", "Perfecta", "Muy fácil"),
    },
    "fr": {
        "opener": (
            "{b}",
            "allô {b}",
            "@acmehelp",
            "bon {b},",
            "sérieusement {b}",
            "jour {d} avec {b}.",
            "bonjour {b},",
            "franchement,",
            "bref.",
        ),
        "complaint": (
            "plus d'internet depuis {h} heures",
            "la fibre est en panne depuis {d} jours",
            "vous m'avez prélevé deux fois, {m}",
            "l'appli me déconnecte à chaque ouverture",
            "{h} heures d'attente au service client",
            "pas de réseau dans tout {p}",
            "le {t} coupe toutes les {n} minutes",
            "le remboursement de {m} n'arrive pas",
            "troisième coupure cette semaine, c'est honteux",
            "le technicien n'est jamais venu",
            "l'application plante dès que j'ouvre la facture",
            "le chat du support me raccroche",
            "la livraison de la carte sim a {d} jours de retard",
            "{m} de frais à l'étranger",
            "je paie 1 Gb et j'ai {n} Mb",
            "le pire service client que j'ai connu",
            "je résilie demain",
            "la box sent le brûlé, c'est dangereux",
            "toujours pas rappelé après {d} jours",
            "je change d'opérateur si rien ne bouge",
            "je vais porter plainte",
            "la mise à jour a tout cassé",
            "les appels coupent dès que j'arrive à {p}",
            "déjà signalé {n} fois",
        ),
        "praise": (
            "le technicien est venu pile à l'heure",
            "la fibre marche nickel depuis des mois",
            "facture corrigée en {n} minutes, merci",
            "la nouvelle version de l'appli est top",
            "l'itinérance à {p} a parfaitement marché",
            "merci au conseiller qui m'a aidé",
            "remboursé en {d} jours, merci",
            "le meilleur opérateur que j'ai eu",
            "aide rapide et sympa sur le chat",
        ),
        "question": (
            "il y a une panne à {p} ?",
            "quelqu'un d'autre sans réseau en ce moment ?",
            "comment obtenir le remboursement du double prélèvement ?",
            "pourquoi ma facture augmente de {m} ?",
            "le pass voyage marche à {p} ?",
            "combien de temps pour recevoir la carte sim ?",
            "l'appli est en panne ou c'est moi ?",
            "quand arrive la fibre à {p} ?",
        ),
        "chatter": (
            "je regarde le match sur mon téléphone",
            "je déménage à {p} le mois prochain",
            "le nouveau {t} est arrivé",
            "je pense prendre la fibre",
            "la pub avec le chien est partout mdr",
            "je viens de payer la facture",
        ),
        "closer": (
            "#acme",
            "merci de corriger",
            "merci",
            "incroyable",
            "😡",
            "🙏",
            "👍",
            "!!!",
            "sérieusement.",
            "une aide ?",
            "bonne journée",
            "j'en ai marre",
            "au top",
        ),
        "noise": (
            "Vil Coyote a encore commandé une fusée ACME, looney tunes forever",
            "Acme is hiring : offres d'emploi à {p}",
        ),
        "title1": ("Inutilisable", "Nul", "Ne marche pas", "Catastrophe"),
        "title2": ("Déçu", "Trop de bugs", "Déconnexions", "Lente"),
        "title3": ("Correct", "Moyen", "Peut mieux faire", "Bof"),
        "title4": ("Bonne appli", "Plutôt bien", "Fonctionne bien"),
        "title5": ("Excellente", "Parfait", "Top", "Très facile"),
    },
}
BRAND_FORMS = (
    "Acme",
    "@acmehelp",
    "#acme",
    "acme",
    "ACME",
    "Acme Mobile",
    "Acme Fibra",
    "@AcmeHelp",
)
PLACES = {
    "en": ("Austin", "Leeds", "Denver", "Toronto", "Manchester", "Ohio", "Tokyo", "the subway"),
    "es": ("Sevilla", "Madrid", "Valencia", "Guadalajara", "Bilbao", "el metro", "Zaragoza"),
    "fr": ("Lyon", "Paris", "Marseille", "Lille", "Nantes", "Bordeaux", "Toulouse"),
}
THINGS = {
    "en": ("router", "modem", "phone", "wifi", "line", "box"),
    "es": ("router", "módem", "móvil", "wifi", "teléfono"),
    "fr": ("routeur", "modem", "téléphone", "wifi", "décodeur"),
}
CURRENCY = {"en": "${}", "es": "{}€", "fr": "{} €"}
SUBREDDITS = ("acme", "telecom", "HomeNetworking", "es_telecos", "france")
FIRST_NAMES = (
    "Mike",
    "Sarah",
    "Dave",
    "Emma",
    "Josh",
    "Laura",
    "Pablo",
    "Lucía",
    "Javi",
    "Marta",
    "Edgar",
    "Camille",
    "Julien",
    "Léa",
    "Hugo",
    "Inès",
    "Nate",
    "Priya",
    "Omar",
    "Chloé",
    "Diego",
    "Ana",
)
HANDLE_PARTS = (
    "_tx",
    "_uk",
    "88",
    "_sev",
    "_rmz",
    "_fr",
    "_show",
    "_mx",
    "_92",
    "_io",
    "x",
    "_bcn",
)


@dataclass(frozen=True, slots=True)
class Author:
    source: str
    handle: str
    name: str
    lang: str
    followers: int | None


def full_text(record: dict[str, Any]) -> str:
    """What the pipeline scores: `title + ". " + text` when there is a title."""
    title = record.get("title")
    return f"{title}. {record['text']}" if title else str(record["text"])


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _fill(rng: random.Random, fragment: str, lang: str) -> str:
    if "{" not in fragment:
        return fragment
    return fragment.format(
        b=rng.choice(BRAND_FORMS),
        n=rng.randint(2, 40),
        h=rng.randint(2, 11),
        d=rng.randint(2, 9),
        m=CURRENCY[lang].format(rng.choice((12, 19, 25, 30, 45, 59, 89, 120))),
        p=rng.choice(PLACES[lang]),
        t=rng.choice(THINGS[lang]),
    )


def _sentence(text: str) -> str:
    """Capitalise and end with punctuation unless it already ends with some or an emoji."""
    text = text[:1].upper() + text[1:]
    return text if not text[-1].isalnum() else text + "."


def compose(rng: random.Random, lang: str, mood: str) -> str:
    """One text of 40 to 280 characters in `lang`, mostly of the given mood."""
    pool = FRAGMENTS[lang]
    target = int(rng.triangular(MIN_CHARS, MAX_CHARS, MIN_CHARS))
    parts: list[str] = []
    if mood == "noise":
        parts.append(_sentence(_fill(rng, rng.choice(pool["noise"]), lang)))
    elif rng.random() < 0.6:
        parts.append(_fill(rng, rng.choice(pool["opener"]), lang))
    kinds = {"mixed": ("complaint", "praise"), "noise": ("chatter",)}.get(mood, (mood,))
    used: set[str] = set()
    while True:
        kind = rng.choice(kinds) if rng.random() < 0.85 else rng.choice(("chatter", "question"))
        fragment = rng.choice(pool[kind])
        if fragment in used:  # one retry keeps texts from repeating a sentence, mostly
            fragment = rng.choice(pool[kind])
        used.add(fragment)
        parts.append(_sentence(_fill(rng, fragment, lang)))
        if sum(map(len, parts)) + len(parts) >= max(target, MIN_CHARS):
            break
    if rng.random() < 0.4:
        parts.append(rng.choice(pool["closer"]))
    text = " ".join(parts)
    while len(text) > MAX_CHARS and len(parts) > 1:
        parts.pop()
        text = " ".join(parts)
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
    while len(text) < MIN_CHARS:
        text += " " + _sentence(_fill(rng, rng.choice(pool["chatter"]), lang))
        if len(text) > MAX_CHARS:
            text = text[: MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return text


def _authors(rng: random.Random, n: int) -> dict[str, list[Author]]:
    """≈n/5 authors, each posting on one source in one language."""
    pools: dict[str, list[Author]] = {s: [] for s in SOURCE_WEIGHTS if s != "rss"}
    total = max(len(pools), n // 5)
    weights = {s: w for s, w in SOURCE_WEIGHTS.items() if s != "rss"}
    for index in range(total):
        source = list(pools)[index] if index < len(pools) else _pick(rng, weights)
        first = rng.choice(FIRST_NAMES)
        handle = f"{first.lower()}{rng.choice(HANDLE_PARTS)}{index}"
        review = source in REVIEW_SOURCES
        followers = None if review else min(round(rng.lognormvariate(5.0, 2.0)), 20_000_000)
        name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTV')}." if review else first
        lang = _pick(rng, LANG_WEIGHTS)
        pools[source].append(Author(source, name if review else handle, name, lang, followers))
    return pools


def _external_id(rng: random.Random, source: str, index: int, created: datetime) -> str:
    if source == "x":
        ms = int(created.timestamp() * 1000) - TWITTER_EPOCH_MS
        return str((ms << 22) | (rng.getrandbits(10) << 12) | (index & 0xFFF))
    if source == "appstore":
        return str(9_000_000_000 + index * 17 + rng.randrange(17))
    if source == "reddit":
        return f"t3_{index:x}{rng.getrandbits(16):04x}"
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _url(source: str, external_id: str, author: Author | None, rng: random.Random) -> str:
    if source == "x" and author is not None:
        return f"https://x.com/{author.handle}/status/{external_id}"
    if source == "reddit":
        return f"https://www.reddit.com/r/{rng.choice(SUBREDDITS)}/comments/{external_id[3:]}/"
    if source == "googleplay":
        return (
            f"https://play.google.com/store/apps/details?id=com.acme.myacme&reviewId={external_id}"
        )
    if source == "appstore":
        return f"https://apps.apple.com/app/my-acme/id1487263510?see-all=reviews#{external_id}"
    return f"https://news.example.com/telecom/{external_id}"


def _rating(rng: random.Random, mood: str) -> int:
    by_mood = {
        "complaint": (45, 30, 15, 7, 3),
        "praise": (2, 3, 10, 35, 50),
        "mixed": (10, 25, 35, 20, 10),
    }.get(mood, (15, 15, 30, 20, 20))
    return rng.choices((1, 2, 3, 4, 5), weights=by_mood)[0]


def generate(n: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """`n` mention records in increasing `created_at` order, deterministic for (n, seed)."""
    rng = random.Random(seed)
    authors = _authors(rng, n)
    start = END - SPAN
    step = SPAN / max(n, 1)
    for index in range(n):
        created = (start + step * (index + rng.random())).replace(microsecond=0)
        source = _pick(rng, SOURCE_WEIGHTS)
        pool = authors.get(source)
        # Skewed choice: a few authors post a lot, most post once or twice.
        author = pool[int(len(pool) * rng.random() ** 1.3)] if pool else None
        lang = author.lang if author and rng.random() < 0.95 else _pick(rng, LANG_WEIGHTS)
        mood = _pick(rng, MOOD_WEIGHTS)
        external_id = _external_id(rng, source, index, created)
        record: dict[str, Any] = {
            "source": source,
            "external_id": external_id,
            "text": compose(rng, lang, mood),
            "created_at": created.isoformat(),
            "url": _url(source, external_id, author, rng),
        }
        if author is not None:
            record["author"] = author.handle
            if source not in REVIEW_SOURCES:
                record["author_name"] = author.name
                if author.followers is not None:
                    jitter = rng.randint(0, max(1, author.followers // 100))
                    record["author_followers"] = author.followers + jitter
        else:
            record["author_name"] = rng.choice(("Telecom Today", "Le Journal Tech", "Diario Red"))
        if rng.random() < LANG_HINT_SHARE:
            record["lang"] = rng.choice(REGIONAL[lang]) if rng.random() < 0.1 else lang
        if source in REVIEW_SOURCES:
            stars = _rating(rng, mood)
            record["rating"] = stars
            record["title"] = rng.choice(FRAGMENTS[lang][f"title{stars}"])
        elif source == "x":
            likes = int(rng.paretovariate(1.3)) - 1
            replies = rng.randint(0, 3)
            record["metrics"] = {"likes": likes, "reposts": likes // 4, "replies": replies}
        elif source == "reddit":
            score = int(rng.paretovariate(1.1))
            record["metrics"] = {"score": score, "comments": rng.randint(0, 40)}
        yield record


def write_jsonl(path: Path, n: int, seed: int = SEED) -> Path:
    """Write `n` records to `path` (one JSON object per line, UTF-8)."""
    with path.open("w", encoding="utf-8") as out:
        for record in generate(n, seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of mentions")
    parser.add_argument("--out", type=Path, required=True, help="JSONL file to write")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    write_jsonl(args.out, args.n, args.seed)
    print(f"wrote {args.n} mentions to {args.out}")


if __name__ == "__main__":
    main()
