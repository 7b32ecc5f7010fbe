"""Write the bundled Acme demo mentions to samples/mentions.jsonl, deterministically."""

# Every text below was written by hand for the fictional brand "Acme" (telecom, home internet
# and a mobile app; support handle @acmehelp). The script only decides who posted what and
# when, using a fixed seed and fixed dates, so every run writes a byte-identical file:
#
#     python samples/generate_samples.py
#
# What it contains (see samples/README.md): two weeks of X posts, Reddit threads, App Store
# and Google Play reviews and RSS items in English, Spanish and French, with repeat
# complainers, a few high-reach authors, brand replies, irrelevant noise and one outage
# burst on 2026-11-20 between 18:00 and 21:00 UTC.

from __future__ import annotations

import json
import random
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20261122
OUT_PATH = Path(__file__).resolve().parent / "mentions.jsonl"
END = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
START = END - timedelta(days=14)
BURST_START = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
BURST_END = datetime(2026, 11, 20, 21, 0, tzinfo=UTC)
BRAND_HANDLE = "acmehelp"
LANG_FIELD_SHARE = 0.6  # share of items that carry an explicit "lang"
TWITTER_EPOCH_MS = 1_288_834_974_657
APPSTORE_APP = "my-acme/id1487263510"
PLAY_PACKAGE = "com.acme.myacme"
APPSTORE_COUNTRIES: dict[str, tuple[str, ...]] = {
    "en": ("us", "us", "gb", "ca"),
    "es": ("es", "mx"),
    "fr": ("fr",),
}

# Relative posting volume by local hour of day (0-23): quiet nights, busy evenings.
LOCAL_HOUR_WEIGHTS = (2, 1, 1, 1, 1, 1, 2, 4, 6, 7, 8, 8, 9, 9, 8, 8, 8, 9, 10, 10, 9, 7, 5, 3)
# Where the posters of each language live, as UTC offsets in hours (US/UK, Spain/Mexico, France).
UTC_OFFSETS: dict[str, tuple[int, ...]] = {"en": (-5, -5, -6, -8, 0), "es": (1, 1, -6), "fr": (1,)}

Reply = tuple[int, str, int, str, str]
"""A reply in a thread: (parent index, 0 = root and n = n-th reply; author; minutes after the
parent; lang; text)."""


@dataclass(frozen=True)
class Thread:
    """A hand-placed item (optionally with replies); when=None means a random time in the burst."""

    source: str
    lang: str
    text: str
    author: str | None = None
    when: str | None = None  # "MM-DD HH:MM" in UTC, year 2026
    sub: str | None = None  # subreddit, reddit only
    title: str | None = None  # reviews only
    rating: int | None = None  # reviews only
    replies: tuple[Reply, ...] = ()


@dataclass
class Item:
    """One mention before ids, urls and metrics are assigned."""

    source: str
    lang: str
    text: str
    created_at: datetime
    author: str | None
    sub: str | None = None
    title: str | None = None
    rating: int | None = None
    feed: str | None = None
    parent: Item | None = None
    external_id: str = ""
    url: str | None = None
    direct_replies: int = 0
    descendants: int = 0


# fmt: off
# --------------------------------------------------------------------------------------------
# Accounts: handle -> (display name, followers). Reddit accounts have no display name and
# carry karma in the followers slot. None means "not known" and is written as null.
# --------------------------------------------------------------------------------------------
ACCOUNTS: dict[str, tuple[str | None, int | None]] = {
    # brand and high-reach accounts
    "acmehelp": ("Acme Support", 54_300),
    "swhitfield_tech": ("Sarah Whitfield", 250_000),
    "FairDealWatch": ("Fair Deal Watch", 80_000),
    "soylunamarquez": ("Luna Márquez ✨", 1_200_000),
    "pierre_vasseur_tech": ("Pierre Vasseur", 96_400),
    # repeat complainers
    "dani_rkz": ("Dani Reyes", 412),
    "kev_on_fiber": ("Kevin O'Neill", 1_380),
    "marta_lpz88": ("Marta López", 530),
    "carlos_mx_": ("Carlos Hdz", 1_210),
    "juju_paname": ("Julien 🚲", 870),
    # ordinary X accounts, English
    "jmarsh_dev": ("Jake Marsh", 640),
    "kaylee_b": ("kaylee", 212),
    "tonyrigatoni": ("Tony R.", 1_840),
    "priya_writes": ("Priya Nair", 1_290),
    "big_mike_tx": ("Mike", 388),
    "hannahlouisee": ("hannah 🌻", 95),
    "the_real_dre": ("Andre", 733),
    "coffee_and_cables": ("Coffee & Cables", 1_502),
    "mattsmash88": ("Matt", 47),
    "jen_k_phd": ("Jen Kowalski, PhD", 1_120),
    "ohio_grandma": ("Barb", 64),
    "lucas_wren": ("Lucas Wren", 301),
    "nat_on_the_go": ("Natalie", 877),
    "beccaaa_j": ("becca", 156),
    "devon_plays": ("Devon", 1_934),
    "s_okafor": ("Samuel Okafor", 512),
    "trevor_mcq": ("Trevor", 28),
    "lilybugg_": ("lily", 410),
    "quietcartographer": ("maps & tea", 233),
    "samuel_ortiz_": ("Sam Ortiz", None),
    "grumpyoldnetadmin": ("Grumpy Old Netadmin", 1_675),
    "aimee_rose22": ("Aimee", 89),
    "ktwheeler": ("K.T. Wheeler", 455),
    "freddiebakes": ("Freddie 🍞", 1_023),
    "mdawson_92": ("Mark Dawson", 19),
    "tashaaa": ("Tasha", None),
    "chris_in_cle": ("Chris", 267),
    "jordan_b_lee": ("Jordan Lee", 598),
    "moniquewrites": ("Monique T.", 1_410),
    "brit_in_leeds": ("Harriet", 322),
    "owen_tweets_": ("Owen", 76),
    "gracie_hart": ("Gracie Hart", 180),
    "rob_on_bikes": ("Rob", 940),
    "nurse_kayla": ("Kayla RN", 354),
    "pat_the_dad": ("Pat", 41),
    "marcus_t_": ("Marcus T", 803),
    "hollyberry_": ("Holly", 142),
    "dave_fixes_things": ("Dave", 1_221),
    "sunny_daze_": ("sunny", 67),
    "alexis_ramirez": ("Alexis Ramirez", 1_590),
    "benji_codes": ("Benji", 1_105),
    "karen_not_that_one": ("Karen (the nice one)", 233),
    "mia_reads": ("Mia 📚", 620),
    "joe_from_jersey": ("Joe", 388),
    "emwalsh": ("Emma Walsh", 912),
    "the_nate_show": ("Nate", 1_760),
    "kristen_lou": ("Kristen", 54),
    "rachel_in_austin": ("Rachel", 471),
    "omar_k": ("Omar K.", 1_003),
    "lisa_marie_g": ("Lisa Marie", 26),
    "ian_plays_bass": ("Ian 🎸", 348),
    "veronica_lk": ("Veronica", None),
    "tom_hartley": ("Tom Hartley", 688),
    "stacy_b_photo": ("Stacy B 📷", 1_845),
    "brandon_k_93": ("Brandon", 112),
    "juliana_pz": ("Juliana", 437),
    "carter_w": ("Carter", 13),
    "helen_c_uk": ("Helen C", 590),
    "frankie_d": ("Frankie", 205),
    "noah_bennett_": ("Noah Bennett", 1_377),
    "wendy_at_home": ("Wendy", 98),
    # ordinary X accounts, Spanish
    "luciagarcia_": ("Lucía García", 742),
    "pablo_rmz": ("Pablo", 158),
    "anita_bcn": ("Anita 🌊", 1_033),
    "eljavi_92": ("Javi", 267),
    "sofi_torres": ("Sofi Torres", 1_890),
    "elnachooo": ("Nacho", 84),
    "mariajo_vlc": ("Mariajo", 405),
    "ruben_dev": ("Rubén", 1_320),
    "paula_mtz": ("Paula Martínez", 63),
    "chema_sur": ("Chema", 211),
    "ale_cdmx": ("Ale 🌮", 977),
    "yoli_g": ("Yoli", None),
    "dani_ferrer": ("Dani Ferrer", 488),
    "quique_88": ("Quique", 35),
    "lauuuraa_": ("Laura ☀️", 1_450),
    "memo_gtz": ("Memo Gutiérrez", 302),
    "irene_madrid": ("Irene", 690),
    "sergio_bl": ("Sergio", 120),
    "martinez_alba": ("Alba Martínez", 560),
    "josemi_sev": ("Josemi", 1_140),
    "clau_rdz": ("Clau 🌵", 389),
    "nereaaa_": ("Nerea", 77),
    "fer_gonzalez_": ("Fer González", 1_605),
    "adri_bcn": ("Adri", 245),
    "maite_bilbao": ("Maite", 132),
    "kike_mty": ("Kike", 708),
    "valeria_gdl": ("Valeria", 1_988),
    "toni_mallorca": ("Toni", None),
    "lu_aguilar": ("Lu Aguilar", 311),
    "pau_ramos_": ("Pau", 42),
    "ximena_pv": ("Ximena", 866),
    "rafa_cordoba": ("Rafa", 193),
    "andrea_sl": ("Andrea", 1_072),
    "mikel_dg": ("Mikel", 58),
    "bea_ortega": ("Bea Ortega", 429),
    # ordinary X accounts, French
    "slt_cmoiclem": ("Clem", 340),
    "manon_lyon": ("Manon", 512),
    "thomas_dlr": ("Thomas Delaroche", 1_203),
    "camille_b": ("Camille", 88),
    "nico_marseille": ("Nico ⚽", 1_766),
    "lea_vtn": ("Léa", 240),
    "maxou_44": ("Maxou", 57),
    "sarah_k_fr": ("Sarah K.", 690),
    "bastien_ppt": ("Bastien", None),
    "chloe_dsn": ("Chloé", 1_310),
    "yanis_93": ("Yanis", 455),
    "margaux_rt": ("Margaux", 129),
    "pierrot_bzh": ("Pierrot", 364),
    "antoine_lmb": ("Antoine", 1_450),
    "elo_drn": ("Élo", 203),
    "kevin_du_77": ("Kévin", 31),
    "ines_bzr": ("Inès", 688),
    "romain_tls": ("Romain", 977),
    "lucie_mtp": ("Lucie 🌿", 154),
    "hugo_bdx": ("Hugo", None),
    "oceane_pln": ("Océane", 512),
    "fred_nantes": ("Fred", 1_233),
    "mathilde_dv": ("Mathilde", 86),
    # noise accounts (job boards, spam)
    "remotejobsdaily": ("Remote Jobs Daily", 45_800),
    "jobhub_dallas": ("JobHub Dallas", 3_200),
    "win_iphone_now_": ("🎁 Giveaways 🎁", None),
    "follow4follow_xx": ("followback", 12),
    "cryptosignals_pro": ("Crypto Signals PRO 🚀", 230),
    "empleo_madrid_hoy": ("Empleo Madrid Hoy", 15_800),
    "gana_dinero_ya": ("Dinero Fácil", None),
    "emploi_hdf": ("Emploi Hauts-de-France", 9_100),
    "concours_gratuit_fr": ("Concours Gratuits", None),
    # reddit (karma)
    "kayakdad": (None, 8_421),
    "sleepy_sysadmin": (None, 48_210),
    "Tremendous_Goose": (None, 3_120),
    "NotAnISPEmployee": (None, 21_877),
    "PM_ME_YOUR_SPEEDTEST": (None, 15_544),
    "throwaway_acme_2291": (None, 12),
    "calloway42": (None, 9_820),
    "Lukewarm_Takes_Only": (None, 33_410),
    "moonpie_enjoyer": (None, 2_766),
    "Apprehensive-Owl7731": (None, 415),
    "Direct_Cherry2210": (None, 1_088),
    "fiber_or_bust": (None, 6_730),
    "Lost_in_eSIM": (None, None),
    "beepboop_it": (None, 19_230),
    "tacos_al_pastor_mx": (None, 2_410),
    "Ok_Cantaloupe_mx": (None, 901),
    "la_gordis_del_norte": (None, 5_120),
    "pepito_grillo_": (None, 7_744),
    "Ok_Cantaloupe_es": (None, 1_302),
    "madrileno_cansado": (None, 3_390),
    "Baguette_Connectee": (None, 1_544),
    "Flamby_du_93": (None, 6_620),
    "Tartiflette_Life": (None, 12_870),
    "Frometon": (None, 4_410),
    "Cassoulet_Enjoyer": (None, None),
}

# Who posts the items whose author is not fixed, per source and language.
X_POOL: dict[str, list[str]] = {
    "en": [
        "jmarsh_dev", "kaylee_b", "tonyrigatoni", "priya_writes", "big_mike_tx", "hannahlouisee",
        "the_real_dre", "coffee_and_cables", "mattsmash88", "jen_k_phd", "ohio_grandma",
        "lucas_wren", "nat_on_the_go", "beccaaa_j", "devon_plays", "s_okafor", "trevor_mcq",
        "lilybugg_", "quietcartographer", "samuel_ortiz_", "grumpyoldnetadmin", "aimee_rose22",
        "ktwheeler", "freddiebakes", "mdawson_92", "tashaaa", "chris_in_cle", "jordan_b_lee",
        "moniquewrites", "owen_tweets_", "gracie_hart", "rob_on_bikes", "nurse_kayla",
        "pat_the_dad", "marcus_t_", "hollyberry_", "dave_fixes_things", "sunny_daze_",
        "alexis_ramirez", "benji_codes", "karen_not_that_one", "mia_reads", "joe_from_jersey",
        "emwalsh", "the_nate_show", "kristen_lou", "rachel_in_austin", "omar_k", "lisa_marie_g",
        "ian_plays_bass", "veronica_lk", "tom_hartley", "stacy_b_photo", "brandon_k_93",
        "juliana_pz", "carter_w", "helen_c_uk", "frankie_d", "noah_bennett_", "wendy_at_home",
    ],
    "es": [
        "luciagarcia_", "pablo_rmz", "anita_bcn", "eljavi_92", "sofi_torres", "elnachooo",
        "mariajo_vlc", "ruben_dev", "paula_mtz", "chema_sur", "ale_cdmx", "yoli_g", "dani_ferrer",
        "quique_88", "lauuuraa_", "memo_gtz", "irene_madrid", "sergio_bl", "martinez_alba",
        "josemi_sev", "clau_rdz", "nereaaa_", "fer_gonzalez_", "adri_bcn", "maite_bilbao",
        "kike_mty", "valeria_gdl", "toni_mallorca", "lu_aguilar", "pau_ramos_", "ximena_pv",
        "rafa_cordoba", "andrea_sl", "mikel_dg", "bea_ortega",
    ],
    "fr": [
        "slt_cmoiclem", "manon_lyon", "thomas_dlr", "camille_b", "nico_marseille", "lea_vtn",
        "maxou_44", "sarah_k_fr", "bastien_ppt", "chloe_dsn", "yanis_93", "margaux_rt",
        "pierrot_bzh", "antoine_lmb", "elo_drn", "kevin_du_77", "ines_bzr", "romain_tls",
        "lucie_mtp", "hugo_bdx", "oceane_pln", "fred_nantes", "mathilde_dv",
    ],
}
REDDIT_POOL: dict[str, list[str]] = {
    "en": [
        "fiber_or_bust", "NotAnISPEmployee", "calloway42", "moonpie_enjoyer", "Direct_Cherry2210",
        "beepboop_it", "Lukewarm_Takes_Only", "PM_ME_YOUR_SPEEDTEST", "Tremendous_Goose",
    ],
    "es": ["pepito_grillo_", "Ok_Cantaloupe_es", "la_gordis_del_norte", "Ok_Cantaloupe_mx"],
    "fr": ["Frometon", "Flamby_du_93", "Tartiflette_Life"],
}
# App Store shows nicknames, Google Play shows account names.
APPSTORE_NAMES: dict[str, list[str]] = {
    "en": [
        "jkl_mnop", "Frustrated in Tulsa", "Busymom2014", "kfc1987", "TheRealDeal77", "sammie.p",
        "Nightowl_88", "Dr. Pepper fan", "kbrooks", "ghostwriter41", "Ellie M.", "randomguy2k",
        "mamabear_k", "SoCalSurfer", "t.r.a.v.i.s", "notahappycamper", "bluejay_22", "Gwen S",
    ],
    "es": [
        "Mar_Gz", "pepe_78", "Lucia R.", "Tachito", "Usuario cansado", "jorgeluis_mx", "Nuria_vlc",
        "el_profe_ramos",
    ],
    "fr": ["Nanou59", "Stef_33", "Aurélie B.", "loulou_75", "Mr Patate"],
}
GOOGLEPLAY_NAMES: dict[str, list[str]] = {
    "en": [
        "Linda Carver", "Marcus Webb", "Tyler Nguyen", "Deb Schultz", "Aaron Patel",
        "Chantelle Brooks", "Gary Lindqvist", "Jess M", "Ronnie Alvarez", "Bethany Cole",
        "Kwame Mensah", "A Google user", "Shawn Murphy", "Priscilla Owens", "Derek Yamamoto",
        "Hailey Brooks", "Luis Ortega", "Megan Fitzgerald", "Trent Walker", "Nadia Hussein",
        "Brian K", "Cassie Lynn",
    ],
    "es": [
        "José Antonio Ruiz", "María Fernanda López", "Juan Pérez", "Rocío Sánchez", "Edgar Molina",
        "Carmen Vidal", "Alejandro Castro", "Patricia Gómez", "Luis Miguel Herrera", "Inés Navarro",
        "Diego Armando Cruz",
    ],
    "fr": [
        "Sandrine Morel", "Kevin Dubois", "Nathalie Perrin", "Mehdi Benali", "Julie Lambert",
        "Christophe Garnier", "Amandine Roux",
    ],
}
# RSS feeds: key -> (publication name, base url).
FEEDS: dict[str, tuple[str, str]] = {
    "bbeat": ("BroadbandBeat", "https://www.broadbandbeat.net/news/"),
    "signal": ("The Signal Desk", "https://thesignaldesk.com/"),
    "netpulse": ("NetPulse Forums", "https://forums.netpulse.org/t/"),
    "consumer": ("Consumer Corner", "https://consumercorner.blog/"),
    "tecnored": ("TecnoRed", "https://www.tecnored.es/noticias/"),
    "foro_tecnored": ("Foro TecnoRed", "https://foro.tecnored.es/hilo/"),
    "consumidor": ("El Consumidor Digital", "https://www.elconsumidordigital.es/"),
    "filtelecom": ("Le Fil Télécom", "https://www.lefiltelecom.fr/actu/"),
    "forumop": ("Forum Opérateurs Mobiles", "https://forum.operateurs-mobiles.fr/sujet/"),
    "emploi_fr": ("Emploi Actu", "https://www.emploi-actu.fr/"),
    "acmemkts": ("ACME Markets Newsroom", "https://newsroom.acmemarkets-fresh.com/"),
    "builder": ("Texas Builder News", "https://www.texasbuildernews.com/"),
    "jobstream": ("JobStream Alerts", "https://jobstream.io/alerts/"),
    "toon": ("Toon Archive", "https://toonarchive.net/"),
}

# --------------------------------------------------------------------------------------------
# Standalone X posts: (lang, text). Random author from X_POOL, random daytime-weighted time.
# --------------------------------------------------------------------------------------------
X_POSTS: list[tuple[str, str]] = [
    # English complaints
    ("en", "been on hold with acme for 47 minutes and the hold music is a 12 second loop. i'm losing my mind"),
    ("en", "@acmehelp why does my bill say $89.99 when I signed up for the $60 plan?? nobody mentioned a 'network access fee'"),
    ("en", "Acme app crashes every single time I tap 'Pay bill'. iPhone 15, latest iOS. So if I pay late that's on you 🙃"),
    ("en", "Ordered a new phone from Acme on the 2nd. Tracking has said 'label created' for 9 days. #acme"),
    ("en", "my acme internet drops every night around 11pm like clockwork. is there a curfew i don't know about 😂"),
    ("en", "Just got a $214 roaming charge from @acmehelp for a 3 day trip to Toronto. I had the travel pass turned ON. Screenshots ready."),
    ("en", "Day 3 of waiting for the Acme SIM they promised 'next business day'"),
    ("en", "Acme support chat: 'I understand your frustration' x6. Problems solved: 0"),
    ("en", "Cancelling Acme tomorrow. 4 years as a customer and they couldn't fix a billing error in 2 months. @acmehelp you had your chances"),
    ("en", "anyone else's acme app logging them out literally every time you close it? I do the 2FA text dance like 5 times a day"),
    ("en", "the acme tech was supposed to come between 8 and 12. it is 3:40. no call, no text. took the day off work for this"),
    ("en", "@acmehelp I returned the modem 5 weeks ago, have the UPS receipt, and you just charged me a $150 unreturned equipment fee. Fix it."),
    ("en", "Was promised a $10/month loyalty discount on the phone. 3 bills later, no discount. The call was recorded, right @acmehelp?"),
    ("en", "acme customer service transferred me 4 times and the last person hung up on me. genuinely impressive"),
    ("en", "Speeds I pay Acme for: 500 Mbps. Speeds I get at 8pm: 23 Mbps. cool cool cool"),
    ("en", "Seriously considering a complaint to the @FCC. Acme did 'scheduled maintenance' 3 nights this week with zero notice."),
    ("en", "Hey @acmehelp my refund was 'approved' on Oct 28. Still nothing. What does approved mean to you guys"),
    ("en", "The Acme router they sent me smells like burning when it's been on for a few hours. Unplugged it. Not risking a fire for wifi"),
    ("en", "no signal inside my own apartment with acme. I live in downtown Denver, not the wilderness"),
    ("en", "acme billing: charge you twice, refund you once, then add a late fee for the difference. 10/10 business model"),
    ("en", "Wifi calling on Acme hasn't worked since the last update. Can't make calls from my basement office. 3 tickets open."),
    ("en", "Reminder that Acme will take your money online in 30 seconds but you have to CALL and wait 90 minutes to cancel"),
    ("en", "acme 'unlimited' data slows to dial-up speeds after 35GB lmao what a scam"),
    ("en", "My mom (78) got switched to a pricier Acme plan without consent after a 'courtesy call'. @acmehelp this is not ok"),
    ("en", "@acmehelp you shipped my new phone to my OLD address even though I updated it in the app. Tracking says delivered. To a stranger."),
    ("en", "ACME PLEASE fix the app, face id login just spins forever"),
    ("en", "Acme customer for 9 years. Price went up 3 times this year. Switching to literally anyone else."),
    ("en", "when the acme store guy says 'it's a known issue' but nobody knows when it'll be fixed"),
    ("en", "Got a letter from Acme collections for an account I closed in 2024. I have the closure confirmation. Talking to my lawyer this week."),
    ("en", "acme fiber install rescheduled for the third time. third. time."),
    ("en", "The new acme app design is so confusing. Where did the data usage screen go??"),
    ("en", "i love paying $75/month for internet that needs a reboot every morning #acme"),
    ("en", "How do you reach an actual human at Acme? The bot keeps sending me an FAQ about paperless billing"),
    ("en", "@acmehelp roaming in Mexico: no data at all, 'SOS only' for 2 days. My daughter couldn't reach me."),
    ("en", "My neighbor's Acme router literally caught fire last night. Fire department came. It's the XR-500, same one I have. @acmehelp what are you doing about this?"),
    ("en", "Third week in a row my Acme broadband drops out during working hours. Ofcom, are you reading this? Because Acme clearly isn't."),
    ("en", "acme charged me $35 to 'activate' a SIM I activated myself in the app. make it make sense"),
    ("en", "waited 2 hours in the acme store for them to tell me they can't do a SIM swap without 'the system' which is down"),
    ("en", "my acme bill is in spanish now??? no entiendo nada lol. I never changed the language"),
    ("en", "Acme's idea of customer loyalty: new customers get the $40 plan, I get a price increase"),
    # English praise
    ("en", "Shoutout to Marcus at the Acme store on 5th Ave, ported my number in 10 mins and didn't try to upsell me once"),
    ("en", "Ok I'll admit it, Acme fiber is fast. 940 down on a wired connection 🔥"),
    ("en", "@acmehelp thank you for sorting the double charge so fast, refund showed up the next day 🙏"),
    ("en", "acme's travel pass worked perfectly in Italy. no surprise charges. first time ever with a carrier"),
    ("en", "Credit where it's due: Acme tech showed up early, replaced the line outside, internet has been rock solid since."),
    ("en", "the acme app's new data usage widget is actually really nice"),
    ("en", "switched to acme 3 months ago and my bill is $40 lower. no complaints yet"),
    ("en", "Chat support at acme fixed my issue in like 6 minutes?? who are you and what have you done with acme"),
    ("en", "Acme sent me a replacement router overnight after the old one died. Genuinely impressed"),
    ("en", "5G from acme at the stadium tonight was better than the stadium wifi lol"),
    ("en", "Thanks @acmehelp for waiving the late fee, appreciated"),
    ("en", "The Acme agent Priya stayed on the phone for an hour setting up my grandpa's new phone. Give her a raise"),
    ("en", "acme eSIM setup took 2 minutes. love that"),
    ("en", "Acme kids plan + the parental controls in the app are honestly great for my 11 year old"),
    ("en", "just hit 2 years with zero issues on acme home internet. quietly the most reliable thing in my life"),
    ("en", "@acmehelp props to whoever runs this account, you actually answer"),
    ("en", "acme store in the mall replaced my cracked screen under the protection plan same day. didn't expect that"),
    ("en", "Moved house and Acme had my internet live at the new place the same afternoon. Smoothest move ever."),
    ("en", "Not gonna lie, the Acme rep talked me OUT of an upgrade I didn't need. Respect."),
    ("en", "acme signal on the hiking trail was full bars the whole way up. my friends on other carriers had nothing 🏔️"),
    ("en", "Gotta say the Acme bill is way easier to read since they redid it. Finally know what I'm paying for"),
    # English questions
    ("en", "does acme have any black friday deals on the iphone yet?"),
    ("en", "@acmehelp does the travel pass work in Japan?"),
    ("en", "Thinking of switching to Acme home internet. Anyone in Austin on it? How's the upload?"),
    ("en", "@acmehelp how do I add a line for my son without going to a store?"),
    ("en", "is the acme app down or is it just me? can't load my bill"),
    ("en", "Can you keep your number moving from Acme prepaid to postpaid? #acme"),
    ("en", "Does Acme still give the $5 autopay discount with a credit card or only debit?"),
    ("en", "@acmehelp what's the difference between Unlimited and Unlimited Plus besides the hotspot?"),
    ("en", "acme people: do you get signal in the subway? considering switching"),
    ("en", "what's acme's international calling rate to the Philippines? website is no help"),
    ("en", "@acmehelp is there a way to download past invoices as PDF? need them for taxes"),
    ("en", "does acme fiber work with my own router or do I have to rent theirs"),
    ("en", "@acmehelp if I upgrade my phone now does my promo credit carry over?"),
    ("en", "anyone know when acme's holiday trade-in deals start?"),
    ("en", "@acmehelp can I pause my home internet while I'm away for 2 months?"),
    ("en", "Is Acme 5G home internet any good for gaming? Ping matters more than speed for me"),
    # English noise (homonyms, jobs, spam)
    ("en", "Wile E. Coyote really said brand loyalty is ordering from ACME after the 400th failure 😭"),
    ("en", "rewatching road runner as an adult and realizing acme had the worst QA department in history"),
    ("en", "the new Looney Tunes short has the ACME rocket skates back and I'm so happy 🚀"),
    ("en", "That almond croissant was the acme of perfection. No notes."),
    ("en", "Acme Markets has chicken thighs for $1.49/lb this week if anyone in Philly needs it"),
    ("en", "the acme on Lancaster Ave finally fixed the self checkout. christmas came early"),
    ("en", "Acme is hiring! Customer Care Specialists (remote, US), $19/hr + benefits. Apply: acme.jobs/care #hiring #remotejobs"),
    ("en", "Acme is hiring! Customer Care Specialists (remote, US), $19/hr + benefits. Apply: acme.jobs/care #hiring #remotejobs"),
    ("en", "🚨 acme jobs alert: Field Technician II, Dallas TX. Full time, company van. Tap to apply 👉 jobs.acme.com/ft2"),
    ("en", "🔥 GET 10K REAL FOLLOWERS IN 24H 🔥 DM now #acme #iphone #giveaway #followback"),
    ("en", "FREE iPhone 17 giveaway from Acme!!! click the link and enter your card for shipping 👉 bit.ly/acm3-free"),
    ("en", "FREE iPhone 17 giveaway from Acme!!! click the link and enter your card for shipping 👉 bit.ly/acm3-free"),
    ("en", "💰 1000% gains this week 💰 join our VIP signals group now #acme #bitcoin #eth #crypto"),
    # Spanish complaints
    ("es", "Llevo 40 minutos esperando en la línea de atención de Acme y me acaban de colgar. Increíble 🤬"),
    ("es", "@acmehelp me habéis cobrado dos veces la factura de noviembre. ¿Quién me devuelve los 45€?"),
    ("es", "q alguien me explique xq acme me cobra 12€ de 'servicios premium' q nunca he pedido"),
    ("es", "la app de acme se cierra sola cada vez que intento ver mi consumo, un desastre"),
    ("es", "3 semanas esperando el router nuevo de Acme. 3 SEMANAS. #acme"),
    ("es", "el tecnico de acme no vino y ni aviso. perdi una mañana de trabajo para nada"),
    ("es", "Acme me ha subido la tarifa 5€ sin avisar. Me doy de baja, ya está, se acabó"),
    ("es", "pues nada, otra vez sin fibra. Acme sois lo peor"),
    ("es", "@acmehelp el roaming en Portugal no funciona, estoy sin datos desde ayer y tengo que trabajar"),
    ("es", "no puedo entrar a la app de acme, me sale 'error 503' desde hace dos dias"),
    ("es", "Atención al cliente de Acme: te pasan con 5 personas distintas y ninguna sabe nada. Vergüenza."),
    ("es", "ya puse la reclamación en consumo contra acme, a ver si así me devuelven el dinero @OCU_Consumidores"),
    ("es", "el router de acme olía a quemado y empezó a salir humo 😱 lo desenchufé de milagro. @acmehelp esto es muy grave"),
    ("es", "wey acme me sigue cobrando el plan que cancelé en septiembre, ya no sé a quién reclamar"),
    ("es", "Si mañana sigo sin señal en casa me cambio de compañía. Acme no cumple lo que promete"),
    ("es", "la velocidad de acme en hora punta es ridícula, 10 megas de 600 contratados"),
    ("es", "me mandaron la SIM a otra dirección y ahora dicen q tengo q pagar otra. no mames acme"),
    ("es", "El chat de Acme lleva 25 minutos con 'un agente se unirá en breve'. En breve dicen 🙃"),
    ("es", "pedí la portabilidad a acme hace 10 días y sigo con la otra compañía. q lentitud"),
    ("es", "Acme me cobró penalización por permanencia cuando por teléfono me aseguraron que no había. Voy a poner una denuncia."),
    ("es", "Le he pasado todo a mi abogado. Acme me dio de alta una línea que nunca pedí y ahora me reclaman 300€. Esto es fraude."),
    ("es", "Literal el customer service de Acme me dijo 'le devolvemos la llamada en 24h' y nunca. Nunca."),
    ("es", "xq la factura de acme viene con 8 conceptos distintos si yo solo tengo fibra y un móvil?? 🤔"),
    ("es", "el repartidor de acme dejó el móvil nuevo 'en conserjería'. no tengo conserjería. 🙃"),
    ("es", "Tres técnicos distintos y la fibra de Acme sigue cortándose cada tarde. Ya no sé qué más hacer"),
    ("es", "@acmehelp me llegó la factura con 30€ de llamadas a un número de tarificación especial que jamás he marcado"),
    # Spanish praise
    ("es", "La verdad es que la fibra de Acme va de lujo, cero cortes en 6 meses 👌"),
    ("es", "Gracias @acmehelp por resolverlo tan rápido, ya tengo internet otra vez 🙌"),
    ("es", "me atendió una chica en la tienda de acme súper maja, me resolvió todo en 10 min"),
    ("es", "la nueva app de acme está mucho mejor, por fin se entiende la factura"),
    ("es", "Acme me devolvió el cargo duplicado sin tener que insistir. Sorprendida para bien"),
    ("es", "el roaming de acme en Francia perfecto, ni me enteré de que estaba fuera"),
    ("es", "buenísimo el servicio de acme, el técnico vino a la hora y súper amable"),
    ("es", "Me cambié a Acme y pago la mitad. Recomendado 💯"),
    ("es", "q rapido llego el movil nuevo de acme, pedido ayer y ya en casa 📦"),
    ("es", "acme la neta ha mejorado mucho la señal en mi colonia, ya no se corta"),
    ("es", "Tengo que reconocer que el chat de Acme hoy ha funcionado: 5 minutos y problema resuelto"),
    ("es", "mi abuela se maneja sola con la app de acme, eso dice mucho de lo fácil que es 😂"),
    ("es", "la fibra de acme en el pueblo, quién me lo iba a decir. 300 megas en mitad de la sierra 🏔️"),
    ("es", "Gracias al técnico de Acme que vino hoy, un crack. Me dejó el wifi funcionando en toda la casa 👏"),
    # Spanish questions
    ("es", "¿Alguien sabe si Acme tiene ofertas de Black Friday en fibra?"),
    ("es", "@acmehelp ¿cómo cambio el titular de la línea? No lo encuentro en la app"),
    ("es", "¿Acme tiene cobertura 5G en Valencia? Estoy pensando en cambiarme"),
    ("es", "pregunta: la eSIM de acme funciona con el apple watch?"),
    ("es", "¿Cuánto suele tardar Acme en hacer la portabilidad?"),
    ("es", "@acmehelp hola, ¿el bono de roaming incluye Reino Unido?"),
    ("es", "alguien con acme en monterrey? q tal la fibra?"),
    ("es", "¿Se puede tener la factura de Acme en catalán? Pregunto en serio"),
    ("es", "@acmehelp si me cambio de casa, ¿el traslado de la fibra tiene coste?"),
    ("es", "dudo entre acme y quedarme donde estoy. alguien q tenga acme en zaragoza?"),
    ("es", "¿Alguien sabe si con Acme se puede tener el fútbol sin contratar el paquete completo de tele?"),
    ("es", "oigan el plan unlimited de acme es realmente ilimitado o tiene letra chiquita?"),
    # Spanish noise
    ("es", "Viendo El Coyote y el Correcaminos con mi hijo. Todo lo compra en ACME y nunca le funciona nada jajaja"),
    ("es", "Acme busca agentes de atención al cliente bilingües en Madrid. Contrato indefinido. Envía tu CV #empleo #trabajo"),
    ("es", "💸 GANA 500€ AL DÍA DESDE CASA 💸 sin experiencia, escríbeme por DM #acme #dinero #trabajo"),
    # French complaints
    ("fr", "Ça fait 3 jours que ma box Acme redémarre toute seule toutes les heures. Je télétravaille moi 😤"),
    ("fr", "@acmehelp vous m'avez prélevé deux fois ce mois-ci, je veux mon remboursement svp"),
    ("fr", "slt, qqn a reussi a joindre le service client acme?? 1h d'attente et ils raccrochent"),
    ("fr", "L'appli Acme plante dès que j'ouvre l'onglet factures. Merci la mise à jour"),
    ("fr", "Colis Acme 'livré' selon le suivi, mais rien dans ma boîte aux lettres. Super."),
    ("fr", "jpp acme m'a facturé 60€ de hors forfait pour un week-end à Londres 🙃"),
    ("fr", "Technicien Acme jamais venu, aucun appel. Deuxième fois. Je résilie."),
    ("fr", "le débit acme le soir c'est une blague, 8 Mb/s sur une fibre"),
    ("fr", "Odeur de plastique fondu dans le salon... câble brûlé derrière la box Acme 😨 heureusement que j'étais là. @acmehelp c'est normal ??"),
    ("fr", "acme me réclame des frais de résiliation alors que je déménage là où ils ne couvrent pas. c'est légal ça ?"),
    ("fr", "Pas de réseau chez moi depuis 2 jours avec acme, on est en 2026 quand même"),
    ("fr", "service client acme = un robot qui comprend rien mdr"),
    ("fr", "acme c'est vraiment le worst customer service ever, genre 2h d'attente pour s'entendre dire de redémarrer la box"),
    ("fr", "3e facture avec une 'option sécurité' que j'ai jamais demandée. Acme vous abusez"),
    # French praise
    ("fr", "Franchement rien à dire sur la fibre Acme, stable et rapide 👍"),
    ("fr", "Merci @acmehelp pour le geste commercial, c'est apprécié"),
    ("fr", "conseiller acme au top aujourd'hui, problème réglé en 5 min mdr j'y croyais pas"),
    ("fr", "La nouvelle appli Acme est vraiment plus claire, bravo"),
    ("fr", "roaming acme en Espagne nickel, aucun souci"),
    ("fr", "livraison de la SIM en 24h, activation en 2 min. Acme je valide ✅"),
    ("fr", "tkt acme c'est bien, j'ai jamais eu de coupure en 2 ans"),
    ("fr", "Le technicien Acme est venu pile à l'heure et a tout rebranché proprement. Ça arrive rarement, je le signale"),
    # French questions
    ("fr", "Qqn sait si Acme fait des offres pour le Black Friday ?"),
    ("fr", "@acmehelp comment je récupère mon code RIO svp ?"),
    ("fr", "Acme c'est bien à Lyon pour la fibre ? Je déménage le mois prochain"),
    ("fr", "est-ce que l'esim acme marche sur un pixel 8 ?"),
    ("fr", "@acmehelp la 5G est dispo à Rennes ou pas encore ?"),
    ("fr", "c'est possible de changer d'offre acme sans réengagement ? qqn a testé ?"),
    # French noise
    ("fr", "Je regarde Bip Bip et Coyote avec mon neveu, le Coyote commande tout chez ACME et ça lui explose dessus à chaque fois mdr"),
    ("fr", "Acme recrute des conseillers clientèle à Lille, CDI 35h. Postulez ici 👉 #emploi #recrutement"),
    ("fr", "🔥 Gagnez un iPhone 17 ! Cliquez ici et entrez vos coordonnées bancaires pour la livraison #acme #concours"),
]

# --------------------------------------------------------------------------------------------
# Standalone Reddit submissions: (lang, subreddit, "title\n\nbody").
# --------------------------------------------------------------------------------------------
REDDIT_POSTS: list[tuple[str, str, str]] = [
    ("en", "acme", "New $3.99 'Network Enhancement Fee' on my Acme bill?\n\nShowed up this month with no email or notice. Chat says it applies to 'all postpaid accounts'. Anyone managed to get it removed, or is this just a stealth price hike?"),
    ("en", "acme", "Acme travel pass in Japan - worked great\n\nBack from 10 days in Tokyo and Osaka. Travel pass was $10/day, only charged on days I actually used data, speeds were fine for maps and IG. Posting because this sub is mostly complaints (understandably)."),
    ("en", "HomeNetworking", "Can I replace the Acme gateway with my own router?\n\nAcme fiber, 1 gig plan. Their gateway's wifi is mediocre and I'd rather run my own mesh. Does Acme let you bridge the ONT or do I need to keep their box in the chain?"),
    ("en", "acme", "How long does Acme take to port a number in?\n\nPorting from my old carrier, 26 hours and still 'in progress'. Normal? My old line still works so I'm not panicking yet."),
    ("en", "mildlyinfuriating", "Acme charged me a $2 'paper bill fee'... on the paper bill they mailed me after I signed up for paperless"),
    ("en", "acme", "Customer service actually good today?\n\nCalled about a roaming charge, got through in 4 minutes and the agent removed it without me arguing. Either I got lucky or something changed. Anyone else noticing shorter waits?"),
    ("en", "cordcutters", "Acme internet-only price after the promo ends?\n\nThe $50 promo lasts 12 months. Anyone know what it jumps to after? The website is weirdly vague about it."),
    ("en", "acme", "Acme 5G home internet: 3 month review\n\nRural-ish area, no cable. Speeds 180-350 down, 20-40 up, ping around 35ms. Two short outages in 3 months. Honestly a huge upgrade from DSL. Only complaint: the gateway placement matters a LOT."),
    ("es", "es", "¿Merece la pena Acme para fibra en Madrid?\n\nMe ofrecen 600Mb por 30€ al mes. ¿Qué tal la estabilidad y el servicio técnico? Vengo de otra compañía y estoy harto de cortes."),
    ("es", "mexico", "Acme me cobra un 'cargo por servicio de red' de 49 pesos que nunca me explicaron\n\n¿A alguien más le sale en el recibo? ¿Se puede quitar o es otra forma de subir el precio sin decirlo?"),
    ("fr", "conseiljuridique", "Résiliation Acme pour déménagement en zone non couverte\n\nJe déménage dans un village où Acme ne propose pas la fibre. Ils me réclament 50€ de frais de résiliation. Un déménagement en zone non couverte c'est un motif légitime normalement, non ?"),
    ("fr", "france", "PSA : l'appli Acme permet enfin de télécharger les factures en PDF\n\nAprès 2 ans à les demander par mail mdr. C'est dans Compte > Documents."),
]

# --------------------------------------------------------------------------------------------
# App reviews: (lang, rating, title, text). Includes polite 2-star reviews and a few angry
# 5-star mis-ratings.
# --------------------------------------------------------------------------------------------
APPSTORE_REVIEWS: list[tuple[str, int, str, str]] = [
    ("en", 1, "Logs me out constantly", "Every time I open the app I have to log in again and wait for the text code. Sometimes the code never comes. Please fix this."),
    ("en", 2, "Okay I guess", "The app is okay I guess, but it logs me out every day. Paying the bill works when it works."),
    ("en", 5, "Love it", "Easy to pay my bill and check my data. Face ID works great."),
    ("en", 5, "WORST COMPANY EVER", "charged me twice and the app won't let me dispute it. absolutely useless, cancelling as soon as my contract is up"),
    ("en", 4, "Much better after the update", "The redesign took some getting used to but it's faster now. Wish the usage graph showed daily numbers."),
    ("en", 3, "Fine but slow", "Does what it needs to. Takes forever to load the bill screen though."),
    ("en", 1, "Can't pay my bill", "Payment screen just shows a spinner. Had to call, and they charged me a $5 fee for paying over the phone. Ridiculous."),
    ("en", 2, "Not great", "Notifications are nice but half the time it says my account is unavailable. Please look into it, thanks."),
    ("en", 5, "Super convenient", "Added a line, ordered a phone and set up autopay all in the app. Took ten minutes."),
    ("en", 1, "Crashes on launch", "Since the last update it crashes right after the splash screen. iPhone 13 mini. Reinstalled twice."),
    ("en", 4, "Good app", "Does everything I need. Would be 5 stars if the chat didn't start with a bot every single time."),
    ("en", 3, "Meh", "Works. Too many upgrade promos pushed at me though."),
    ("en", 5, "unbelievable", "Third time this month the app has lost my saved card. I'm done. Switching carriers."),
    ("en", 2, "Please add dark mode", "Fine for paying, but no dark mode and it logs me out randomly. Would happily update my rating once fixed."),
    ("en", 1, "Support tab is useless", "Every help article ends with 'contact us' and the contact button opens the same help article. Circular."),
    ("en", 5, "Great for travel", "Turned on the travel pass from the airport gate in 30 seconds. Worked all week in Spain without a single issue."),
    ("en", 4, "Solid", "Clean and quick. The new widget is a nice touch."),
    ("es", 1, "No funciona", "No puedo iniciar sesión desde hace una semana, siempre da error. Fatal."),
    ("es", 5, "Muy buena", "Muy cómoda para ver el consumo y pagar. Todo claro."),
    ("es", 2, "Mejorable", "La app está bien pero me cierra la sesión cada día, es un poco pesado. Por lo demás correcta."),
    ("es", 4, "Bien", "Funciona bien, solo falta poder descargar las facturas antiguas."),
    ("es", 5, "Una estafa", "me cobran cosas q no contraté y desde la app no se puede reclamar nada. estafa total"),
    ("es", 1, "pésima", "se traba todo el tiempo y no carga el saldo. ya ni la abro"),
    ("es", 3, "Regular", "Para pagar sirve, pero el chat no sirve para nada y las notificaciones llegan tarde."),
    ("es", 2, "Le falta", "La app no está mal pero cada dos por tres me pide volver a entrar. Por favor arréglenlo, gracias."),
    ("fr", 1, "Inutilisable", "Déconnexion à chaque ouverture, code SMS qui n'arrive jamais. Inutilisable."),
    ("fr", 5, "Top", "Appli claire, paiement rapide, rien à redire."),
    ("fr", 2, "Bof", "L'appli est correcte mais elle plante quand je veux voir mes factures. Dommage."),
    ("fr", 4, "Pratique", "Pratique pour suivre sa conso. Il manquait un mode sombre, c'est enfin là."),
    ("fr", 3, "Moyen", "Ça fait le job mais c'est lent, et les notifs de facture arrivent après le prélèvement."),
]
GOOGLEPLAY_REVIEWS: list[tuple[str, int, str, str]] = [
    ("en", 1, "Logs out every day", "Have to log in every single day with a code texted to me. Tried clearing cache, reinstalling, nothing works."),
    ("en", 2, "It's okay", "The app is okay I guess, but it logs me out every day. Would be nice if it remembered me."),
    ("en", 2, "Slow and buggy", "Not terrible, but the bill page takes 20 seconds to load on my Pixel and the chat button does nothing. Hoping it gets better."),
    ("en", 3, "Does the job", "Pay bill, check data. That's all I use it for and it works. UI is cluttered with upgrade offers."),
    ("en", 4, "Pretty good", "Much improved over last year. Usage tracking is accurate. Would love a home screen widget."),
    ("en", 5, "Best carrier app I've used", "Everything is where you'd expect. Switching plans took two taps."),
    ("en", 5, "TERRIBLE", "On hold for 2 hours and the in-app chat disconnects every time. Worst customer service I've ever dealt with. Cancelling everything."),
    ("en", 1, "Can't add payment card", "Keeps saying 'card declined' for a card that works everywhere else. Had to pay in the store."),
    ("en", 5, "Easy eSIM", "Moved to eSIM from the app in a couple minutes. No store visit. Great."),
    ("en", 1, "Charged for a plan I didn't choose", "The app 'upgraded' my plan when I tapped a banner. No confirmation screen. Now I pay $20 more and support says it's my fault."),
    ("en", 4, "Good, minor bugs", "Works well on my S24. Sometimes data usage shows 0 GB for a day and then catches up."),
    ("en", 3, "Average", "Nothing special. Bill notifications sometimes arrive the day after it's due."),
    ("en", 2, "Needs work", "Polite request: please fix the login. Also the text is tiny on tablets. Otherwise it's fine."),
    ("en", 5, "Saved me a trip", "Reported an outage in the app and got a text when it was fixed. Small thing but appreciated."),
    ("en", 1, "Fake 'unlimited'", "App shows I used 40GB and now I'm throttled. Unlimited my foot."),
    ("en", 4, "Solid", "Simple and fast. Love the travel pass toggle."),
    ("en", 5, "Good app", "Works fine. Thanks."),
    ("en", 1, "Order stuck", "Ordered a phone through the app 2 weeks ago, status 'processing' forever. Nobody can tell me anything."),
    ("en", 5, "Fix your network", "No signal in half my town and you want me to rate the app? The network is garbage. Leaving when my contract ends."),
    ("en", 3, "Refund status?", "Would be nice to see refund status in the app. I have no idea if mine was processed."),
    ("es", 1, "Horrible", "No me deja iniciar sesión, siempre 'error desconocido'. Ya la desinstalé 3 veces."),
    ("es", 5, "Excelente", "Muy fácil de usar, pago mi recarga en segundos. Recomendada."),
    ("es", 2, "Está bien pero...", "La app está bien pero se me cierra la sesión cada día y hay q poner el código otra vez. Ojalá lo arreglen."),
    ("es", 4, "Buena", "Me gusta que se vea el consumo en tiempo real. Las facturas tardan en cargar."),
    ("es", 1, "Cobros raros", "Aparecen cargos que no reconozco y desde la app no hay forma de reclamar. Solo un chat con un bot."),
    ("es", 3, "Normal", "Cumple. A veces tarda mucho en abrir."),
    ("es", 4, "Mejoró mucho", "Con la última actualización ya no me saca de la sesión. Bien ahí."),
    ("es", 1, "No llega el SMS", "El código de verificación nunca llega, imposible entrar. Tuve que llamar."),
    ("es", 5, "Muy útil", "la uso para pagar y ver mis megas, todo bien 👍"),
    ("es", 1, "No sirve", "no carga nada desde la actualizacion, pantalla en blanco"),
    ("es", 5, "😡😡😡", "me cobraron la permanencia y ni la app ni el 'asistente' me explican nada. ladrones"),
    ("fr", 1, "Nul", "Impossible de me connecter depuis la mise à jour. Le code SMS n'arrive jamais."),
    ("fr", 5, "Très bien", "Appli simple et efficace, je suis ma conso facilement."),
    ("fr", 2, "Peut mieux faire", "L'appli est correcte mais elle me déconnecte tous les jours, c'est pénible. Merci de corriger."),
    ("fr", 4, "Bien", "Bonne appli, quelques lenteurs sur la partie factures."),
    ("fr", 3, "Bof", "Ça marche mais trop de pubs pour les offres."),
    ("fr", 1, "Plantage", "L'appli plante quand je veux télécharger ma facture en PDF. Galaxy A54."),
]

# --------------------------------------------------------------------------------------------
# RSS items: (lang, feed, headline, snippet, "MM-DD HH:MM" or None for a random time).
# --------------------------------------------------------------------------------------------
RSS_ITEMS: list[tuple[str, str, str, str, str | None]] = [
    ("en", "bbeat", "Acme to raise home internet prices by $5 a month in January", "Customers on legacy fiber and DSL plans will see the increase on bills issued after January 1, according to a notice Acme posted on its website. Promotional plans are unaffected until the promo ends.", None),
    ("en", "signal", "Hands-on: Acme's XR-500 gateway is fast, but it runs hot", "In our testing the XR-500 reached 71°C at the top vent after an hour of sustained load. Acme says the unit is within spec; several readers have sent us photos of discolored power ports.", None),
    ("en", "netpulse", "Acme fiber: packet loss every evening 7-11pm (Chicago, South Loop)", "MTR to 1.1.1.1 shows 8-15% loss at the second Acme hop every night. Support has sent a truck twice and both techs say the line is fine. Anyone else in 60605?", None),
    ("en", "bbeat", "Acme adds 212,000 phone lines in Q3, but churn ticks up", "Monthly postpaid churn rose to 1.04%, which executives attributed to price increases earlier in the year. Fiber net additions were flat.", None),
    ("en", "consumer", "How to get a bill credit after an internet outage (Acme and everyone else)", "Most providers won't credit you automatically for short outages. Here is the exact wording to use in chat, and when it is worth escalating.", None),
    ("en", "netpulse", "Acme XR-500 overheating - megathread", "Collecting reports of XR-500 gateways running hot, discolored barrel jacks and burning smells. Please include your firmware version and where the unit sits.", None),
    ("en", "signal", "Acme app 6.3 adds dark mode and (finally) fixes the logout loop", "The update rolled out on iOS and Android this week. Release notes mention 'improved session handling', which users say has stopped the daily forced logouts.", "11-15 16:02"),
    ("en", "bbeat", "Acme outage knocks out internet and mobile data in the US, Spain and France", "Service began failing shortly after 18:00 UTC on Friday and came back roughly three hours later. Acme blamed a faulty configuration change in its core network and promised automatic bill credits.", "11-21 07:12"),
    ("en", "acmemkts", "ACME Markets reopens refreshed Cherry Hill store with expanded deli", "The renovated supermarket adds a prepared-foods counter, a larger bakery and 20 extra parking spaces.", None),
    ("en", "builder", "Acme Brick to expand production at its North Texas plant", "The brick maker said the expansion will add 60 jobs and raise output by 15% by late 2027.", None),
    ("en", "jobstream", "Acme - Retail Sales Consultant - Phoenix, AZ", "Full-time. Base pay plus commission. Help customers choose phones, plans and home internet. Weekend availability required.", None),
    ("en", "toon", "The ACME catalog: ranking every Wile E. Coyote gadget from worst to slightly less worst", "From rocket skates to the giant rubber band, we revisit seven decades of the Road Runner's nemesis and his favorite mail-order company.", None),
    ("es", "tecnored", "Caída masiva de Acme: miles de clientes sin internet ni datos móviles el viernes por la noche", "La incidencia comenzó pasadas las 19:00 (hora peninsular) y afectó también a clientes de Estados Unidos y Francia. La compañía la atribuye a un cambio de configuración.", "11-21 08:34"),
    ("es", "consumidor", "La OCU recibe cientos de quejas por cobros de roaming de Acme fuera de la UE", "Los afectados denuncian que el bono activado desde la app no se aplicó y se les cobró la tarifa estándar, en algunos casos más de 200 euros.", None),
    ("es", "tecnored", "Acme subirá sus tarifas de fibra un 4% a partir de enero", "La operadora avisará por SMS y correo. Los clientes podrán darse de baja sin penalización durante el mes siguiente al aviso.", None),
    ("es", "foro_tecnored", "Acme fibra: cortes todas las noches en Sevilla", "Desde hace dos semanas se me cae la conexión cada noche entre las 23:00 y las 00:30. El técnico dice que la línea está bien. ¿Alguien más por Nervión?", None),
    ("fr", "filtelecom", "Panne géante chez Acme : des milliers d'abonnés privés d'internet vendredi soir", "La coupure, qui a touché la fibre et le réseau mobile, a duré près de trois heures. Acme évoque une erreur de configuration et promet un geste commercial.", "11-21 09:05"),
    ("fr", "filtelecom", "Frais de résiliation : l'UFC-Que Choisir met en demeure Acme", "L'association reproche à l'opérateur de facturer des frais aux abonnés qui déménagent dans des zones non couvertes par son réseau.", None),
    ("fr", "forumop", "Box Acme qui chauffe et odeur de brûlé, c'est normal ?", "Depuis la dernière mise à jour ma box Acme est brûlante au toucher et ce soir il y avait une odeur de brûlé. J'ai tout débranché. Quelqu'un a eu le même souci ?", None),
    ("fr", "emploi_fr", "Acme recrute 200 conseillers clientèle en France", "Les postes, en CDI, sont basés à Lille, Nantes et Marseille. Candidatures ouvertes jusqu'à fin décembre.", None),
]

# --------------------------------------------------------------------------------------------
# Hand-placed items and threads (fixed UTC times): repeat complainers, Reddit threads,
# X conversations with the brand, high-reach authors, and the aftermath of the outage.
# --------------------------------------------------------------------------------------------
SCHEDULED: list[Thread] = [
    # Repeat complainer 1: double charge -> small claims (X, en)
    Thread("x", "en", "@acmehelp you charged my card twice this month ($96.40 x2). Chat says refund in 7-10 days. Fine. Noted.", "dani_rkz", "11-08 19:22"),
    Thread("x", "en", "Day 3 of 'refund in 7-10 days' and Acme ALSO put a late fee on my account?? How am I late when you took double", "dani_rkz", "11-11 16:47"),
    Thread(
        "x", "en", "@acmehelp 3rd call today. 3rd different answer. One rep says refund sent, one says never requested, one says 'system error'. I'm keeping notes.", "dani_rkz", "11-15 21:05",
        replies=(
            (0, "acmehelp", 38, "en", "@dani_rkz Hi Dani, we're sorry for the back and forth. Please DM us your account number so one person can own this until it's solved. ^JR"),
            (1, "dani_rkz", 12, "en", "@acmehelp sent. 4th time I've given someone my account number but sure"),
        ),
    ),
    Thread("x", "en", "Filing in small claims against Acme this week. $192.80 + late fee + my time. Paper trail of 11 chats and calls. @FairDealWatch", "dani_rkz", "11-19 14:30"),
    # Repeat complainer 2: outages and speed -> FCC -> cancelling (X, en)
    Thread("x", "en", "acme fiber down again tonight. that's 4 times in 2 weeks. @acmehelp", "kev_on_fiber", "11-09 01:40"),
    Thread("x", "en", "Paying Acme for 1 gig. Evening speeds: 41 Mbps. Support: 'have you tried restarting'. Yes. 40 times.", "kev_on_fiber", "11-13 02:15"),
    Thread("x", "en", "Filed a complaint with the @FCC about Acme today. Outages every week, no credits, no explanation. Done asking nicely.", "kev_on_fiber", "11-17 00:50"),
    Thread("x", "en", "Officially cancelling Acme. Return appointment booked. Anyone in Columbus with a fiber provider that actually stays up, I'm all ears", "kev_on_fiber", "11-21 15:30"),
    # Repeat complainer 3: SIM never delivered -> me doy de baja (X, es)
    Thread("x", "es", "Pedí una SIM a @acmehelp el día 2 y todavía no ha llegado. ¿Alguien sabe cuánto suele tardar?", "marta_lpz88", "11-09 11:30"),
    Thread(
        "x", "es", "Ni SIM ni respuesta. En el seguimiento pone 'en reparto' desde hace 5 días. @acmehelp", "marta_lpz88", "11-12 10:15",
        replies=((0, "acmehelp", 52, "es", "@marta_lpz88 Hola Marta, sentimos la espera. Escríbenos por MD con tu número de pedido y lo revisamos con la empresa de transporte. ^AM"),),
    ),
    Thread("x", "es", "Acme dice que la SIM se 'perdió' y que tengo q pedir otra... y pagar el envío OTRA VEZ. Perdona??", "marta_lpz88", "11-16 12:40"),
    Thread("x", "es", "Me doy de baja de Acme antes de empezar siquiera. 17 días sin SIM. Reclamación puesta y aviso a @OCU_Consumidores. Vergüenza.", "marta_lpz88", "11-19 18:20"),
    # Repeat complainer 4: UK roaming charges -> avocat -> je résilie (X, fr)
    Thread("x", "fr", "Retour de Londres, 127€ de hors forfait chez Acme alors que le Royaume-Uni était censé être inclus ??? @acmehelp", "juju_paname", "11-10 08:55"),
    Thread("x", "fr", "Toujours rien. Le service client me dit que l'option Europe+ ne couvre plus le Royaume-Uni depuis octobre. Aucun mail, aucun SMS pour prévenir.", "juju_paname", "11-13 17:30"),
    Thread("x", "fr", "Troisième appel chez Acme, toujours pas de remboursement. Prochaine étape : mise en demeure, et mon avocat s'en occupe. @UFCQueChoisir ça vous intéresse ?", "juju_paname", "11-18 12:05"),
    Thread("x", "fr", "Bon. Je résilie Acme. 12 ans chez eux et voilà comment on est traités.", "juju_paname", "11-21 10:20"),
    # Repeat complainer 5: locked out of the app (X, es, Mexico)
    Thread("x", "es", "la app de acme no me deja entrar, dice q mi contraseña es incorrecta y la cambié hace 5 min 🙄", "carlos_mx_", "11-10 00:30"),
    Thread("x", "es", "sigo sin poder entrar a la app de acme. ahora dice 'cuenta bloqueada'. y para desbloquearla... hay q entrar a la app 🤡", "carlos_mx_", "11-14 02:05"),
    Thread("x", "es", "ya van 8 días sin acceso a mi cuenta de acme. fui a la tienda y me dijeron q es 'un problema del sistema'. ya ni me sorprende", "carlos_mx_", "11-18 01:40"),
    # Repeat complainer 6: duplicate charge on Reddit (root of a thread, then updates)
    Thread(
        "reddit", "en", "Acme charged me twice for November ($142 x2) and says the refund takes 'up to 2 billing cycles'. Is that normal?\n\nAutopay pulled $142.37 on the 1st and again on the 3rd. Called Acme, the rep confirmed it's a duplicate and said the refund would be 'processed within 1-2 billing cycles'. That's up to 60 days for money they admit they shouldn't have taken. Rent is due. Can I do anything faster?", "throwaway_acme_2291", "11-10 16:05", sub="personalfinance",
        replies=(
            (0, "calloway42", 35, "en", "Dispute the second charge with your bank. A duplicate charge the company itself admits is about as easy as disputes get."),
            (0, "Lukewarm_Takes_Only", 50, "en", "Careful with chargebacks against a carrier though, some suspend your account when you do one. Check their terms first."),
            (2, "calloway42", 20, "en", "True, but suspending service over a charge they admitted was an error would be a great thing to mention to the state AG."),
            (0, "moonpie_enjoyer", 95, "en", "Same thing happened to me with Acme in the spring. Got it back in 9 days after I used the billing dispute form on their site instead of calling. Calls seem to go nowhere."),
            (4, "throwaway_acme_2291", 30, "en", "Thanks, submitting the form now. Will update."),
        ),
    ),
    Thread("reddit", "en", "Update: 11 days later, still no refund for Acme's duplicate charge\n\nTwo calls, one written dispute, zero dollars. Today a rep told me there's 'no record' of my first call even though I have the confirmation email. Has anyone had luck escalating to executive customer relations? Is there an email address?", "throwaway_acme_2291", "11-14 20:40", sub="acme"),
    Thread(
        "reddit", "en", "Taking Acme to small claims over a $142 duplicate charge - worth it?\n\nThey've admitted in writing (twice) that it was a duplicate and still haven't refunded after 18 days. Filing fee in my county is $75, recoverable if I win. I have chat transcripts, the confirmation email and bank statements. Anything else I should bring?", "throwaway_acme_2291", "11-19 01:10", sub="legaladvice",
        replies=((0, "calloway42", 55, "en", "Bring everything printed, 3 copies. Companies like Acme often settle the week they get served. Send a demand letter first if you haven't, some courts like to see that."),),
    ),
    # Reddit thread: router safety
    Thread(
        "reddit", "en", "Acme XR-500 router smelled like burning plastic last night. Is this normal?\n\nGot the XR-500 when Acme upgraded us to fiber 2 months ago. Last night I smelled something like burning plastic in the living room. The router was too hot to hold and there's a brown mark on the plastic under the power port. Unplugged it and it's sitting on the tile floor now. Acme chat told me to 'make sure it has ventilation'. It was on an open shelf. Am I overreacting?", "kayakdad", "11-09 03:14", sub="HomeNetworking",
        replies=(
            (0, "sleepy_sysadmin", 22, "en", "Not overreacting. Brown discoloration around the barrel jack usually means a bad connection arcing or a failing power brick. Don't plug it back in. Take photos and ask for a replacement, not a 'troubleshooting session'."),
            (0, "Tremendous_Goose", 41, "en", "Mine did the exact same thing. There's a thread on the Acme community forum with like 30 people reporting hot XR-500s. Acme still says it's 'within spec'."),
            (2, "kayakdad", 15, "en", "30 people?? Do you have the link? If that's a pattern I'm reporting it to the CPSC."),
            (2, "NotAnISPEmployee", 60, "en", "Report it to the CPSC either way, that's what saferproducts.gov is for. And don't let them push you into paying for a 'premium' replacement."),
            (0, "PM_ME_YOUR_SPEEDTEST", 180, "en", "You can also use your own router and put the Acme ONT in bridge mode, you don't need their gateway for fiber in most markets."),
            (5, "kayakdad", 30, "en", "Good to know, thanks. Doing that and returning this thing."),
        ),
    ),
    # Reddit thread: app update fixed logout (praise / neutral)
    Thread(
        "reddit", "en", "PSA: app update 6.3 fixed the logout loop for me\n\nFor anyone who was getting logged out every time they closed the Acme app: updated this morning and it has remembered me all day. Also dark mode finally exists.", "Apprehensive-Owl7731", "11-16 14:30", sub="acme",
        replies=(
            (0, "Direct_Cherry2210", 45, "en", "Can confirm on Android. Stayed logged in after a restart, first time in months."),
            (0, "fiber_or_bust", 70, "en", "Still logging me out on iPad. Maybe the iPad version didn't get the fix?"),
            (2, "Apprehensive-Owl7731", 25, "en", "Possibly, I'm on iPhone. Try deleting and reinstalling, that's what I did first."),
            (0, "NotAnISPEmployee", 200, "en", "Dark mode is nice but can they please bring back the daily usage graph"),
        ),
    ),
    # Reddit thread: eSIM stuck
    Thread(
        "reddit", "en", "Acme eSIM stuck on 'Activating' for 3 days, any fix?\n\niPhone 14, moved my Acme number to eSIM through the app. Physical SIM stopped working immediately, eSIM still says Activating. No calls, no texts, no data for 3 days. Acme keeps saying 'wait 24-48h'. It's been 72.", "Lost_in_eSIM", "11-17 22:10", sub="techsupport",
        replies=(
            (0, "sleepy_sysadmin", 40, "en", "It's stuck on the carrier side. Ask them to reissue the eSIM profile (those exact words), front line agents usually know what that means."),
            (1, "Lost_in_eSIM", 600, "en", "That worked!! Asked for a reissue, got a QR code by email 20 minutes later and the phone is working. Thank you, stranger"),
            (0, "beepboop_it", 95, "en", "Same thing happened to me with Acme in August. Never converting to eSIM with them again."),
        ),
    ),
    # Reddit thread: SIM delivery in Mexico (es)
    Thread(
        "reddit", "es", "¿Alguien más con Acme? Llevo 3 semanas esperando mi chip\n\nContraté el plan en línea el 20 de octubre y me dijeron que el chip llegaba en 3 a 5 días hábiles. Ya van tres semanas, la guía de paquetería no se mueve y en el chat nada más me dicen que 'está en proceso'. ¿Les ha pasado? ¿Mejor voy a una tienda?", "tacos_al_pastor_mx", "11-11 01:30", sub="mexico",
        replies=(
            (0, "Ok_Cantaloupe_mx", 30, "es", "Ve a la tienda wey, a mí me pasó igual y en la tienda me dieron el chip en 10 minutos con el mismo número de orden"),
            (0, "la_gordis_del_norte", 55, "es", "A mi hermana le llegó después de un mes, cuando ya había cancelado jaja. La paquetería que usa Acme está fatal"),
            (1, "tacos_al_pastor_mx", 40, "es", "Gracias, mañana voy a la de Plaza Universidad a ver qué me dicen"),
            (3, "tacos_al_pastor_mx", 1200, "es", "Update: fui a la tienda y en 15 min ya tenía chip y línea activa. Lo de la paquetería ni me lo supieron explicar pero bueno"),
        ),
    ),
    # Reddit thread: roaming charge in Morocco (es)
    Thread(
        "reddit", "es", "Acme me ha cobrado 180€ de roaming en Marruecos, ¿puedo reclamar?\n\nEstuve 4 días en Tánger por trabajo. Sé que Marruecos no está en la UE, pero activé el bono de 10€ que ofrece la app y me llegó el SMS de confirmación. Ahora la factura trae 180€ de datos y en atención al cliente dicen que el bono 'no se aplicó'. Tengo capturas del SMS.", "madrileno_cansado", "11-15 10:20", sub="spain",
        replies=(
            (0, "pepito_grillo_", 35, "es", "Con el SMS de confirmación tienes todas las de ganar. Reclamación por escrito a Acme y si en un mes no te dan la razón, a la Oficina de Atención al Usuario de Telecomunicaciones."),
            (0, "Ok_Cantaloupe_es", 80, "es", "Me pasó algo parecido con Acme en Suiza. Al final me lo devolvieron todo pero tardaron dos meses y tuve que amenazar con ir a la OCU"),
            (1, "madrileno_cansado", 50, "es", "Gracias, no sabía lo de la oficina del Ministerio. Voy a ello. Y en cuanto me devuelvan el dinero me doy de baja."),
        ),
    ),
    # Reddit thread: asking about Acme in France (fr)
    Thread(
        "reddit", "fr", "Acme, vos retours ? Je pense changer d'opérateur\n\nJe suis à Nantes, fibre + 2 forfaits mobiles. Acme me propose 20€ de moins par mois que ce que je paye actuellement. Les avis en ligne sont très partagés. Ceux qui y sont, vous en pensez quoi ? Surtout le SAV.", "Baguette_Connectee", "11-13 19:45", sub="france",
        replies=(
            (0, "Flamby_du_93", 28, "fr", "Fibre nickel chez moi depuis 1 an, jamais de coupure. Par contre le SAV c'est une autre histoire, 45 min d'attente minimum."),
            (0, "Tartiflette_Life", 60, "fr", "Fuis. Box qui redémarre en boucle pendant 3 semaines, 4 techniciens, et ils m'ont quand même facturé le déplacement. J'ai résilié."),
            (2, "Frometon", 30, "fr", "Pareil pour la box, mais depuis la mise à jour du firmware en octobre c'est réglé chez moi. Ça dépend des secteurs je pense."),
            (0, "Cassoulet_Enjoyer", 240, "fr", "Côté mobile c'est bien, la 5G passe partout à Nantes. Pour 20€ de moins j'irais, tu peux toujours partir si ça va pas (sans engagement)."),
            (4, "Baguette_Connectee", 90, "fr", "Merci à tous, je tente le coup, je vous dirai."),
        ),
    ),
    # X conversation with the brand (en)
    Thread(
        "x", "en", "@acmehelp I've been without internet for 2 days. Ticket #48213377. Tech visit 'pending'. I work from home. What exactly am I paying for?", "big_mike_tx", "11-12 17:05",
        replies=(
            (0, "acmehelp", 18, "en", "@big_mike_tx Hi Mike, that's far too long to be offline and we're sorry. We've escalated your ticket and sent you a DM to confirm a visit window. ^JR"),
            (1, "big_mike_tx", 25, "en", "@acmehelp got the DM. tomorrow 8-12. we'll see."),
            (2, "big_mike_tx", 1500, "en", "tech came, replaced a corroded connector on the pole, everything works. thanks @acmehelp but 3 days offline shouldn't happen"),
        ),
    ),
    # X conversation with the brand (fr)
    Thread(
        "x", "fr", "@acmehelp ma ligne est coupée depuis ce matin alors que ma facture est payée ?? j'ai un entretien d'embauche par téléphone à 14h 😭", "manon_lyon", "11-14 09:12",
        replies=(
            (0, "acmehelp", 22, "fr", "@manon_lyon Bonjour Manon, toutes nos excuses. Pouvez-vous nous envoyer votre numéro de ligne en MP ? On regarde ça tout de suite. ^CL"),
            (1, "manon_lyon", 35, "fr", "@acmehelp c'est fait, merci de répondre vite au moins"),
            (2, "manon_lyon", 90, "fr", "Ligne rétablie, c'était une erreur de leur côté sur le prélèvement. Merci @acmehelp, entretien sauvé 🙏"),
        ),
    ),
    # Consumer-rights account collecting complaints (en)
    Thread(
        "x", "en", "We've had 60+ reports this month of Acme charging 'unreturned equipment' fees to customers who returned their modems WITH tracking. If this happened to you, reply or DM us. @FCC @acmehelp", "FairDealWatch", "11-16 15:00",
        replies=(
            (0, "nat_on_the_go", 40, "en", "@FairDealWatch yes! $150 charge, returned at a UPS store with a receipt. took 3 calls to reverse"),
            (0, "ohio_grandma", 75, "en", "@FairDealWatch this is happening to my dad right now. they say the tracking number 'isn't in their system'"),
            (0, "acmehelp", 120, "en", "@FairDealWatch Thanks for flagging. Anyone affected can DM us their return tracking number and we'll reverse the fee. ^TS"),
            (3, "grumpyoldnetadmin", 20, "en", "@acmehelp @FairDealWatch or you could fix the system that bills people for stuff they returned"),
        ),
    ),
    Thread("x", "en", "RT @FairDealWatch: We've had 60+ reports this month of Acme charging 'unreturned equipment' fees to customers who returned their modems WITH tracking.", "quietcartographer", "11-16 17:41"),
    # Just before and after the outage burst
    Thread("x", "en", "anyone's acme internet acting weird? pages loading super slow the last few minutes", "lucas_wren", "11-20 17:46"),
    Thread("x", "en", "acme internet is back. 3 hours. I want my money back for tonight", "tonyrigatoni", "11-20 21:12"),
    Thread("x", "en", "Service has been restored for customers affected by this evening's outage. We're very sorry for the disruption. Affected customers will get an automatic bill credit, details to follow.", "acmehelp", "11-20 21:25"),
    Thread("x", "es", "ya ha vuelto internet. 3 horitas de nada, Acme. Espero la compensación", "anita_bcn", "11-20 21:40"),
    Thread("x", "fr", "C'est revenu. 3h de coupure chez Acme, j'espère qu'il y aura un geste.", "sarah_k_fr", "11-20 22:05"),
    Thread("x", "en", "so are we getting credited for the acme outage or nah", "beccaaa_j", "11-20 22:31"),
    Thread("x", "es", "@acmehelp ¿cómo pido la compensación por la caída de ayer? En la app no veo nada", "irene_madrid", "11-21 11:48"),
    Thread("x", "fr", "Toujours aucune info sur un dédommagement après la panne d'hier soir #acme", "chloe_dsn", "11-21 12:20"),
    Thread("x", "fr", "Panne Acme d'hier soir : l'opérateur confirme une erreur de configuration sur le cœur de réseau, ~3h de coupure en France, Espagne et US. Un geste commercial est promis, montant pas encore communiqué.", "pierre_vasseur_tech", "11-21 10:02"),
    Thread("googleplay", "en", "Friday's outage wasn't the app's fault, but it showed zero info while everything was down. Please add a status banner for outages.", None, "11-21 14:05", title="Outage handling", rating=2),
    Thread(
        "x", "en", "Spent the morning talking to Acme about last night's outage. They say a faulty configuration push to core routers took down home internet and mobile data in the US, Spain and France for ~3h. 🧵", "swhitfield_tech", "11-21 13:10",
        replies=(
            (0, "swhitfield_tech", 4, "en", "Acme says affected customers get a 1-day bill credit by Dec 1, no need to call. If you were hit and don't see it on your next bill, I want to hear from you. DMs open."),
            (1, "jen_k_phd", 30, "en", "@swhitfield_tech 1 day of credit for a Friday night with no internet, no mobile data and no wifi calling. generous"),
            (0, "jmarsh_dev", 52, "en", "@swhitfield_tech any word on why their status page said 'all systems operational' the whole time?"),
        ),
    ),
]

# --------------------------------------------------------------------------------------------
# The outage burst, 2026-11-20 18:00-21:00 UTC. Items without "when" get a random time in the
# window (front-loaded); threads with replies have fixed times so replies stay in the window.
# --------------------------------------------------------------------------------------------
BURST: list[Thread] = [
    Thread("x", "en", "is acme down or is it just me"),
    Thread("x", "en", "is acme down or is it just me"),
    Thread("x", "en", "Acme internet down in Columbus. Router lights blinking orange. @acmehelp"),
    Thread("x", "en", "no signal on my acme phone AND the home internet is out. fun friday"),
    Thread("x", "en", "@acmehelp internet down, mobile data down, and your status page says everything is fine. which one is lying"),
    Thread("x", "en", "acme outage right in the middle of my kid's online exam. thanks a lot"),
    Thread("x", "en", "wow acme is completely down. no wifi, no LTE. had to walk to a coffee shop to tweet this"),
    Thread("x", "en", "Acme down in Phoenix too. Can't even call support because wifi calling is the only thing that works in my house 🙃"),
    Thread("x", "en", "My Acme internet has been down for an hour and the support line plays a message and hangs up. @acmehelp"),
    Thread("x", "en", "Restarted my router 6 times before realizing it's an Acme outage. Internet down across the whole neighborhood."),
    Thread("x", "en", "If acme is down all night I'm cancelling. I have a deadline. Not joking."),
    Thread("x", "en", "and there it goes. acme internet down AGAIN. @FCC I hope you're keeping count", "kev_on_fiber", "11-20 18:14"),
    Thread("x", "en", "Getting a lot of reports of a major Acme outage, home internet and mobile data, across several US cities plus Spain and France. Nothing from Acme publicly yet. If you're affected, where are you?", "swhitfield_tech", "11-20 18:52"),
    Thread("x", "en", "We're aware of a service issue affecting internet and mobile data for some customers. Our engineers are working on it and we'll post updates here. We're sorry for the disruption.", "acmehelp", "11-20 19:05"),
    Thread("x", "es", "sin internet y sin datos con acme, alguien más?? 😡"),
    Thread("x", "es", "Acme caído en Madrid. Ni fibra ni móvil. Viernes por la noche, perfecto"),
    Thread("x", "es", "el internet de acme está down otra vez, what a joke 🙄"),
    Thread("x", "es", "@acmehelp llevo una hora sin internet y el teléfono de atención dice que hay 'alta demanda'. No me digas"),
    Thread("x", "es", "q pasa con acme?? no tengo señal ni en casa ni en la calle"),
    Thread("x", "es", "Sin internet en Barcelona. Acme, si esto dura mucho me doy de baja, que tengo el partido a las 21h"),
    Thread("x", "es", "se cayó acme en todo méxico o nomás en mi casa? no tengo internet desde hace rato"),
    Thread("x", "es", "Ya van dos horas sin internet. @acmehelp al menos decid algo"),
    Thread(
        "x", "es", "Estoy en directo y de repente SIN INTERNET 😭😭 @acmehelp qué pasa?? se me ha caído el stream delante de 40 mil personas", "soylunamarquez", "11-20 18:26",
        replies=(
            (0, "sofi_torres", 3, "es", "@soylunamarquez a mí igual Luna, en Sevilla todo caído"),
            (0, "elnachooo", 6, "es", "@soylunamarquez acme caído en toda España creo"),
            (0, "acmehelp", 31, "es", "@soylunamarquez Hola Luna, estamos trabajando en una incidencia que afecta a internet y datos móviles. Te mantenemos informada, disculpa las molestias. ^AM"),
        ),
    ),
    Thread("x", "fr", "Panne Acme ?? Plus d'internet ni de 4G depuis 19h"),
    Thread("x", "fr", "coupure totale chez acme à Paris, même le réseau mobile a sauté 🙃"),
    Thread("x", "fr", "Acme en panne, pas de réseau, pas de wifi. Vendredi soir parfait pour lire un livre j'imagine"),
    Thread("x", "fr", "@acmehelp panne générale ou c'est juste moi ? Box éteinte, téléphone sans réseau"),
    Thread("x", "fr", "slt qqn a internet chez acme a lyon? moi coupure depuis 1h jpp"),
    Thread("x", "fr", "Ça fait 2h que je suis sans internet. Acme, un petit message sur X ce serait la moindre des choses."),
    Thread(
        "reddit", "en", "Is Acme down right now? Internet AND mobile data out\n\nHome fiber dropped about 10 minutes ago, phone shows 5G but nothing loads. East coast here. Anyone else?", "fiber_or_bust", "11-20 18:11", sub="acme",
        replies=(
            (0, "Direct_Cherry2210", 3, "en", "Same in Ohio. Router says connected, no internet."),
            (0, "calloway42", 5, "en", "Out in Denver too. Looks nationwide."),
            (0, "beepboop_it", 9, "en", "My partner in Madrid is also without internet on Acme, so it's not just the US"),
            (3, "Tremendous_Goose", 6, "en", "Multi-country?? Bet someone pushed a bad config."),
            (0, "moonpie_enjoyer", 22, "en", "Support line is just a recording saying they're aware of an issue. Better than nothing I guess."),
            (0, "Lukewarm_Takes_Only", 48, "en", "Still down in Philly. Almost an hour now."),
            (0, "NotAnISPEmployee", 95, "en", "Down 2 hours in Seattle. If you rely on wifi calling, your phone may not reach 911 right now. Use a neighbor's phone or another carrier if you need to."),
            (0, "fiber_or_bust", 165, "en", "Back up for me as of a minute ago. Speedtest looks normal."),
        ),
    ),
    Thread(
        "reddit", "fr", "Panne Acme en ce moment ?\n\nPlus d'internet ni de réseau mobile depuis une demi-heure à Toulouse. Le service client ne répond pas. C'est chez tout le monde ?", "Frometon", "11-20 18:40", sub="AskFrance",
        replies=(
            (0, "Flamby_du_93", 7, "fr", "Pareil en région parisienne, coupure totale box + mobile."),
            (0, "Tartiflette_Life", 25, "fr", "Annecy aussi. Panne nationale apparemment, et même en Espagne d'après X."),
        ),
    ),
    Thread(
        "reddit", "es", "¿Acme caído? Llevo una hora sin internet en Valencia\n\nNi fibra ni datos móviles. El teléfono de atención al cliente comunica. ¿A alguien más le pasa?", "Ok_Cantaloupe_es", "11-20 19:02", sub="es",
        replies=((0, "pepito_grillo_", 12, "es", "En Zaragoza igual, sin internet desde las 19:00 hora peninsular"),),
    ),
    Thread("appstore", "en", "Internet down, no signal, and the app won't even load to tell me what's going on. Great.", title="Nothing works", rating=1),
    Thread("appstore", "es", "Sin internet desde hace una hora y la app no carga. ¿Para qué sirve entonces?", title="Sin servicio", rating=1),
    Thread("googleplay", "en", "The whole network is down and the app just says 'Something went wrong'. An outage banner would be nice.", title="Outage and app useless", rating=1),
    Thread("googleplay", "fr", "Coupure internet + mobile ce soir, et l'appli ne donne aucune info. Zéro.", title="Panne", rating=1),
    Thread("googleplay", "es", "Sin internet en pleno viernes por la noche y nadie da explicaciones. Vergüenza", title="Fatal", rating=5),
]


# fmt: on


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------
def parse_when(when: str) -> datetime:
    """Turn "MM-DD HH:MM" into an aware UTC datetime in 2026."""
    day_part, time_part = when.split()
    month, day = (int(p) for p in day_part.split("-"))
    hour, minute = (int(p) for p in time_part.split(":"))
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def in_burst(moment: datetime) -> bool:
    """True when the moment falls in the outage window."""
    return BURST_START <= moment < BURST_END


def random_time(rng: random.Random, lang: str) -> datetime:
    """A daytime-weighted moment in [START, END) outside the burst window."""
    while True:
        offset = rng.choice(UTC_OFFSETS[lang])
        local_hour = rng.choices(range(24), weights=LOCAL_HOUR_WEIGHTS)[0]
        local = datetime(2026, 11, 7, tzinfo=UTC) + timedelta(
            days=rng.randrange(16),
            hours=local_hour,
            minutes=rng.randrange(60),
            seconds=rng.randrange(60),
        )
        moment = local - timedelta(hours=offset)
        if START <= moment < END and not in_burst(moment):
            return moment


def burst_time(rng: random.Random) -> datetime:
    """A moment in the burst window, front-loaded like a real outage spike."""
    minutes = rng.triangular(1.0, 178.0, 40.0)
    return BURST_START + timedelta(minutes=minutes, seconds=rng.randrange(60))


POOLS: dict[str, dict[str, list[str]]] = {
    "x": X_POOL,
    "reddit": REDDIT_POOL,
    "appstore": APPSTORE_NAMES,
    "googleplay": GOOGLEPLAY_NAMES,
}


def fixed_author_counts() -> dict[str, int]:
    """How often each hand-placed author already posts (so pools spread around them)."""
    counts: dict[str, int] = {}
    for thread in (*SCHEDULED, *BURST):
        for author in (thread.author, *(reply[1] for reply in thread.replies)):
            if author is not None:
                counts[author] = counts.get(author, 0) + 1
    return counts


def pick_author(rng: random.Random, usage: dict[str, int], source: str, lang: str) -> str:
    """One of the least-used authors of the pool, so ordinary accounts post once or twice."""
    pool = POOLS[source][lang]
    fewest = min(usage.get(name, 0) for name in pool)
    author = rng.choice([name for name in pool if usage.get(name, 0) == fewest])
    usage[author] = usage.get(author, 0) + 1
    return author


def expand(rng: random.Random, usage: dict[str, int], thread: Thread, *, burst: bool) -> list[Item]:
    """Turn one Thread into its root Item and reply Items, with times."""
    if thread.when is not None:
        root_time = parse_when(thread.when) + timedelta(seconds=rng.randrange(60))
    elif burst:
        root_time = burst_time(rng)
    else:
        root_time = random_time(rng, thread.lang)
    author = thread.author or pick_author(rng, usage, thread.source, thread.lang)
    root = Item(
        source=thread.source,
        lang=thread.lang,
        text=thread.text,
        created_at=root_time,
        author=author,
        sub=thread.sub,
        title=thread.title,
        rating=thread.rating,
    )
    items = [root]
    for parent_index, reply_author, minutes, lang, text in thread.replies:
        parent = items[parent_index]
        moment = parent.created_at + timedelta(minutes=minutes, seconds=rng.randrange(60))
        items.append(
            Item(
                source=thread.source,
                lang=lang,
                text=text,
                created_at=moment,
                author=reply_author,
                sub=thread.sub,
                parent=parent,
            )
        )
    return items


def build_items(rng: random.Random) -> list[Item]:
    """All items with authors and times, sorted by created_at."""
    items: list[Item] = []
    usage = fixed_author_counts()
    for lang, text in X_POSTS:
        author = pick_author(rng, usage, "x", lang)
        items.append(Item("x", lang, text, random_time(rng, lang), author))
    for lang, sub, text in REDDIT_POSTS:
        author = pick_author(rng, usage, "reddit", lang)
        items.append(Item("reddit", lang, text, random_time(rng, lang), author, sub=sub))
    for source, reviews in (("appstore", APPSTORE_REVIEWS), ("googleplay", GOOGLEPLAY_REVIEWS)):
        for lang, rating, title, text in reviews:
            author = pick_author(rng, usage, source, lang)
            moment = random_time(rng, lang)
            items.append(Item(source, lang, text, moment, author, title=title, rating=rating))
    for lang, feed, headline, snippet, when in RSS_ITEMS:
        moment = parse_when(when) if when else random_time(rng, lang)
        items.append(Item("rss", lang, f"{headline}\n\n{snippet}", moment, None, feed=feed))
    for thread in SCHEDULED:
        items.extend(expand(rng, usage, thread, burst=False))
    for thread in BURST:
        burst_items = expand(rng, usage, thread, burst=True)
        if not all(in_burst(item.created_at) for item in burst_items):
            raise ValueError(f"burst item outside the window: {thread.text[:40]!r}")
        items.extend(burst_items)
    for item in items:
        if not START <= item.created_at < END:
            raise ValueError(f"item outside the sample period: {item.text[:40]!r}")
        if item.parent is not None:
            item.parent.direct_replies += 1
            ancestor: Item | None = item.parent
            while ancestor is not None:
                ancestor.descendants += 1
                ancestor = ancestor.parent
    items.sort(key=lambda item: item.created_at)
    return items


def slugify(text: str, limit: int = 60) -> str:
    """ASCII url slug from the first line of a text."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.splitlines()[0]).encode("ascii", "ignore").decode()
    )
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split()
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit:
            break
        slug = f"{slug}_{word}" if slug else word
    return slug


def root_of(item: Item) -> Item:
    """The submission at the top of a reply chain."""
    while item.parent is not None:
        item = item.parent
    return item


def assign_ids(rng: random.Random, items: list[Item]) -> None:
    """Give every item a realistic, per-source unique external id and url (in time order)."""
    seen: set[tuple[str, str]] = set()
    submission_seq = int("1h2k9a0", 36)
    comment_seq = int("m3x0a00", 36)
    for item in items:
        while True:
            if item.source == "x":
                millis = int(item.created_at.timestamp() * 1000) + rng.randrange(1000)
                item.external_id = str(((millis - TWITTER_EPOCH_MS) << 22) | rng.getrandbits(22))
                item.url = f"https://x.com/{item.author}/status/{item.external_id}"
            elif item.source == "reddit":
                if item.parent is None:
                    submission_seq += rng.randint(300, 4000)
                    item.external_id = f"t3_{to_base36(submission_seq)}"
                else:
                    comment_seq += rng.randint(2000, 90000)
                    item.external_id = f"t1_{to_base36(comment_seq)}"
                root = root_of(item)
                base = f"https://www.reddit.com/r/{item.sub}/comments/{root.external_id[3:]}/{slugify(root.text)}/"
                item.url = base if item.parent is None else f"{base}{item.external_id[3:]}/"
            elif item.source == "appstore":
                item.external_id = str(rng.randrange(10_000_000_000, 12_000_000_000))
                country = rng.choice(APPSTORE_COUNTRIES[item.lang])
                item.url = f"https://apps.apple.com/{country}/app/{APPSTORE_APP}?see-all=reviews&reviewId={item.external_id}"
            elif item.source == "googleplay":
                item.external_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                item.url = f"https://play.google.com/store/apps/details?id={PLAY_PACKAGE}&reviewId={item.external_id}"
            else:
                assert item.feed is not None
                base = FEEDS[item.feed][1]
                item.url = (
                    f"{base}{item.created_at:%Y/%m/%d}/{slugify(item.text).replace('_', '-')}"
                )
                item.external_id = item.url
            if (item.source, item.external_id) not in seen:
                seen.add((item.source, item.external_id))
                break


def to_base36(number: int) -> str:
    """Lower-case base 36, as Reddit ids are written."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def metrics_for(rng: random.Random, item: Item, followers: int | None) -> dict[str, int] | None:
    """Engagement numbers consistent with the author's reach and the replies in the file."""
    if item.source == "x":
        reach = followers if followers is not None else 150
        if item.author == BRAND_HANDLE:
            likes = rng.randint(0, 4) if item.parent else rng.randint(40, 400)
        elif reach >= 50_000:
            likes = rng.randint(reach // 500, reach // 80)
        else:
            likes = int(rng.random() ** 3 * (reach / 40 + 6))
        extra = int(rng.random() ** 2 * (120 if reach >= 50_000 else 3))
        return {
            "likes": likes,
            "reposts": int(likes * rng.uniform(0.02, 0.35)),
            "replies": item.direct_replies + extra,
        }
    if item.source == "reddit":
        if item.parent is None:
            score = int(2 ** rng.uniform(0, 8.5))
            return {"score": score, "num_comments": item.descendants + int(rng.random() ** 2 * 40)}
        return {"score": 0 if rng.random() < 0.05 else int(2 ** rng.uniform(0, 6))}
    return None


def to_record(rng: random.Random, item: Item) -> dict[str, Any]:
    """The JSON object written for one item (optional keys only when they apply)."""
    record: dict[str, Any] = {
        "source": item.source,
        "external_id": item.external_id,
        "text": item.text,
        "created_at": item.created_at.isoformat(),
        "url": item.url,
    }
    followers: int | None = None
    if item.source in ("x", "reddit"):
        assert item.author is not None
        name, followers = ACCOUNTS[item.author]
        record["author"] = item.author
        if name is not None:
            record["author_name"] = name
        record["author_followers"] = followers
    elif item.source == "rss":
        assert item.feed is not None
        record["author_name"] = FEEDS[item.feed][0]
    else:
        record["author"] = item.author
    if rng.random() < LANG_FIELD_SHARE:
        record["lang"] = item.lang
    if item.rating is not None:
        record["rating"] = item.rating
    if item.title is not None:
        record["title"] = item.title
    if item.parent is not None:
        record["in_reply_to"] = item.parent.external_id
    metrics = metrics_for(rng, item, followers)
    if metrics is not None:
        record["metrics"] = metrics
    return record


def main() -> None:
    """Build the sample and write it as UTF-8 JSON Lines."""
    rng = random.Random(SEED)
    items = build_items(rng)
    assign_ids(rng, items)
    lines = [json.dumps(to_record(rng, item), ensure_ascii=False) for item in items]
    OUT_PATH.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} mentions to {OUT_PATH}")


if __name__ == "__main__":
    main()
