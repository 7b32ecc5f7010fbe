"""French pack: hand-built lexicon on VADER's scale for contact-center posts (FR, BE, CH, QC)."""

from __future__ import annotations

from monitor.scoring.packs import LanguagePack, parse_lexicon, words_of

# One lemma per line: valence, then its forms (gender, number, common verb forms).
# Anchors from VADER: good 1.9, great 3.1, love 3.2, thanks 1.9, bad -2.5, horrible -2.5,
# worst -3.1, scam -2.7, fraud -2.8, shit -2.6, useless -1.8, rude -2.0, problem -1.7.
LEXICON = parse_lexicon("""
# --- praise, quality ---
3.1 génial géniale géniaux géniales
3.1 excellent excellente excellents excellentes excellemment
2.7 parfait parfaite parfaits parfaites parfaitement perfection
2.5 super
2.3 top
2.7 nickel
2.8 formidable formidables
3.0 merveilleux merveilleuse merveilleuses merveille merveilles
2.8 fantastique fantastiques
2.8 extraordinaire extraordinaires
2.7 magnifique magnifiques
2.6 impeccable impeccables
2.6 exceptionnel exceptionnelle exceptionnels exceptionnelles
2.3 remarquable remarquables
2.0 impressionnant impressionnante impressionnants impressionnantes
0.8 incroyable incroyables
2.6 génialissime
1.9 bon bonne bons bonnes
1.6 bien
2.0 meilleur meilleure meilleurs meilleures
1.5 mieux
1.5 amélioré améliorée améliorés amélioration
2.0 agréable agréables
1.5 correct correcte corrects correctes correctement
1.0 acceptable acceptables
1.2 ok okay oki
1.5 convenable décent décente
1.7 fiable fiables fiabilité
2.5 bravo
2.6 félicitations félicite féliciter
1.5 chapeau
# --- people and service ---
2.2 aimable aimables amabilité
2.2 gentil gentille gentils gentilles gentillesse
1.8 sympa sympas sympathique sympathiques
1.5 poli polie polis polies politesse courtois courtoise courtoisie
1.4 patient patiente patients patientes
1.9 professionnel professionnelle professionnels professionnelles professionnalisme
1.9 compétent compétente compétents compétentes compétence
2.0 efficace efficaces efficacité
1.8 rapide rapides rapidement rapidité
1.8 réactif réactive réactifs réactives réactivité
1.8 utile utiles
1.6 serviable serviables
1.8 ponctuel ponctuelle ponctuels
1.5 facile faciles facilement
1.3 simple simples simplement
1.3 pratique pratiques
1.2 clair claire clairs claires clairement
1.0 fonctionne fonctionnent fonctionnel fonctionnelle
0.9 marche marchent
1.8 résolu résolue résolus résolues
1.6 réglé réglée réglés réglées
1.5 réparé réparée réparés
1.3 remboursé remboursée remboursés
1.7 aidée
0.8 livré livrée livrés
1.4 stable stables
1.2 gratuit gratuite gratuits gratuites
0.8 sérieux sérieuse
1.2 rassuré rassurée rassurant rassurante
1.8 soulagé soulagée soulagement
# --- thanks, feelings, recommendation ---
1.9 merci
2.0 remercie remercions remercier remerciements
2.7 heureux heureuse heureuses bonheur
2.3 content contente contents contentes
1.8 satisfait satisfaite satisfaits satisfaites satisfaction
2.5 ravi ravie ravis ravies
3.2 adore adorons adorent adorer adoré adorée
2.0 aime aimons aiment aimer aimé aimée
1.5 plaît plait plaisent
1.6 recommande recommandons recommander recommandé recommandée recommandable
2.0 plaisir
2.8 joie
1.3 espoir
# --- slang praise ---
2.7 génialement
2.5 kiffe kiffer kiffé kiffant
1.8 stylé stylée
1.3 cool
1.8 chouette chouettes
0.8 classe
1.8 lol
1.8 mdr
2.0 ptdr
1.5 haha
1.0 ouf
# --- more praise ---
2.8 superbe superbes
2.5 épatant épatante
2.3 enchanté enchantée enchantés
2.2 chaleureux chaleureuse chaleureusement
2.0 attentionné attentionnée attentionnés
1.8 accueillant accueillante accueillants
2.0 agréablement
2.0 dévoué dévouée dévoués
2.0 bienveillant bienveillante bienveillance
1.8 compréhensif compréhensive compréhension
1.5 arrangeant arrangeante
1.5 soigné soignée soignés
1.8 performant performante performants
1.3 fluide fluides
1.5 intuitif intuitive intuitifs
2.0 idéal idéale idéaux
1.2 abordable abordables
1.5 avantageux avantageuse avantageuses
1.5 cadeau cadeaux
1.5 drôle drôles
1.5 heureusement
# --- more complaints ---
-2.0 inutilisable inutilisables
-1.2 déconnexion déconnexions déconnecte déconnectent déconnecté
-0.5 moyen moyenne
-1.5 raccroche raccrochent raccroché raccrocher
-1.5 brûlé brûlée
-2.0 dangereux dangereuse
-1.0 résilie résilier résiliation
-0.5 signalé signalée
-1.8 pénible pénibles
-1.2 faux fausse fausses
-1.2 erroné erronée erronés
-2.5 affreux affreuse affreusement
-2.7 atroce atroces
-2.8 exécrable exécrables abominable abominables
-1.8 inefficace inefficaces
-2.0 incapable incapables
-1.8 inexistant inexistante inexistants
-2.5 odieux odieuse odieuses
-2.2 insultant insultante insulte insultes
-1.5 vexé vexée
-1.8 choqué choquée choquant choquante
-2.2 outré outrée outrés
-2.3 écœuré écœurée écœurant dégoût
-2.0 agressif agressive agressifs agressivité
-1.8 hautain hautaine
-0.3 désolé désolée désolés
-1.8 saoulant soûlant gonflant
-1.5 gavé gavée
-1.8 pété pétée
-2.0 foireux foireuse
-1.8 bidon
-2.6 pitoyable pitoyables
-1.8 risible
-2.5 malhonnête malhonnêtes malhonnêteté
-2.3 mensonger mensongère mensongers
-2.2 trompeur trompeuse trompeurs
-1.8 piège pièges piégé piégée
-1.5 incompréhensible incompréhensibles
-1.3 inquiétude inquiétudes
-2.0 angoisse angoissé angoissée
-1.5 stress stressé stressée stressant stressante
-2.4 intolérable intolérables
-2.2 aberrant aberrante aberrantes
-1.5 malheureusement
-2.5 cauchemar cauchemars
-2.4 enfer
# --- quality complaints ---
-2.5 mauvais mauvaise mauvaises
-2.0 mal
-2.3 pire pires
-2.5 horrible horribles horriblement
-1.8 terrible terribles
-2.5 nul nulle nuls nulles
-2.6 nullité nullissime
-2.2 naze nazes
-2.5 pourri pourrie pourris pourries
-1.8 galère galères galérer galèrent
-1.7 relou relous
-2.0 chiant chiante chiants chiantes
-2.2 décevant décevante décevants décevantes
-2.1 déçu déçue déçus déçues déception déceptions
-2.8 catastrophe catastrophes catastrophique catastrophiques
-2.8 désastre désastreux désastreuse désastreuses
-2.7 lamentable lamentables
-2.7 pathétique pathétiques
-2.5 minable minables
-2.3 déplorable déplorables
-1.8 médiocre médiocres médiocrité
-0.8 bof
-1.8 inutile inutiles
-1.8 ridicule ridicules
-2.5 honte honteux honteuse honteuses
-2.6 scandale scandales scandaleux scandaleuse scandaleuses
-2.5 inadmissible inadmissibles inacceptable inacceptables
-2.4 insupportable insupportables
-1.8 injuste injustes injustice
-1.8 interminable interminables
-1.0 compliqué compliquée compliqués compliquées
-1.2 difficile difficiles
-1.2 dommage
-2.0 désagréable désagréables
-1.0 lourd lourde
# --- service failures ---
-1.7 problème problèmes problématique
-1.2 souci soucis
-1.5 erreur erreurs
-2.0 panne pannes
-2.1 cassé cassée cassés cassées
-1.6 bug bugs bugue buguent bugué buggé beug beugue
-1.8 plantage plantages
-1.5 plante plantent planté plantée
-1.3 coupure coupures coupé coupée coupent
-2.0 défectueux défectueuse défectueuses défaut défauts
-1.8 endommagé endommagée endommagés abîmé abîmée abîmés
-1.3 perdu perdue perdus perdues
-1.3 bloqué bloquée bloqués bloquées
-1.7 lent lente lents lentes lenteur lenteurs
-1.5 retard retards retardé retardée
-0.6 attente
-2.0 injoignable injoignables
-0.8 annulé annulée
-0.8 cher chère chers chères
-1.2 plainte plaintes réclamation réclamations
-1.3 inquiet inquiète inquiets inquiétant inquiétante
-2.1 incompétent incompétente incompétents incompétentes incompétence
-1.5 amateur amateurs amateurisme
-2.0 abusé abusif abusive abusifs abus
-2.0 irresponsable irresponsables
-1.5 fatigué fatiguée fatigant fatigante
-1.8 épuisant épuisante épuisé épuisée
-2.0 énervé énervée énervés énervant énervante
-1.7 agacé agacée agaçant agaçante
-2.2 marre
-2.3 colère
-2.7 furieux furieuse
-2.4 révoltant révoltante révolté révoltée
-2.1 triste tristes tristesse
-2.7 déteste détestent détester détesté
-2.5 horreur
-2.5 dégoûté dégoûtée dégoûtant dégoûtante dégueulasse dégueu
-1.8 craint
# --- rudeness ---
-2.0 impoli impolie impolis impolies
-2.0 grossier grossière grossiers grossières
-2.2 méprisant méprisante méprisants mépris
-2.0 irrespectueux irrespectueuse
-2.0 arrogant arrogante arrogants arrogance
-1.8 désobligeant désobligeante
-1.0 sec sèche
# --- fraud, theft, lies ---
-2.7 arnaque arnaques arnaqué arnaquée arnaqués arnaquer arnaqueur arnaqueurs arnaqueuse
-2.8 escroc escrocs escroquerie escroqueries escroqué escroquée
-2.8 fraude fraudes frauduleux frauduleuse
-2.4 voleur voleurs voleuse voleuses
-2.0 volé volée volés volent
-2.3 menteur menteurs menteuse menteuses mensonge mensonges mentir mentent
-2.0 trompé trompée tromperie
-2.2 racket racketté
-2.5 foutage
-1.5 moque moquent moquer
# --- insults, vulgar ---
-2.6 merde merdes
-2.7 merdique merdiques
-2.3 débile débiles stupide stupides crétin crétins idiot idiote idiots
-2.3 con conne cons connes connerie conneries
-2.8 connard connards connasse enfoiré enfoirés salaud salauds
-2.0 putain ptn
-1.8 bordel
-2.8 wtf
-2.0 fail
-0.8 jpp
# --- complaints: failures, regret, exasperation ---
-2.3 cata
-2.2 camelote
-2.0 déconseille déconseillé déconseillée déconseillons déconseiller
-1.8 regrette regrettons regretter regretté
-2.1 frustrant frustrante frustrants frustré frustrée frustrés frustration
-1.8 saoule soûle saoulent
-2.0 énerve énervent
-2.5 fuyez
-1.8 empiré
-1.8 dégradé dégradée dégradation
-1.5 usant usante
-1.8 bâclé bâclée
-1.0 incomplet incomplète
-1.3 inadapté inadaptée
# --- praise and relief ---
1.8 appréciable appréciables apprécie apprécié appréciée apprécions
1.5 remarche remarchent refonctionne
2.5 impec
2.3 bluffant bluffante
""")

IDIOMS: dict[str, float] = {
    "à chier": -2.8,
    "de la merde": -2.8,
    "de merde": -2.8,
    "foutage de gueule": -2.8,
    "se fout de": -2.3,
    "se foutent de": -2.3,
    "pour des cons": -2.5,
    "en avoir marre": -2.2,
    "ras le bol": -2.3,
    "laisse à désirer": -2.0,
    "n'importe quoi": -1.8,
    "en panne": -2.2,
    "pas terrible": -1.5,
    "pas top": -1.5,
    "pas fou": -1.0,
    "pas sérieux": -1.8,
    "pas mal": 1.2,
    "pas mal du tout": 2.0,
    "pas de souci": 1.0,
    "pas de soucis": 1.0,
    "pas de problème": 1.0,
    "ne marche pas": -2.0,
    "ne marche plus": -2.2,
    "ne marche toujours pas": -2.3,
    "ne fonctionne pas": -2.0,
    "ne fonctionne plus": -2.2,
    "ne fonctionne toujours pas": -2.3,
    "marche pas": -2.0,
    "marche plus": -2.2,
    "marche toujours pas": -2.3,
    "marchent pas": -2.0,
    "fonctionne pas": -2.0,
    "fonctionne plus": -2.2,
    "fonctionne toujours pas": -2.3,
    "fonctionnent pas": -2.0,
    "répond pas": -1.8,
    "répondent pas": -1.8,
    "répond jamais": -2.1,
    "répondent jamais": -2.1,
    "arrive pas": -1.5,
    "arrive jamais": -1.8,
    "ne marchent pas": -2.0,
    "ne fonctionnent pas": -2.0,
    "ne répond pas": -1.8,
    "ne répondent pas": -1.8,
    "ne répond jamais": -2.1,
    "ne répondent jamais": -2.1,
    "ne répond plus": -1.8,
    "personne ne répond": -2.0,
    "rien ne marche": -2.2,
    "rien ne fonctionne": -2.2,
    "aucune réponse": -2.0,
    "sans réponse": -1.8,
    "pas de réponse": -1.8,
    "toujours rien": -1.5,
    "pas de réseau": -1.8,
    "plus de réseau": -1.8,
    "pas de connexion": -1.8,
    "plus de connexion": -1.8,
    "pas d'internet": -2.0,
    "plus d'internet": -2.0,
    "sans internet": -2.0,
    "le pire": -3.1,
    "la pire": -3.1,
    "les pires": -3.1,
    "le meilleur": 3.2,
    "la meilleure": 3.2,
    "les meilleurs": 3.2,
    "les meilleures": 3.2,
    "au top": 2.8,
    "trop bien": 2.8,
    "trop cool": 2.5,
    "bien joué": 2.3,
    "bon marché": 1.2,
    "mal poli": -2.0,
    "ni fu ni fa": -0.5,
    "bof bof": -1.0,
    "sans plus": -0.5,
    "cher client": 0.0,
    "chère cliente": 0.0,
    "bon courage": 0.0,
    "d'accord": 0.0,
    "bonne journée": 0.0,
    "bonne soirée": 0.0,
    "bon bah": 0.0,
    "bon ben": 0.0,
    "tout de suite": 0.0,
    "tout de même": 0.0,
    "quand même": 0.0,
    "non seulement": 0.0,
    "pas seulement": 0.0,
    "sans doute": 0.0,
    "rien à voir": 0.0,
    "s'il vous plaît": 0.0,
    "s'il vous plait": 0.0,
    "s'il te plaît": 0.0,
    "s'il te plait": 0.0,
    "plus jamais": -1.8,
    "a aidé": 1.7,
    "ont aidé": 1.7,
    "pile à l'heure": 2.0,
    "à l'heure": 1.0,
    "peut mieux faire": -0.8,
    "moyen de paiement": 0.0,
    "moyens de paiement": 0.0,
    "au moyen de": 0.0,
    "prélevé deux fois": -2.0,
    "facturé deux fois": -2.0,
    "débité deux fois": -2.0,
    "double prélèvement": -2.0,
    "ne arrive pas": -1.5,
    "ne arrive jamais": -1.8,
    "jamais venu": -1.8,
    "pas venu": -1.5,
    "pas rappelé": -1.5,
    "jamais rappelé": -1.8,
    "rien ne bouge": -1.5,
    # Churn is flagged by monitor/urgency.py; the words themselves state no sentiment.
    "change d'opérateur": 0.0,
    "changer d'opérateur": 0.0,
    "geste commercial": 1.5,
    "par chance": 1.2,
    "merci pour rien": -2.0,
    "de rien": 0.0,
    "à bientôt": 0.0,
    "non merci": 0.0,
    "rien à dire": 1.5,
    "rien à redire": 1.8,
    "peu importe": 0.0,
    # --- failures told as events: it does not open, load, connect, answer ---
    "sert à rien": -2.0,
    "ne sert à rien": -2.0,
    "servent à rien": -2.0,
    "ne servent à rien": -2.0,
    "la cata": -2.5,
    "ça rame": -1.6,
    "qui rame": -1.5,
    "ne charge pas": -1.8,
    "charge pas": -1.8,
    "ne charge plus": -2.0,
    "charge plus": -2.0,
    "ne s'ouvre pas": -1.8,
    "s'ouvre pas": -1.8,
    "ne s'ouvre plus": -2.0,
    "s'ouvre plus": -2.0,
    "ne s'allume pas": -1.8,
    "ne s'allume plus": -2.0,
    "s'allume plus": -2.0,
    "ne se lance pas": -1.8,
    "ne se lance plus": -2.0,
    "ne se connecte pas": -1.8,
    "ne se connecte plus": -2.0,
    "se connecte pas": -1.8,
    "se connecte plus": -2.0,
    "ne s'affiche pas": -1.5,
    "s'affiche pas": -1.5,
    "ne marche jamais": -2.0,
    "marche jamais": -2.0,
    "ne fonctionne jamais": -2.0,
    "rien ne va": -2.0,
    # --- waiting, nobody answers ---
    "ne décroche pas": -1.8,
    "décroche pas": -1.8,
    "ne décroche jamais": -2.0,
    "décroche jamais": -2.0,
    "personne ne décroche": -2.0,
    "personne ne me répond": -2.0,
    "personne ne rappelle": -1.8,
    "personne ne sait": -1.5,
    "ne rappelle jamais": -1.8,
    "rappelle jamais": -1.8,
    "toujours pas": -1.0,
    "toujours en attente": -1.8,
    "en attente depuis": -1.6,
    "attends toujours": -1.6,
    "attend toujours": -1.6,
    "attendons toujours": -1.6,
    "attends depuis": -1.5,
    "attend depuis": -1.5,
    "attends encore": -1.2,
    "pas moyen": -1.5,
    "aucun moyen": -1.5,
    "tourne en rond": -1.8,
    "tourner en rond": -1.8,
    "se renvoient la balle": -1.8,
    # --- exasperation, mockery ---
    "pas normal": -1.8,
    "pas possible": -1.5,
    "pas à la hauteur": -2.0,
    "pas au niveau": -1.8,
    "ma claque": -2.2,
    "en peux plus": -2.0,
    "se moque de": -2.2,
    "se moquent de": -2.2,
    "se fiche de": -2.0,
    "se fichent de": -2.0,
    "pour des pigeons": -2.5,
    "pour des idiots": -2.5,
    "pour des imbéciles": -2.5,
    "vaches à lait": -2.3,
    "une blague": -1.5,
    "du vol": -2.4,
    "à fuir": -2.5,
    "fait avoir": -2.0,
    "faite avoir": -2.0,
    "perte de temps": -2.0,
    "mal foutu": -2.0,
    "mal fichu": -1.8,
    "de pire en pire": -2.5,
    "de mal en pis": -2.5,
    "en double": -1.0,
    "paiement en double": -2.0,
    "prélèvement en double": -2.0,
    "payé deux fois": -2.0,
    "sans prévenir": -1.5,
    "sans raison": -1.2,
    # Phrases, not the word: "impossible" alone is English as much as French.
    "impossible de": -1.5,
    "impossible d'avoir": -1.8,
    "est impossible": -1.5,
    # --- praise and relief ---
    "fonctionne à nouveau": 1.5,
    "marche à nouveau": 1.5,
    "belle attention": 2.0,
    "ça envoie": 2.0,
    "au poil": 2.3,
    "aux petits soins": 2.3,
    "merci d'avance": 1.5,
    "merci par avance": 1.5,
}

# "Ça fait 3 jours que …", "sans réseau depuis 2 semaines": numbers are not tokens.
_AMOUNTS = words_of("un une deux trois quatre cinq six huit dix quinze plusieurs des quelques")
_UNITS = words_of("heures jours semaines mois heure jour semaine")
for _lead, _valence in (("ça fait", -1.2), ("depuis", -1.0)):
    IDIOMS.update({f"{_lead} {unit}": _valence for unit in _UNITS})
    IDIOMS.update({f"{_lead} {n} {unit}": _valence for n in _AMOUNTS for unit in _UNITS})

#: Expected, so neutral when there and a complaint when missing: "sans réponse",
#: "aucune aide", "zéro suivi", "jamais reçu", "personne ne m'a rappelé".
ABSENT: dict[str, float] = {
    "réponse": -1.8,
    "réponses": -1.8,
    "répondu": -1.8,
    "aide": -1.8,
    "solution": -1.8,
    "solutions": -1.8,
    "nouvelle": -1.5,
    "nouvelles": -1.5,
    "informations": -1.3,
    "infos": -1.3,
    "explication": -1.5,
    "explications": -1.5,
    "suivi": -1.3,
    "retour": -1.3,
    "retours": -1.3,
    "interlocuteur": -1.5,
    "service": -1.5,
    "réseau": -1.8,
    "connexion": -1.8,
    "internet": -2.0,
    "ligne": -1.8,
    "signal": -1.8,
    "couverture": -1.8,
    "remboursement": -1.6,
    "reçu": -1.5,
    "reçue": -1.5,
    "reçus": -1.5,
    "arrivé": -1.5,
    "arrivée": -1.2,
    "venu": -1.5,
    "venue": -1.5,
    "rappelé": -1.5,
    "contacté": -1.2,
    "service client": -1.5,
    "service clients": -1.5,
    "service après vente": -1.5,
}

STOPWORDS = words_of("""
à a au aux avec chez contre dans de des du en entre envers hors jusque par parmi pendant
pour sans sauf selon sous sur vers via et ou où donc or car que qui quoi dont comme quand
lorsque puisque quoique si le la les un une ce cet cette ces mon ma mes ton ta tes son sa
ses notre nos votre vos leur leurs je tu il elle on nous vous ils elles me moi te toi se
soi lui eux y en ça cela ceci celui celle ceux celles rien tout tous toute toutes autre
autres même mêmes chaque quelque quelques plusieurs aucun certains certaines ici là voilà
voici alors aussi encore déjà toujours jamais souvent parfois maintenant aujourd'hui hier
demain bientôt depuis avant après ensuite puis enfin bref ainsi non oui ouais si est suis
es sommes êtes sont été être était étaient serait sera ai as avons avez ont eu avoir avait
avaient aurait aura fait faire fais font faut fallait peut peux pouvez pouvons pourrait
veux veut voulez voudrais dois doit devez devrait dit dire dis disent vais va allez vont
aller sais sait savez voir vois vu vient venir viens mets mis met prend prendre pris donne
donner donné appelle appeler appelé appel appels attends attendre attendu attend depuis
bonjour bonsoir salut coucou allô sérieusement aides aidés madame monsieur mesdames
messieurs client clients cliente
clientes services conseiller conseillère conseillers agent agents opérateur
opératrice sav box livebox freebox bbox fibre adsl wifi
téléphone portable mobile forfait abonnement contrat offre facture factures facturation
prélèvement paiement commande commandes colis livraison livreur produit
article prix compte appli application site web page mail email courriel message messages
chat numéro code mot passe identifiant boutique magasin technicien intervention rendez-vous
ticket dossier jour jours heure heures minute minutes semaine semaines mois an ans année
fois chose choses truc gens personne personnes euros euro argent répondre répond
répondent svp stp quelqu'un rendez-vous quel quelle quels quelles
nouveau nouvel nouveaux interface équipe version mise jour mises
aider changer modifier activer activation installer installation
envoyer envoyé recevoir reçois payer payé prélevé appeler rappeler rappel joindre
contacter écrire écris écrit demande demandé demander besoin savoir chaque
premier première dernier dernière un deux trois quatre cinq six dix vingt cent fin début
matin soir nuit midi semaine week-end lundi mardi mercredi jeudi vendredi samedi dimanche
ouverture fermeture état niveau mot compte espace carte banque virement chèque
disponible disponibles disponibilité frais pense penser crois emploi souscrire abonné abonnée
déménage déménagement
travail travaille surpris surprise pub match voyage pass
téléphoné attendre toujours passé passer état cas
comment pourquoi combien lequel laquelle
""")

# "zéro" quantifies like "aucun": "zéro réponse", "zéro souci" (a bare "0" too).
NEGATORS = words_of(
    "pas jamais rien aucun aucune sans ni non guère nullement nulle_part peu pas_du_tout "
    "zéro personne_ne"
)
BOOSTERS = words_of("""
très trop vraiment tellement hyper ultra méga grave complètement totalement absolument
extrêmement particulièrement franchement carrément vachement drôlement terriblement
énormément sacrément beaucoup profondément hautement incroyablement réellement archi
tout_à_fait plus du_tout sans_aucun_doute
""")
DAMPENERS = words_of("""
un_peu assez plutôt presque à_peine moyennement légèrement quelque_peu un_brin
relativement moins un_poil
""")
CONTRAST = words_of("mais cependant pourtant toutefois par_contre en_revanche néanmoins sauf_que")
CONCESSIVE = words_of("même_si bien_que quoique malgré malgré_que")

#: Clitics and auxiliaries between a negator and its word: "je ne m'y attendais pas".
TRANSPARENT = words_of(
    "ne me te se y en lui leur a ai as avons avez ont est sont été était étaient"
)

#: Unknown words → known ones (accent-folded): "-issime" intensifies ("rapidissime"); adverbs,
#: feminines and plurals do not ("lentement", "énervée", "bugs").
SUFFIXES: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("issimes", ("es", "e", ""), True),
    ("issime", ("e", ""), True),
    ("euses", ("eux",), False),
    ("euse", ("eux",), False),
    ("ives", ("if",), False),
    ("ive", ("if",), False),
    ("elles", ("el",), False),
    ("elle", ("el",), False),
    ("ennes", ("en",), False),
    ("enne", ("en",), False),
    ("aux", ("al",), False),
    ("ement", ("e", ""), False),
    ("ment", ("",), False),
    ("ees", ("e",), False),
    ("ee", ("e",), False),
    ("es", ("e", ""), False),
    ("e", ("",), False),
    ("s", ("",), False),
    ("x", ("",), False),
)

SPELLINGS: dict[str, str] = {
    "c": "ce est",
    "g": "je ai",
    "jsp": "je sais pas",
    "jsuis": "je suis",
    "chui": "je suis",
    "chuis": "je suis",
    "tkt": "ne te inquiète pas",
    "slt": "salut",
    "bjr": "bonjour",
    "bsr": "bonsoir",
    "svp": "se il vous plaît",
    "stp": "se il te plaît",
    "bcp": "beaucoup",
    "pr": "pour",
    "ds": "dans",
    "vrmt": "vraiment",
    "vrm": "vraiment",
    "tjrs": "toujours",
    "tjs": "toujours",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pcq": "parce que",
    "psk": "parce que",
    "qd": "quand",
    "qqn": "quelqu'un",
    "qqch": "quelque chose",
    "mm": "même",
    "msg": "message",
    "rdv": "rendez-vous",
    "dsl": "désolé",
    "tt": "tout",
    "ts": "tous",
    "koi": "quoi",
    "ki": "qui",
    "ke": "que",
    "k": "que",
    "ct": "ce était",
    "ya": "il y a",
    "nn": "non",
    "jtm": "je te aime",
    "mtn": "maintenant",
    "auj": "aujourd'hui",
    "cb": "combien",
    "cmt": "comment",
    "dac": "de accord",
    "jamé": "jamais",
    "tro": "trop",
    "bi1": "bien",
    "xd": "haha",
}

PACK = LanguagePack(
    code="fr",
    lexicon=LEXICON,
    negators=NEGATORS,
    boosters=BOOSTERS,
    dampeners=DAMPENERS,
    contrast=CONTRAST,
    concessive=CONCESSIVE,
    idioms=IDIOMS,
    stopwords=STOPWORDS,
    spellings=SPELLINGS,
    # Same reasoning as Spanish: a hand-built lexicon and accent folding ("marché"/"marche")
    # make a single faint hit weak evidence, so one word under |0.4| stays neutral.
    neutral_band=0.10,
    weak_negators=words_of("ne"),
    closers=words_of("plus personne"),
    elisions={
        "l": "le",
        "j": "je",
        "n": "ne",
        "c": "ce",
        "d": "de",
        "m": "me",
        "t": "te",
        "s": "se",
        "qu": "que",
        "jusqu": "jusque",
        "lorsqu": "lorsque",
        "puisqu": "puisque",
        "quoiqu": "quoique",
    },
    discourse_markers=words_of("bon bien bref enfin"),
    transparent=TRANSPARENT,
    absent=ABSENT,
    suffixes=SUFFIXES,
    earlier=words_of("avant auparavant autrefois au_début"),
    later=words_of("maintenant désormais actuellement aujourd'hui"),
    courtesies=words_of("merci remercie merci_d'avance merci_par_avance"),
    interrogative=(
        "comment|quand|où|pourquoi|combien|quel|quelle|quels|quelles|lequel|laquelle"
        "|lesquels|lesquelles|est-ce|qu'est-ce|quelqu'un"
        r"|(?!rendez-vous)[^\W\d_]+(?:-t)?-(?:vous|tu|il|elle|on|ils|elles|je|nous)"
    ),
    question_openers=words_of("qui que quoi"),
    markers=words_of("""
    merci bonjour bonsoir salut nul nulle génial très est les des pas je suis c'est avec
    pour dans mais toujours jamais rien vous votre mon être fait après déçu arnaque
    jpp mdr ptdr tkt slt bcp vrmt svp stp oui ouais franchement vraiment
    """),
)
