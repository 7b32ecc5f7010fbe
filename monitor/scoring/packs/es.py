"""Spanish pack: hand-built lexicon on VADER's scale for contact-center posts (Spain and LatAm)."""

from __future__ import annotations

from monitor.scoring.packs import LanguagePack, parse_lexicon, words_of

# One lemma per line: valence, then its forms (gender, number, common verb forms).
# Anchors from VADER: good 1.9, great 3.1, love 3.2, thanks 1.9, bad -2.5, horrible -2.5,
# worst -3.1, scam -2.7, fraud -2.8, shit -2.6, useless -1.8, rude -2.0, problem -1.7.
LEXICON = parse_lexicon("""
# --- praise, quality ---
3.1 excelente excelentes excelentemente
3.1 genial geniales genialidad
3.1 fantástico fantástica fantásticos fantásticas
3.0 maravilloso maravillosa maravillosos maravillosas
2.7 maravilla maravillas
3.0 magnífico magnífica magníficos magníficas
2.8 estupendo estupenda estupendos estupendas
2.8 espectacular espectaculares
2.8 buenísimo buenísima buenísimos buenísimas
2.7 perfecto perfecta perfectos perfectas perfectamente perfección
2.6 impecable impecables
2.5 fenomenal fenomenales
2.5 extraordinario extraordinaria extraordinarios extraordinarias
2.3 ideal ideales
1.9 bueno buena buenos buenas
1.7 buen
1.6 bien
1.9 mejor mejores
1.5 mejoró mejorado mejorada mejorados mejoras mejoría
0.8 increíble increíbles
2.0 impresionante impresionantes
1.8 bonito bonita bonitos bonitas
1.8 lindo linda lindos lindas
2.4 precioso preciosa preciosos preciosas
2.0 agradable agradables
1.5 correcto correcta correctos correctas correctamente
1.0 aceptable aceptables
1.2 ok okay okey oki
1.5 decente decentes
2.3 éxito exitoso exitosa
1.7 fiable fiables confiable confiables confianza
# --- people and service ---
2.2 amable amables amabilidad
2.0 simpático simpática simpáticos simpáticas
2.0 atento atenta atentos atentas
2.1 cordial cordiales
2.0 educado educada educados educadas
1.8 paciente pacientes
1.7 profesional profesionales profesionalidad profesionalismo
1.8 eficiente eficientes eficiencia eficaz eficaces eficacia
1.9 resolutivo resolutiva resolutivos resolutivas
1.8 competente competentes
1.8 útil útiles utilidad
1.8 rápido rápida rápidos rápidas rápidamente rapidez rapidísimo
1.8 puntual puntuales puntualidad
1.5 fácil fáciles fácilmente
1.4 sencillo sencilla sencillos sencillas
1.4 cómodo cómoda cómodos cómodas comodidad
1.4 práctico práctica prácticos prácticas
1.2 claridad
1.2 funciona funcionan funcionó funcionaron funcionando funcional funcionado
1.8 solucionado solucionada solucionados solucionadas solucionaron solucionó
1.8 resuelto resuelta resueltos resueltas resolvieron resolvió
1.5 arreglado arreglada arreglados arregladas arreglaron arregló
1.7 ayudó ayudado ayudada ayudaste
1.5 ayudan ayudaron ayudarme
1.3 barato barata baratos baratas económico económica
1.6 gratis gratuito gratuita
2.0 puntualmente
1.4 tranquilo tranquila tranquilos tranquilas tranquilidad
1.4 limpio limpia limpios limpias
1.4 estable estables
# --- thanks, feelings, recommendation ---
1.9 gracias
1.8 agradecido agradecida agradecidos agradecidas agradezco agradecemos agradecer agradecimiento
2.3 felicidades felicitaciones enhorabuena felicito felicitar
2.5 bravo
2.7 feliz felices felicidad
2.3 contento contenta contentos contentas
1.8 satisfecho satisfecha satisfechos satisfechas satisfacción
2.5 encantado encantada encantados encantadas
3.2 encanta encantan encantó encantaron encantador encantadora
3.2 amo amamos adoro
2.0 gusta gustan gustó gustaron gusto
2.8 alegría alegre alegres
1.6 recomiendo recomendable recomendables recomendado recomendada recomendados recomendar
1.8 aliviado aliviada alivio
1.5 tranquiliza
1.3 esperanza
# --- slang praise ---
2.2 guay guays
2.5 chido chida chidos chidas
2.5 chévere chéveres bacano bacana bacanos
2.3 crack cracks
2.6 flipante flipantes
1.9 mola molan molaba
1.9 majo maja majos majas
2.3 top
1.5 pro
1.8 lol
1.5 haha
2.2 tqm
1.3 cool
# --- more ---
0.8 cumple cumplen cumplieron
-0.8 mejorable mejorables
-1.3 cansancio
-1.2 desconecta desconectan desconexión desconexiones desconectado
-1.2 corta cortan
-2.0 peligroso peligrosa peligrosos
-1.8 denuncia denuncias denunciar
-1.5 quemado quemada
-0.8 reportado reportada
1.5 afortunadamente
1.0 suerte
0.5 ojalá
-2.5 pesadilla pesadillas
-2.5 horror horrores
-3.0 infierno
-2.5 tortura
-2.4 atraco
-1.5 lamentablemente desgraciadamente
-1.0 irrisorio irrisoria
# --- quality complaints ---
-2.5 malo mala malos malas
-2.0 mal
-2.1 peor peores
-3.1 pésimo pésima pésimos pésimas pésimamente
-2.5 horrible horribles horriblemente
-2.3 terrible terribles
-2.6 fatal fatales
-2.5 espantoso espantosa espantosos espantosas
-2.4 asqueroso asquerosa asquerosos asquerosas asco
-2.5 lamentable lamentables
-2.7 patético patética patéticos patéticas
-2.4 penoso penosa penosos penosas
-2.4 deplorable deplorables
-2.2 nefasto nefasta nefastos nefastas
-2.0 deficiente deficientes deficiencia
-1.5 mediocre mediocres mediocridad
-1.5 regulero regulera
-1.8 cutre cutres
-2.0 chafa chafas
-2.0 chapuza chapuzas chapucero chapucera
-2.2 decepcionante decepcionantes
-2.1 decepcionado decepcionada decepcionados decepcionadas decepción decepciones decepcionó
-1.8 inútil inútiles inutilidad
-1.8 nulo nula nulos nulas
-2.8 desastre desastres desastroso desastrosa desastrosos desastrosas
-2.3 caos caótico caótica
-2.0 ridículo ridícula ridículos ridículas
-2.2 vergüenza vergonzoso vergonzosa vergonzosos vergonzosas
-2.3 indignante indignantes
-2.4 insoportable insoportables
-2.2 inaceptable inaceptables inadmisible
-1.8 injusto injusta injustos injustas injusticia
-1.3 aburrido aburrida aburridos aburridas
-1.5 pena penas
-1.2 lástima
-1.2 complicado complicada complicados complicadas
-1.2 difícil difíciles
-1.2 incómodo incómoda incómodos incómodas
-0.5 regular
# --- service failures ---
-1.7 problema problemas problemático problemática
-1.5 error errores erróneo errónea
-1.8 fallo fallos falla fallas falló fallan fallando
-2.0 avería averías averiado averiada averiados
-2.1 roto rota rotos rotas rompió
-1.6 caído caída caídos caídas
-1.2 corte cortes cortaron cortado cortada
-1.6 dañado dañada dañados dañadas daño daños
-1.8 defectuoso defectuosa defectuosos defectuosas defecto defectos
-1.3 perdido perdida perdidos perdidas pérdida perdieron
-1.3 bloqueado bloqueada bloqueados bloqueadas bloqueo bloquearon
-1.7 lento lenta lentos lentas lentitud lentísimo
-1.5 retraso retrasos retrasado retrasada retrasados retrasadas
-1.5 demora demoras demorado demorada tardanza
# "tarda 2 días" is information; "tardaron" usually tells a delay
-0.3 tarda tardan
-0.8 tardaron tardó
-0.3 tarde
-0.8 esperando
-1.0 cancelaron cancelado cancelada
-1.4 caro caros carísimo carísima carísimos carísimas
-1.5 sobrecargo
-2.0 indebido indebida indebidos indebidas
-1.3 incidencia incidencias
-1.2 queja quejas quejarme reclamación reclamaciones reclamo reclamos
-1.5 cobraron cobran
-2.1 negligente negligentes negligencia
-2.0 irresponsable irresponsables irresponsabilidad
-2.2 incompetente incompetentes incompetencia
-2.5 inepto inepta ineptos ineptas ineptitud
-1.8 desesperante desesperado desesperada desesperados
-1.5 preocupado preocupada preocupados preocupante
-1.6 molesto molesta molestos molestas molestia molestias
-2.0 harto harta hartos hartas hartazgo
-2.3 enojado enojada enojados enojadas enojo
-2.3 enfadado enfadada enfadados enfadadas enfado
-2.4 indignado indignada indignados indignadas indignación
-2.7 furioso furiosa furiosos furiosas furia
-2.1 frustrado frustrada frustrados frustradas frustrante frustración
-2.1 triste tristes tristeza
-1.2 cansado cansada cansados cansadas
-2.7 odio odiamos odian odioso odiosa
-2.0 abusivo abusiva abusivos abusivas abuso abusos
# --- rudeness ---
-2.0 grosero grosera groseros groseras grosería groserías
-2.0 maleducado maleducada maleducados maleducadas
-2.2 prepotente prepotentes prepotencia
-2.0 irrespetuoso irrespetuosa irrespetuosos
-2.2 déspota
-1.2 borde bordes
-1.8 antipático antipática antipáticos antipáticas
-2.0 desagradable desagradables
# --- fraud, theft, lies ---
-2.7 estafa estafas estafador estafadora estafadores estafaron estafado estafada estafados
-2.7 estafan estafando
-2.5 timo timos timador timadores timaron timado timada
-2.8 fraude fraudes fraudulento fraudulenta fraudulentos
-2.4 robo robos
-2.2 robaron roban robando robado robada
-2.4 ladrón ladrona ladrones ladronas
-2.3 mentira mentiras mentiroso mentirosa mentirosos mentirosas mienten mintieron
-2.2 engaño engaños engañoso engañosa engañaron engañan
-2.2 sinvergüenza sinvergüenzas
-2.0 abusones
# --- insults, vulgar ---
-2.6 mierda mierdas
-2.3 basura basuras
-2.0 porquería porquerías
-2.4 estúpido estúpida estúpidos estúpidas
-2.3 idiota idiotas imbécil imbéciles
-2.3 joder jodido jodida jodidos jodidas
-2.2 cabrón cabrona cabrones
-2.0 puto puta putos putas
-1.8 carajo coño
-2.8 wtf
-2.0 fail
# --- complaints: failures, regret, exasperation ---
-2.2 inservible inservibles
-1.8 empeora empeoran empeoró empeorado empeorando empeorar
-2.0 arrepiento arrepentido arrepentida arrepentidos arrepentidas arrepentimiento
-1.5 imposible imposibles
-1.2 eternidad
-1.8 chasco
-1.8 decepciona decepcionan
-1.8 fallar fallado fallida fallido
-1.8 engorro engorroso engorrosa engorrosos
-1.5 trabado trabada trabados trabadas
-1.2 pesado pesada pesados pesadas
-1.5 congelado congelada congelados
-1.6 colgado colgada
-1.4 cara caras
-1.5 desesperación
-1.5 tomadura
-2.0 sinsentido
-1.3 caducado caducada
-1.2 confuso confusa confusos confusas
-1.8 inaceptablemente
-1.5 cansé cansó harté
-1.8 quejándome
-2.0 timan timando
# --- praise and relief ---
2.3 detallazo
2.0 detallista
2.3 chapó
2.0 aplauso aplausos
1.5 intuitivo intuitiva intuitivos intuitivas
1.3 fluido fluida fluidos fluidas
2.3 bacán bacanes
1.5 vuela vuelan
""")

IDIOMS: dict[str, float] = {
    "una mierda": -2.8,
    "de mierda": -2.8,
    "a la mierda": -2.6,
    "una porquería": -2.3,
    "de pena": -2.3,
    "da pena": -1.8,
    "qué vergüenza": -2.5,
    "qué asco": -2.5,
    "de risa": -1.5,
    "para llorar": -2.0,
    "de mal en peor": -2.5,
    "tomadura de pelo": -2.3,
    "deja mucho que desear": -2.0,
    "deja que desear": -1.8,
    "falta de respeto": -2.3,
    "no sirve": -2.0,
    "no sirven": -2.0,
    "no sirvió": -2.0,
    "no funciona": -2.0,
    "no funcionan": -2.0,
    "no funcionó": -2.0,
    "no contestan": -1.9,
    "no responden": -1.9,
    "no contesta": -1.8,
    "no responde": -1.8,
    "no me atienden": -1.9,
    "no atienden": -1.9,
    "no me contestan": -1.9,
    "no me responden": -1.9,
    "no solucionan": -1.9,
    "no resuelven": -1.9,
    "no llega": -1.5,
    "no llegó": -1.6,
    "nunca llegó": -2.0,
    "nunca contestan": -2.1,
    "nunca responden": -2.1,
    "nadie contesta": -2.0,
    "nadie responde": -2.0,
    "nadie atiende": -2.0,
    "nadie me atiende": -2.0,
    "ni caso": -1.8,
    "sin servicio": -1.8,
    "sin internet": -2.0,
    "sin señal": -1.8,
    "sin luz": -1.8,
    "sin respuesta": -1.8,
    "cobro indebido": -2.2,
    "de más": -0.5,
    "me cobraron de más": -2.2,
    "hasta la madre": -2.3,
    "me cago en": -2.5,
    "el peor": -3.1,
    "la peor": -3.1,
    "los peores": -3.1,
    "las peores": -3.1,
    "lo peor": -3.1,
    "el mejor": 3.2,
    "la mejor": 3.2,
    "los mejores": 3.2,
    "las mejores": 3.2,
    "lo mejor": 3.2,
    "vale la pena": 1.8,
    "valió la pena": 1.8,
    "merece la pena": 1.8,
    "no vale la pena": -1.8,
    "de lujo": 2.5,
    "lo máximo": 2.8,
    "de maravilla": 2.8,
    "de diez": 2.5,
    "bien hecho": 2.0,
    "mil gracias": 2.5,
    "sin problemas": 1.5,
    "sin problema": 1.2,
    "ni fu ni fa": -0.5,
    "así así": -0.3,
    "más o menos": -0.4,
    "no está mal": 1.0,
    "no es nada del otro mundo": -0.8,
    "buenos días": 0.0,
    "buenas tardes": 0.0,
    "buenas noches": 0.0,
    "por favor": 0.0,
    "de nada": 0.0,
    "a ver": 0.0,
    "bueno pues": 0.0,
    "a lo mejor": 0.0,
    "mal educado": -2.0,
    "mal educada": -2.0,
    "menos mal": 1.0,
    "poco a poco": 0.0,
    "llegó tarde": -1.5,
    "llega tarde": -1.5,
    "llegan tarde": -1.5,
    "nunca más": -1.5,
    "no más": 0.0,
    "gracias por nada": -2.0,
    "ni bueno ni malo": -0.3,
    "no hay señal": -1.8,
    "no hay internet": -2.0,
    "no tengo internet": -2.0,
    "no tengo señal": -1.8,
    "no hay servicio": -1.8,
    "sin cobertura": -1.8,
    "no solo": 0.0,
    "no sólo": 0.0,
    "no solamente": 0.0,
    "nada que ver": 0.0,
    "por desgracia": -1.5,
    "por suerte": 1.2,
    "vaya tela": -1.8,
    "me echa": -1.2,
    "cuánto tarda": 0.0,
    "cuánto tardan": 0.0,
    "no se presentó": -1.8,
    "no vino": -1.5,
    "no ha venido": -1.5,
    "nadie me llama": -1.5,
    "nadie llama": -1.5,
    "cobro doble": -2.0,
    "doble cobro": -2.0,
    "cobrado dos veces": -2.0,
    "cobraron dos veces": -2.0,
    "me doy de baja": -1.5,
    "darme de baja": -1.5,
    # Churn is flagged by monitor/urgency.py; the words themselves state no sentiment.
    "cambio de compañía": 0.0,
    "cambiar de compañía": 0.0,
    # --- failures told as events: it does not open, load, connect, let me in ---
    "no abre": -1.8,
    "no se abre": -1.8,
    "ya no abre": -2.0,
    "no carga": -1.8,
    "no cargan": -1.8,
    "no se carga": -1.8,
    "no arranca": -1.8,
    "no enciende": -1.8,
    "no conecta": -1.8,
    "no se conecta": -1.8,
    "no va": -1.6,
    "no va a": 0.0,  # future, not a failure: "no va a hacer falta"
    "no va mal": 1.0,
    "ya no va": -1.8,
    "no anda": -1.8,
    "ya no anda": -2.0,
    "no me deja": -1.6,
    "no me dejan": -1.6,
    "no puedo entrar": -1.6,
    "no puedo acceder": -1.6,
    "no me llega": -1.5,
    "no me llegan": -1.5,
    "no llegan": -1.5,
    "nunca llega": -2.0,
    "no me devuelven": -1.8,
    "no me han devuelto": -1.8,
    "no me solucionan": -1.9,
    "no lo solucionan": -1.9,
    "no arreglan": -1.8,
    "no lo arreglan": -1.8,
    "no hacen nada": -2.0,
    "no hacen caso": -2.0,
    "no me hacen caso": -2.0,
    "no da señal": -1.8,
    "se cuelga": -1.8,
    "se cuelgan": -1.8,
    "se colgó": -1.8,
    "se queda colgada": -1.8,
    "se queda colgado": -1.8,
    "se queda pillada": -1.8,
    "se queda pillado": -1.8,
    "se congela": -1.8,
    "se congeló": -1.8,
    "se cierra sola": -1.8,
    "se cierra solo": -1.8,
    "se cae": -1.6,
    "se cayó": -1.6,
    "se corta": -1.5,
    "se cortó": -1.5,
    "se traba": -1.6,
    "se tilda": -1.6,
    "me cuelgan": -2.0,
    "me colgaron": -2.0,
    "me cortaron": -1.8,
    "me dejaron colgado": -2.0,
    "dejado tirado": -2.2,
    "dejado tirada": -2.2,
    "dejaron tirado": -2.2,
    "dejaron tirada": -2.2,
    "dejó tirado": -2.2,
    "fuera de servicio": -1.8,
    "sin funcionar": -1.8,
    "sigue sin funcionar": -2.0,
    "sin resolver": -1.5,
    "sin solucionar": -1.5,
    "sin avisar": -1.5,
    "sin previo aviso": -1.5,
    "sin poder": -1.2,
    # --- waiting, nobody answers ---
    "sigo esperando": -1.5,
    "seguimos esperando": -1.5,
    "me tienen esperando": -1.5,
    "en espera": -0.8,
    "una eternidad": -1.8,
    "nadie me contesta": -2.0,
    "nadie me responde": -2.0,
    "nadie me ayuda": -2.0,
    "nadie ayuda": -1.8,
    "nadie lo soluciona": -2.0,
    "nadie da la cara": -2.2,
    "nadie se hace cargo": -2.0,
    "nadie sabe nada": -1.8,
    "nadie me dice nada": -1.8,
    "nada de nada": -1.2,
    "no hay manera": -1.8,
    "no hay forma": -1.6,
    # --- exasperation, mockery ---
    "tomar el pelo": -2.2,
    "toman el pelo": -2.2,
    "tomando el pelo": -2.2,
    "tomaron el pelo": -2.2,
    "es un chiste": -1.8,
    "es una broma": -1.5,
    "dolor de cabeza": -1.8,
    "por la cara": -1.2,
    "de la fregada": -2.2,
    "hasta las narices": -2.3,
    "hasta el gorro": -2.2,
    "hasta el moño": -2.2,
    "poca vergüenza": -2.5,  # "qué poca vergüenza": shameless, not "little shame"
    "no tiene nombre": -2.0,
    "no hay derecho": -2.0,
    "pérdida de tiempo": -2.0,
    "perder el tiempo": -1.8,
    "cada vez peor": -2.4,
    "va a peor": -2.2,
    "otra vez lo mismo": -1.5,
    "siempre lo mismo": -1.5,
    "lo de siempre": -1.0,
    "vaya servicio": -1.5,
    "vaya atención": -1.5,
    "vaya empresa": -1.5,
    "vaya compañía": -1.5,
    "da asco": -2.4,
    "da vergüenza": -2.2,
    "cobran de más": -2.0,
    "cobrado de más": -2.0,
    "no vuelvo": -1.5,
    "no volveré": -1.5,
    "jamás volveré": -1.8,
    # --- praise and relief ---
    "ya funciona": 1.5,
    "vuelve a funcionar": 1.5,
    "volvió a funcionar": 1.5,
    "se agradece": 1.8,
    "un lujo": 2.5,
    "un diez": 2.5,
    "como un tiro": 2.0,
    "como la seda": 2.2,
    "qué detalle": 2.0,
    "todo un detalle": 2.0,
    "un aplauso": 2.0,
    "nada que objetar": 1.5,
}

# "Llevo 3 días sin línea": numbers are not tokens, so "llevo días" is what the engine sees.
_WAITING = words_of("llevo llevamos desde_hace")
_AMOUNTS = words_of("un una dos tres cuatro cinco varios varias muchos muchas más_de")
_PLURAL_UNITS = words_of("horas días semanas meses")
IDIOMS.update({f"{verb} {unit}": -1.2 for verb in _WAITING for unit in _PLURAL_UNITS})
IDIOMS.update(
    {
        f"{verb} {amount} {unit}": -1.2
        for verb in _WAITING
        for amount in _AMOUNTS
        for unit in _PLURAL_UNITS | words_of("día semana mes")
    }
)

#: Expected, so neutral when there and a complaint when missing: "sin respuesta",
#: "ninguna solución", "0 ayuda", "no me ha llegado", "nadie me ha contestado".
ABSENT: dict[str, float] = {
    "respuesta": -1.8,
    "respuestas": -1.8,
    "contestación": -1.8,
    "ayuda": -1.8,
    "solución": -1.8,
    "soluciones": -1.8,
    "noticias": -1.5,
    "novedades": -1.2,
    "información": -1.3,
    "explicación": -1.5,
    "explicaciones": -1.5,
    "aviso": -1.2,
    "avisos": -1.2,
    "seguimiento": -1.3,
    "atención": -1.5,
    "servicio": -1.5,
    "señal": -1.8,
    "cobertura": -1.8,
    "conexión": -1.8,
    "internet": -2.0,
    "línea": -1.8,
    "luz": -1.8,
    "reembolso": -1.6,
    "devolución": -1.5,
    "compensación": -1.2,
    "recibido": -1.5,
    "recibida": -1.5,
    "recibidos": -1.5,
    "recibí": -1.5,
    "recibimos": -1.5,
    "llegado": -1.5,
    "llegada": -1.2,
    "contestado": -1.8,
    "respondido": -1.8,
    "atención al cliente": -1.5,
    "servicio al cliente": -1.5,
    "servicio técnico": -1.5,
}

STOPWORDS = words_of("""
a al ante bajo con contra de del desde durante e el en entre hacia hasta mediante para por
según sobre tras y o u ni que qué quien quién quienes cual cuál cuales como cómo cuando
cuándo donde dónde adonde cuanto cuánto cuanta cuánta cuantos cuántos porque porqué pues si
sí la las lo los un una unos unas uno mi mis tu tus su sus nuestro nuestra nuestros nuestras
vuestro vuestra me te se nos os le les yo tú él ella ello ellos ellas nosotros nosotras
vosotros ustedes usted mí ti conmigo contigo este esta estos estas ese esa esos esas eso esto
aquel aquella aquello aquí ahí allí allá acá ya aún todavía también tampoco solo sólo
siempre ahora hoy ayer mañana luego después antes entonces así además incluso casi
ser es son era eran fue fueron soy eres somos sido siendo sea sean sería estar está están
estaba estaban estoy estamos estado estuvo estuvieron esté haber he has ha han hemos había
habían hay hubo habrá tener tengo tiene tienen tenemos tenía tenían tuve tuvo hacer hago hace
hacen hizo hicieron hecho haciendo ir voy va van vamos iba ido poder puedo puede pueden pudo
podemos podría decir dice dicen dijo dijeron digo ver veo ve vi vio dar doy da dan dio dieron
saber sé sabe saben sabemos querer quiero quiere quieren necesito necesita necesitamos
llevo lleva llevan llevamos pasa pasó pasar sigue sigo seguir siguen otro otra otros otras
mismo misma todo toda todos todas cada algún alguna alguno algunos algunas varios varias
vale oye hola adiós saludos vaya normal wey güey seguro llegó ayudar claro gente
persona personas señor señora cliente clientes
servicios empresa compañía cuenta factura facturas facturación pago pagos
cobro teléfono móvil celular llamada llamadas llamé llamo llamar llaman correo email
mensaje mensajes chat app aplicación web página fibra router wifi red datos
pedido pedidos paquete envío entrega repartidor producto precio tarifa plan contrato operador
agente técnico soporte tienda número código usuario contraseña sesión
responder contestar contesta contestan responden atienden atender día días hora
horas minuto minutos semana semanas mes meses año años vez veces cosa cosas caso tema casa
dinero euros pesos compra compré pedí espera esperar espero esperamos oficina sucursal
mes semana ticket número orden favor ver vez nuevo nueva nuevos nuevas última último
actualización versión equipo escribo escribir quisiera quería saber estado cambiar
cancelar activar instalar instalación enviar envían enviaron recibir pagar pagué llamé
contactar contacto pedir pido pidieron primero primera uno dos tres cuatro cinco diez
veinte cien lunes martes miércoles jueves viernes sábado domingo mañana tarde noche
semana fin inicio banco tarjeta transferencia cuenta área zona ciudad dirección
pensando pensar creo oferta ofertas empleo contratar contraté mudanza mudo
trabajo trabaja trabajar sorprendido sorprendida anuncio partido viaje bono cuanto_antes
alguien sabéis
""")

# "cero" quantifies like "ningún": "cero profesionalidad", "cero quejas" (a bare "0" too).
NEGATORS = words_of(
    "no nunca jamás tampoco ni sin nadie nada ningún ninguna ninguno ningunos "
    "ni_siquiera para_nada poco poca pocos pocas cero"
)
BOOSTERS = words_of("""
muy mucho mucha muchos muchas muchísimo muchísima muchísimos muchísimas demasiado demasiada
demasiados demasiadas tan tanto tanta súper super re requete recontra mega ultra híper
totalmente completamente absolutamente realmente verdaderamente sumamente extremadamente
increíblemente enormemente terriblemente tremendamente especialmente particularmente
sin_duda sin_dudas sin_lugar_a_dudas
profundamente altamente bastante más tremendo tremenda de_verdad en_serio
""")
DAMPENERS = words_of("""
un_poco un_poquito algo apenas casi medio ligeramente un_tanto relativamente parcialmente
menos un_pelín escasamente más_bien
""")
CONTRAST = words_of("pero sin_embargo no_obstante aun_así")
CONCESSIVE = words_of("aunque a_pesar_de a_pesar_de_que pese_a pese_a_que si_bien")

#: Clitics and auxiliaries between a negator and its word: "nunca me ha dado problemas".
TRANSPARENT = words_of("""
me te se nos os le les lo la los las ha he has han hemos habéis había habían haber habría
es está están estaba estaban son era eran fue fueron sido estado siendo sea esté
""")

#: Unknown words → known ones (accent-folded): superlatives intensify ("lentísima" → "lenta"),
#: diminutives, "-mente" adverbs, plurals and feminines do not ("mejorcito", "errores").
SUFFIXES: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("quisimos", ("cos",), True),
    ("quisimas", ("cas",), True),
    ("quisimo", ("co",), True),
    ("quisima", ("ca",), True),
    ("guisimos", ("gos",), True),
    ("guisimas", ("gas",), True),
    ("guisimo", ("go",), True),
    ("guisima", ("ga",), True),
    ("bilisimos", ("bles",), True),
    ("bilisimas", ("bles",), True),
    ("bilisimo", ("ble",), True),
    ("bilisima", ("ble",), True),
    ("isimos", ("os", "o", "es", "e", ""), True),
    ("isimas", ("as", "a", "o", "es", "e", ""), True),
    ("isimo", ("o", "e", ""), True),
    ("isima", ("a", "o", "e", ""), True),
    ("citos", ("es", ""), False),
    ("citas", ("es", ""), False),
    ("cito", ("", "e"), False),
    ("cita", ("", "e"), False),
    ("itos", ("os", "o"), False),
    ("itas", ("as", "a", "o"), False),
    ("ito", ("o", "e", ""), False),
    ("ita", ("a", "o", "e", ""), False),
    ("mente", ("",), False),
    ("es", ("",), False),
    ("as", ("os", "o"), False),
    ("s", ("",), False),
    ("a", ("o",), False),
)

SPELLINGS: dict[str, str] = {
    "q": "que",
    "k": "que",
    "ke": "que",
    "xq": "porque",
    "pq": "porque",
    "porq": "porque",
    "xk": "porque",
    "pk": "porque",
    "tb": "también",
    "tmb": "también",
    "tbn": "también",
    "x": "por",
    "xa": "para",
    "pa": "para",
    "d": "de",
    "dnd": "donde",
    "cdo": "cuando",
    "qdo": "cuando",
    "msj": "mensaje",
    "bn": "bien",
    "mxo": "mucho",
    "xfa": "por favor",
    "porfa": "por favor",
    "plis": "por favor",
    "pls": "por favor",
    "grax": "gracias",
    "grs": "gracias",
    "gxs": "gracias",
    "ntp": "no te preocupes",
    "nd": "nada",
    "ns": "no sé",
    "toy": "estoy",
    "ta": "está",
    "aki": "aquí",
    "kiero": "quiero",
    "dsd": "desde",
    "hrs": "horas",
    "aver": "a ver",
    "tmp": "tampoco",
    "salu": "saludos",
    "xd": "haha",
}

PACK = LanguagePack(
    code="es",
    lexicon=LEXICON,
    negators=NEGATORS,
    boosters=BOOSTERS,
    dampeners=DAMPENERS,
    contrast=CONTRAST,
    concessive=CONCESSIVE,
    idioms=IDIOMS,
    stopwords=STOPWORDS,
    spellings=SPELLINGS,
    # A hand-built lexicon has weaker evidence per hit than VADER's crowd-rated one, and accent
    # folding makes a few homographs collide; ±0.10 keeps one faint word (|v| < 0.4, e.g. a
    # dampened "regular") from flipping a label while any ordinary sentiment word still does.
    neutral_band=0.10,
    discourse_markers=words_of("bueno buenas bien vale pues"),
    transparent=TRANSPARENT,
    absent=ABSENT,
    suffixes=SUFFIXES,
    earlier=words_of("antes al_principio antiguamente"),
    later=words_of("ahora hoy_en_día actualmente"),
    courtesies=words_of("gracias mil_gracias saludos"),
    interrogative=(
        "qué|cómo|cuándo|dónde|adónde|cuál|cuáles|quién|quiénes|cuánto|cuánta|cuántos|cuántas"
        "|alguien"
    ),
    question_openers=words_of("""
    que como cuando donde adonde cual cuales quien quienes cuanto cuanta cuantos cuantas
    alguien hay puedo puede pueden podéis podrían podría sabéis saben sabe sabes tenéis tienen
    """),
    markers=words_of("""
    gracias hola muchas muchísimas por_favor pésimo pésima genial buenísimo estafa mierda
    que el los las muy pero está están tengo tiene nadie nada nunca también porque sí qué
    usted ustedes servicio llevo días atención ayuda xq q pq tb vale guay chido saludos
    """),
)
