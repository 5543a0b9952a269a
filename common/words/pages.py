"""Every word the generated pages show, one dictionary per language (nb, nn, en).

Templates read `t.<key>`; the page's script gets the keys in `CLIENT_KEYS`
through the page's JSON configuration. `{name}` marks a value filled in later.
Nynorsk starts from bokmål and replaces every string that differs; a test
keeps the three languages' keys identical.
"""

from __future__ import annotations

NB: dict[str, str] = {
    "locale": "nb-NO",
    "title_booking": "Bestill time – {clinic}",
    "title_cancel": "Flytt eller avbestill time – {clinic}",
    "title_links": "Bestillingslenker – {clinic}",
    "heading_booking": "Bestill time",
    "test_banner": "Testside: timer som bestilles her er ikke ekte.",
    "noscript": "Timebestillingen trenger JavaScript. Ring oss for å bestille time.",
    "contact": "Kontakt",
    "phone": "Telefon",
    "email": "E-post",
    "step_calendar": "Hvem vil du ha time hos?",
    "first_available": "Første ledige time",
    "first_available_hint": "Hos den av oss som har tid først",
    "step_type": "Hva gjelder timen?",
    "minutes": "{n} min",
    "price": "Pris: {price} kr",
    "place": "Sted",
    "step_day": "Velg dag",
    "step_slot": "Velg tid",
    "step_details": "Dine opplysninger",
    "step_confirm": "Se over og bekreft",
    "change": "Endre",
    "with": "hos {name}",
    "loading": "Henter ledige timer …",
    "free_count_one": "{n} ledig",
    "free_count": "{n} ledige",
    "day_none": "ingen ledige",
    "day_full": "Fullt",
    "day_closed": "Stengt",
    "day_type_off": "Ikke tilbudt",
    "day_type_off_long": "timetypen tilbys ikke denne dagen",
    "day_type_off_note": "Ikke tilbudt: timetypen du har valgt, tilbys ikke disse dagene, "
                         "men klinikken er åpen for andre timer.",
    "day_first": "Første ledige time",
    "month_prev": "Forrige måned",
    "month_next": "Neste måned",
    "weekdays": "ma,ti,on,to,fr,lø,sø",
    "weekdays_long": "mandag,tirsdag,onsdag,torsdag,fredag,lørdag,søndag",
    "no_slots": "Det er ingen ledige timer på nett for dette valget akkurat nå.",
    "no_slots_hint": "Prøv en annen timetype eller behandler, eller ring oss på {phone}.",
    "id_type": "Type nummer",
    "fnr": "Fødselsnummer",
    "dnr": "D-nummer",
    "id_type_auto": "Vi velger dette ut fra nummeret du skriver. Du kan endre det her.",
    "national_id": "Fødselsnummer eller D-nummer (11 sifre)",
    "national_id_hint": "Du kan skrive mellomrom.",
    "first_name": "Fornavn",
    "last_name": "Etternavn",
    "mobile": "Mobilnummer",
    "mobile_hint": "Vi sender bekreftelse hit.",
    "continue": "Gå videre",
    "confirm": "Bekreft bestilling",
    "sending": "Bestiller …",
    "required": "Fyll ut dette feltet.",
    "bad_phone": "Skriv et mobilnummer, for eksempel 412 34 567.",
    "phone_not_mobile": "Dette ser ut som et fasttelefonnummer. Skriv et mobilnummer, så vi "
                        "kan sende SMS.",
    "bad_email": "Skriv en e-postadresse, for eksempel navn@eksempel.no.",
    "fix_fields": "Noen felt må rettes før du kan gå videre.",
    "id_ok_fnr": "Gyldig fødselsnummer.",
    "id_ok_dnr": "Gyldig D-nummer.",
    "id_format": "Skriv 11 sifre (0–9). Mellomrom og én bindestrek etter de seks første er lov.",
    "id_checksum": "Kontrollsifrene stemmer ikke. Sjekk at nummeret er riktig skrevet.",
    "id_date": "De seks første sifrene er ikke en gyldig dato (DDMMÅÅ).",
    "id_kind": "Denne typen nummer kan ikke brukes. Bruk fødselsnummer eller D-nummer.",
    "id_is_dnr": "Dette er et D-nummer. Velg «D-nummer» under «Type nummer».",
    "id_is_fnr": "Dette er et fødselsnummer. Velg «Fødselsnummer» under «Type nummer».",
    "id_type_missing": "Velg fødselsnummer eller D-nummer.",
    "when": "Når",
    "who": "Hos",
    "what": "Time",
    "name": "Navn",
    "receipt": "Timen er bestilt",
    "receipt_sent": "Vi sender en bekreftelse til deg.",
    "receipt_cancel": "Må du flytte eller avbestille timen? Bruk denne lenken:",
    "receipt_cancel_deadline": "Flytt eller avbestill senest {hours} timer før timen.",
    "add_to_calendar": "Legg til i kalenderen",
    "book_another": "Bestill en time til",
    "err_slot_unavailable": "Noen andre rakk å bestille denne tiden. Velg en annen tid.",
    "err_max_self_booked": "Du har allerede bestilt så mange timer på nett som vi tillater. "
                           "Avbestill en time du ikke trenger, eller ring oss på {phone}.",
    "err_booking_deadline": "Det er for sent å bestille denne tiden på nett. "
                            "Velg en senere tid.",
    "err_outside_booking_window": "Denne tiden kan ikke bestilles på nett. Velg en annen tid.",
    "err_validation": "Noen opplysninger må rettes. Se feltene som er merket.",
    "err_rate_limited": "For mange forsøk på kort tid. Vent et minutt og prøv igjen.",
    "err_network": "Vi fikk ikke kontakt med timebestillingen. Sjekk nettet og prøv igjen.",
    "err_unreachable": "Timebestillingen svarer ikke akkurat nå. Prøv igjen om litt, eller "
                       "ring oss på {phone}.",
    "err_generic": "Noe gikk galt hos oss. Prøv igjen, eller ring oss på {phone}.",
    "err_not_found": "Dette valget finnes ikke lenger. Last siden på nytt.",
    "err_waitlist_ended": "Du står ikke lenger på ventelisten, så denne timen kan ikke "
                          "bestilles herfra. Vil du vente på en time igjen, sett deg på "
                          "listen fra bestillingssiden.",
    "err_hold_expired": "Tiden vi holdt av for deg, gikk ut. Velg en tid på nytt.",
    "err_hold_invalid": "Tiden vi holdt av for deg, gjelder ikke lenger. Velg en tid på nytt.",
    "err_booking_cancelled": "Denne timen er avbestilt og kan ikke flyttes. Bestill en ny "
                             "time, eller ring oss på {phone}.",
    "err_unauthorized": "Lenken eller innloggingen gjelder ikke lenger. Bruk lenken du fikk, "
                        "eller ring oss på {phone}.",
    "err_payload_too_large": "Det du sendte, var for langt. Kort det ned og prøv igjen.",
    "err_unsupported_media_type": "Nettleseren sendte noe timebestillingen ikke forstod. Last "
                                  "siden på nytt og prøv igjen.",
    "err_unavailable": "Timebestillingen er ikke tilgjengelig akkurat nå. Prøv igjen om litt, "
                       "eller ring oss på {phone}.",
    "pick_other": "Velg en annen tid",
    "try_again": "Prøv igjen",
    "consent_label": "Informasjonskapsler",
    "consent_text": "Vil du la oss bruke informasjonskapsler fra Google Analytics til "
                    "statistikk over hvordan timebestillingen brukes? Sier du nei, får Google "
                    "bare målinger uten informasjonskapsler. Google ser nettleserens "
                    "IP-adresse, men timebestillingen sender aldri navnet ditt, "
                    "fødselsnummeret, kontaktopplysningene eller hva du bestiller.",
    "consent_text_names": "Vil du la oss bruke informasjonskapsler fra Google Analytics til "
                          "statistikk over hvordan timebestillingen brukes? Sier du nei, får "
                          "Google bare målinger uten informasjonskapsler. Google ser "
                          "nettleserens IP-adresse og hvilken behandler og timetype som "
                          "velges, men aldri navnet ditt, fødselsnummeret eller "
                          "kontaktopplysningene.",
    "national_id_why": "Vi trenger nummeret for å vite hvem du er og finne journalen din. Det "
                       "lagres hos klinikken, vises bare for de ansatte og står aldri i "
                       "e-post eller SMS.",
    "privacy_link": "Slik behandler vi personopplysninger",
    "email_needed": "Må fylles ut: vi sender bekreftelsen av timen på e-post.",
    "email_optional_sms": "Kan stå tom: bekreftelsen kommer på SMS.",
    "email_optional": "Kan stå tom.",
    "consent_yes": "Ja, det er greit",
    "consent_no": "Nei takk",
    "cancel_heading": "Flytt eller avbestill time",
    "cancel_loading": "Henter timen …",
    "cancel_button": "Avbestill timen",
    "cancel_done": "Timen er avbestilt.",
    "cancel_already": "Denne timen er allerede avbestilt.",
    "cancel_too_late": "Det er for sent å avbestille eller flytte denne timen på nett. "
                       "Ring oss på {phone}.",
    "cancel_not_found": "Vi fant ikke timen. Sjekk at du brukte hele lenken fra bekreftelsen.",
    "missing_title": "Fant ikke siden",
    "missing_text": "Adressen finnes ikke her. Kanskje den er skrevet feil, eller siden er "
                    "flyttet.",
    "missing_link": "Til timebestillingen",
    "cancel_no_token": "Lenken mangler koden som trengs for å flytte eller avbestille. Bruk "
                       "lenken fra bekreftelsen du fikk, eller ring oss på {phone}.",
    "cancel_new": "Bestill en ny time",
    "cancel_confirm_heading": "Vil du avbestille timen?",
    "cancel_confirm_final": "Avbestillingen kan ikke angres. Vil du ha time igjen, må du "
                            "bestille en ny.",
    "cancel_confirm_yes": "Ja, avbestill timen",
    "cancel_confirm_no": "Nei, behold timen",
    "hold_left": "Vi holder av timen i {time}.",
    "hold_note": "Fullfør bestillingen før tiden går ut.",
    "hold_made": "Vi holder av timen for deg i noen minutter mens du fyller ut.",
    "hold_one_minute": "Ett minutt igjen av tiden vi holder av timen.",
    "hold_expired": "Tiden vi holdt av timen for deg, gikk ut. Velg en tid på nytt – den du "
                    "valgte, kan være tatt.",
    "hold_taken": "Noen andre holder av eller har nettopp bestilt denne tiden. Her er de "
                  "ledige tidene nå.",
    "place_gone": "Tiden du hadde valgt, er ikke ledig lenger. Velg en annen tid.",
    "receipt_again": "Timen er allerede bestilt, og den blir ikke bestilt en gang til. Vil du "
                     "bestille en ny time, bruk lenken under.",
    "hold_rate_limited": "Du holder av for mange timer samtidig. Vent noen minutter og prøv "
                         "igjen.",
    "confirm_late": "Denne timen kan ikke avbestilles eller flyttes på nett.",
    "receipt_late": "Denne timen kan ikke avbestilles eller flyttes på nett. Kan du ikke "
                    "komme, ring oss på {phone}.",
    "move_button": "Flytt timen",
    "move_confirm_heading": "Se over og flytt",
    "move_confirm": "Flytt timen hit",
    "move_from": "Fra",
    "move_to": "Til",
    "move_done": "Timen er flyttet",
    "move_same_link": "Lenken du fikk i bekreftelsen, gjelder fortsatt for den nye timen.",
    "err_move_not_allowed": "Denne timen kan ikke flyttes på nett. Avbestill den og bestill en "
                            "ny, eller ring oss på {phone}.",
    "err_cancellation_deadline": "Det er for sent å flytte eller avbestille denne timen på "
                                 "nett. Ring oss på {phone}.",
    "waitlist_join": "Ingen passende tid? Sett deg på venteliste",
    "waitlist_heading": "Sett deg på venteliste",
    "waitlist_intro": "Blir en time som passer ledig, sender vi deg en lenke på SMS eller "
                      "e-post. Tilbudet går til flere på listen, og den som bestiller først, "
                      "får timen.",
    "waitlist_type": "Timetype",
    "waitlist_calendar": "Hos",
    "waitlist_any": "Hvem som helst",
    "waitlist_from": "Fra dato",
    "waitlist_to": "Til og med dato",
    "waitlist_to_hint": "Senest {date}.",
    "waitlist_dates": "Datoer",
    "waitlist_bad_range": "Velg datoer fra i dag til senest {date}, med til-datoen etter "
                          "fra-datoen.",
    "waitlist_submit": "Sett meg på ventelisten",
    "waitlist_done_heading": "Du står på ventelisten",
    "waitlist_done": "Blir en time ledig mellom {from} og {to}, sender vi deg en lenke. Der "
                     "bestiller du timen med ett trykk.",
    "waitlist_leave": "Vil du ikke stå på listen lenger? Meld deg av med denne lenken:",
    "title_waitlist": "Venteliste – {clinic}",
    "offer_heading": "Ledig time fra ventelisten",
    "offer_loading": "Henter tilbudet …",
    "offer_intro": "Disse timene er ledige nå. Ett trykk bestiller timen.",
    "offer_book": "Bestill denne timen",
    "offer_none": "Det er ingen ledig time å tilby deg akkurat nå. Du står fortsatt på "
                  "ventelisten, og vi sier fra når en time blir ledig.",
    "offer_taken": "Noen andre rakk å bestille denne timen.",
    "offer_taken_rest": "Disse er fortsatt ledige:",
    "offer_taken_none": "Du står fortsatt på ventelisten, og vi sier fra når en ny time blir "
                        "ledig.",
    "offer_leave": "Meld meg av ventelisten",
    "offer_left": "Du er meldt av ventelisten.",
    "offer_ended": "Du står ikke lenger på ventelisten. Vil du vente på en time igjen, sett "
                   "deg på listen fra bestillingssiden.",
    "offer_not_found": "Vi fant ikke plassen din på ventelisten. Sjekk at du brukte hele "
                       "lenken, eller ring oss på {phone}.",
    "offer_no_token": "Lenken mangler koden til plassen din på ventelisten. Bruk lenken du "
                      "fikk, eller ring oss på {phone}.",
    "links_heading": "Bestillingslenker",
    "links_intro": "Lenker og innebygd kode til hjemmesiden. Siden er bare for dere og "
                   "lenkes ikke fra pasientsidene.",
    "links_clinic_page": "Klinikkens bestillingsside",
    "links_open": "Klikk for å åpne lenken",
    "links_preview": "Forhåndsvis",
    "links_copy_link": "Kopier lenke",
    "links_copy_iframe": "Kopier iframe-kode",
    "links_copied": "Kopiert.",
    "links_iframe": "Innebygd kode (iframe)",
    "links_preset": "Forhåndsvalgt",
    "links_none": "ingenting – pasienten velger alt",
    "links_make": "Lag en ny lenke",
    "links_make_intro": "Velg behandler og/eller timetype som skal være forhåndsvalgt.",
    "links_any": "Ingen forhåndsvalg",
    "links_calendar": "Behandler",
    "links_type": "Timetype",
    "links_embed_heading": "Hvor sidene kan bygges inn",
    "links_embed_intro": "Den innebygde koden virker på disse nettstedene:",
    "links_embed_none": "Ingen nettsteder er oppført ennå.",
    "links_embed_how": "På andre nettsteder viser koden en vanlig lenke til bestillingssiden i "
                       "stedet for rammen. Legg nettstedet til under embed_origins i "
                       "klinikkfila (for eksempel https://www.klinikken.no) og bygg sidene "
                       "på nytt.",
}

NN: dict[str, str] = {
    **NB,
    "title_booking": "Bestill time – {clinic}",
    "test_banner": "Testside: timar som vert bestilte her, er ikkje ekte.",
    "noscript": "Timebestillinga treng JavaScript. Ring oss for å bestille time.",
    "step_calendar": "Kven vil du ha time hos?",
    "first_available_hint": "Hos den av oss som har tid først",
    "step_type": "Kva gjeld timen?",
    "step_day": "Vel dag",
    "step_slot": "Vel tid",
    "step_details": "Opplysningane dine",
    "step_confirm": "Sjå over og stadfest",
    "loading": "Hentar ledige timar …",
    "month_prev": "Førre månad",
    "day_closed": "Stengd",
    "day_type_off": "Ikkje tilbode",
    "day_type_off_long": "timetypen vert ikkje tilboden denne dagen",
    "day_type_off_note": "Ikkje tilbode: timetypen du har valt, vert ikkje tilboden desse "
                         "dagane, men klinikken er open for andre timar.",
    "month_next": "Neste månad",
    "weekdays": "må,ty,on,to,fr,la,su",
    "weekdays_long": "måndag,tysdag,onsdag,torsdag,fredag,laurdag,sundag",
    "no_slots": "Det er ingen ledige timar på nett for dette valet akkurat no.",
    "no_slots_hint": "Prøv ein annan timetype eller behandlar, eller ring oss på {phone}.",
    "national_id_hint": "Du kan skrive mellomrom.",
    "first_name": "Førenamn",
    "last_name": "Etternamn",
    "mobile_hint": "Vi sender stadfesting hit.",
    "continue": "Gå vidare",
    "confirm": "Stadfest bestillinga",
    "required": "Fyll ut dette feltet.",
    "bad_phone": "Skriv eit mobilnummer, til dømes 412 34 567.",
    "phone_not_mobile": "Dette ser ut som eit fasttelefonnummer. Skriv eit mobilnummer, så vi "
                        "kan sende SMS.",
    "bad_email": "Skriv ei e-postadresse, til dømes namn@døme.no.",
    "fix_fields": "Nokre felt må rettast før du kan gå vidare.",
    "id_format": "Skriv 11 siffer (0–9). Mellomrom og éin bindestrek etter dei seks første "
                 "er lov.",
    "id_checksum": "Kontrollsifra stemmer ikkje. Sjekk at nummeret er rett skrive.",
    "id_date": "Dei seks første sifra er ikkje ein gyldig dato (DDMMÅÅ).",
    "id_kind": "Denne typen nummer kan ikkje brukast. Bruk fødselsnummer eller D-nummer.",
    "id_type_auto": "Vi vel dette ut frå nummeret du skriv. Du kan endre det her.",
    "id_is_dnr": "Dette er eit D-nummer. Vel «D-nummer» under «Type nummer».",
    "id_is_fnr": "Dette er eit fødselsnummer. Vel «Fødselsnummer» under «Type nummer».",
    "id_type_missing": "Vel fødselsnummer eller D-nummer.",
    "name": "Namn",
    "receipt_sent": "Vi sender ei stadfesting til deg.",
    "receipt_cancel": "Må du flytte eller avbestille timen? Bruk denne lenkja:",
    "receipt_cancel_deadline": "Flytt eller avbestill seinast {hours} timar før timen.",
    "book_another": "Bestill ein time til",
    "err_slot_unavailable": "Nokon andre rakk å bestille denne tida. Vel ei anna tid.",
    "err_max_self_booked": "Du har alt bestilt så mange timar på nett som vi tillèt. "
                           "Avbestill ein time du ikkje treng, eller ring oss på {phone}.",
    "err_booking_deadline": "Det er for seint å bestille denne tida på nett. Vel ei seinare tid.",
    "err_outside_booking_window": "Denne tida kan ikkje bestillast på nett. Vel ei anna tid.",
    "err_validation": "Nokre opplysningar må rettast. Sjå felta som er merkte.",
    "err_rate_limited": "For mange forsøk på kort tid. Vent eit minutt og prøv igjen.",
    "err_network": "Vi fekk ikkje kontakt med timebestillinga. Sjekk nettet og prøv igjen.",
    "err_unreachable": "Timebestillinga svarar ikkje akkurat no. Prøv igjen om litt, eller "
                       "ring oss på {phone}.",
    "err_generic": "Noko gjekk gale hos oss. Prøv igjen, eller ring oss på {phone}.",
    "err_not_found": "Dette valet finst ikkje lenger. Last sida på nytt.",
    "err_waitlist_ended": "Du står ikkje lenger på ventelista, så denne timen kan ikkje "
                          "bestillast herifrå. Vil du vente på ein time igjen, set deg på "
                          "lista frå bestillingssida.",
    "err_hold_expired": "Tida vi heldt av for deg, gjekk ut. Vel ei tid på nytt.",
    "err_hold_invalid": "Tida vi heldt av for deg, gjeld ikkje lenger. Vel ei tid på nytt.",
    "err_booking_cancelled": "Denne timen er avbestilt og kan ikkje flyttast. Bestill ein ny "
                             "time, eller ring oss på {phone}.",
    "err_unauthorized": "Lenkja eller innlogginga gjeld ikkje lenger. Bruk lenkja du fekk, "
                        "eller ring oss på {phone}.",
    "err_payload_too_large": "Det du sende, var for langt. Kort det ned og prøv igjen.",
    "err_unsupported_media_type": "Nettlesaren sende noko timebestillinga ikkje forstod. Last "
                                  "sida på nytt og prøv igjen.",
    "err_unavailable": "Timebestillinga er ikkje tilgjengeleg akkurat no. Prøv igjen om litt, "
                       "eller ring oss på {phone}.",
    "pick_other": "Vel ei anna tid",
    "consent_label": "Informasjonskapslar",
    "consent_text": "Vil du la oss bruke informasjonskapslar frå Google Analytics til "
                    "statistikk over korleis timebestillinga vert brukt? Seier du nei, får "
                    "Google berre målingar utan informasjonskapslar. Google ser "
                    "IP-adressa til nettlesaren, men timebestillinga sender aldri namnet ditt, "
                    "fødselsnummeret, kontaktopplysningane eller kva du bestiller.",
    "consent_text_names": "Vil du la oss bruke informasjonskapslar frå Google Analytics til "
                          "statistikk over korleis timebestillinga vert brukt? Seier du nei, "
                          "får Google berre målingar utan informasjonskapslar. Google ser "
                          "IP-adressa til nettlesaren og kva behandlar og timetype som vert "
                          "valt, men aldri namnet ditt, fødselsnummeret eller "
                          "kontaktopplysningane.",
    "national_id_why": "Vi treng nummeret for å vite kven du er og finne journalen din. Det "
                       "vert lagra hos klinikken, vert berre vist for dei tilsette og står "
                       "aldri i e-post eller SMS.",
    "privacy_link": "Slik handsamar vi personopplysningar",
    "email_needed": "Må fyllast ut: vi sender stadfestinga av timen på e-post.",
    "email_optional_sms": "Kan stå tom: stadfestinga kjem på SMS.",
    "email_optional": "Kan stå tom.",
    "consent_yes": "Ja, det er greitt",
    "cancel_loading": "Hentar timen …",
    "cancel_already": "Denne timen er alt avbestilt.",
    "cancel_too_late": "Det er for seint å avbestille eller flytte denne timen på nett. "
                       "Ring oss på {phone}.",
    "cancel_not_found": "Vi fann ikkje timen. Sjekk at du brukte heile lenkja frå "
                        "stadfestinga.",
    "missing_title": "Fann ikkje sida",
    "missing_text": "Adressa finst ikkje her. Kanskje ho er skriven feil, eller sida er "
                    "flytta.",
    "missing_link": "Til timebestillinga",
    "cancel_no_token": "Lenkja manglar koden som trengst for å flytte eller avbestille. Bruk "
                       "lenkja frå stadfestinga du fekk, eller ring oss på {phone}.",
    "cancel_new": "Bestill ein ny time",
    "cancel_confirm_final": "Avbestillinga kan ikkje angrast. Vil du ha time igjen, må du "
                            "bestille ein ny.",
    "cancel_confirm_no": "Nei, behald timen",
    "links_heading": "Bestillingslenkjer",
    "title_links": "Bestillingslenkjer – {clinic}",
    "links_intro": "Lenkjer og innebygd kode til heimesida. Sida er berre for dykk og "
                   "vert ikkje lenkja frå pasientsidene.",
    "links_clinic_page": "Bestillingssida til klinikken",
    "links_open": "Klikk for å opne lenkja",
    "links_preview": "Førehandsvis",
    "links_copy_link": "Kopier lenkje",
    "links_preset": "Førehandsvalt",
    "links_none": "ingenting – pasienten vel alt",
    "links_make": "Lag ei ny lenkje",
    "links_make_intro": "Vel behandlar og/eller timetype som skal vere førehandsvalt.",
    "links_any": "Ikkje noko førehandsval",
    "links_calendar": "Behandlar",
    "hold_left": "Vi held av timen i {time}.",
    "hold_note": "Fullfør bestillinga før tida går ut.",
    "hold_made": "Vi held av timen for deg i nokre minutt medan du fyller ut.",
    "hold_one_minute": "Eitt minutt att av tida vi held av timen.",
    "hold_expired": "Tida vi heldt av timen for deg, gjekk ut. Vel ei tid på nytt – den du "
                    "valde, kan vere teken.",
    "hold_taken": "Nokon andre held av eller har nett bestilt denne tida. Her er dei ledige "
                  "tidene no.",
    "place_gone": "Tida du hadde valt, er ikkje ledig lenger. Vel ei anna tid.",
    "receipt_again": "Timen er alt bestilt, og han blir ikkje bestilt ein gong til. Vil du "
                     "bestille ein ny time, bruk lenkja under.",
    "hold_rate_limited": "Du held av for mange timar samstundes. Vent nokre minutt og prøv "
                         "igjen.",
    "confirm_late": "Denne timen kan ikkje avbestillast eller flyttast på nett.",
    "receipt_late": "Denne timen kan ikkje avbestillast eller flyttast på nett. Kan du ikkje "
                    "kome, ring oss på {phone}.",
    "move_confirm_heading": "Sjå over og flytt",
    "move_done": "Timen er flytta",
    "move_same_link": "Lenkja du fekk i stadfestinga, gjeld framleis for den nye timen.",
    "err_move_not_allowed": "Denne timen kan ikkje flyttast på nett. Avbestill han og bestill "
                            "ein ny, eller ring oss på {phone}.",
    "err_cancellation_deadline": "Det er for seint å flytte eller avbestille denne timen på "
                                 "nett. Ring oss på {phone}.",
    "waitlist_join": "Inga passande tid? Set deg på venteliste",
    "waitlist_heading": "Set deg på venteliste",
    "waitlist_intro": "Vert ein time som passar ledig, sender vi deg ei lenkje på SMS eller "
                      "e-post. Tilbodet går til fleire på lista, og den som bestiller først, "
                      "får timen.",
    "waitlist_any": "Kven som helst",
    "waitlist_to": "Til og med dato",
    "waitlist_to_hint": "Seinast {date}.",
    "waitlist_bad_range": "Vel datoar frå i dag til seinast {date}, med til-datoen etter "
                          "frå-datoen.",
    "waitlist_from": "Frå dato",
    "waitlist_done_heading": "Du står på ventelista",
    "waitlist_done": "Vert ein time ledig mellom {from} og {to}, sender vi deg ei lenkje. Der "
                     "bestiller du timen med eitt trykk.",
    "waitlist_leave": "Vil du ikkje stå på lista lenger? Meld deg av med denne lenkja:",
    "waitlist_submit": "Set meg på ventelista",
    "offer_heading": "Ledig time frå ventelista",
    "offer_loading": "Hentar tilbodet …",
    "offer_intro": "Desse timane er ledige no. Eitt trykk bestiller timen.",
    "offer_none": "Det er ingen ledig time å tilby deg akkurat no. Du står framleis på "
                  "ventelista, og vi seier frå når ein time vert ledig.",
    "offer_taken": "Nokon andre rakk å bestille denne timen.",
    "offer_taken_rest": "Desse er framleis ledige:",
    "offer_taken_none": "Du står framleis på ventelista, og vi seier frå når ein ny time vert "
                        "ledig.",
    "offer_leave": "Meld meg av ventelista",
    "offer_left": "Du er meld av ventelista.",
    "offer_ended": "Du står ikkje lenger på ventelista. Vil du vente på ein time igjen, set "
                   "deg på lista frå bestillingssida.",
    "offer_not_found": "Vi fann ikkje plassen din på ventelista. Sjekk at du brukte heile "
                       "lenkja, eller ring oss på {phone}.",
    "offer_no_token": "Lenkja manglar koden til plassen din på ventelista. Bruk lenkja du "
                      "fekk, eller ring oss på {phone}.",
    "links_embed_heading": "Kvar sidene kan byggjast inn",
    "links_embed_intro": "Den innebygde koden verkar på desse nettstadene:",
    "links_embed_none": "Ingen nettstader er oppførte enno.",
    "links_embed_how": "På andre nettstader viser koden ei vanleg lenkje til bestillingssida i "
                       "staden for ramma. Legg nettstaden til under embed_origins i "
                       "klinikkfila (til dømes https://www.klinikken.no) og byggj sidene "
                       "på nytt.",
    "locale": "nn-NO",
    "place": "Stad",
    "national_id": "Fødselsnummer eller D-nummer (11 siffer)",
}

EN: dict[str, str] = {
    "locale": "en-GB",
    "title_booking": "Book an appointment – {clinic}",
    "title_cancel": "Move or cancel an appointment – {clinic}",
    "title_links": "Booking links – {clinic}",
    "heading_booking": "Book an appointment",
    "test_banner": "Test page: appointments booked here are not real.",
    "noscript": "Booking needs JavaScript. Call us to book an appointment.",
    "contact": "Contact",
    "phone": "Phone",
    "email": "Email",
    "step_calendar": "Who would you like to see?",
    "first_available": "First available appointment",
    "first_available_hint": "With whoever of us is free first",
    "step_type": "What is the appointment for?",
    "minutes": "{n} min",
    "price": "Price: NOK {price}",
    "place": "Place",
    "step_day": "Choose a day",
    "step_slot": "Choose a time",
    "step_details": "Your details",
    "step_confirm": "Check and confirm",
    "change": "Change",
    "with": "with {name}",
    "loading": "Fetching free times …",
    "free_count_one": "{n} free",
    "free_count": "{n} free",
    "day_none": "none free",
    "day_full": "Full",
    "day_closed": "Closed",
    "day_type_off": "Not offered",
    "day_type_off_long": "this appointment type is not offered on this day",
    "day_type_off_note": "Not offered: the appointment type you chose is not offered on "
                         "these days, but the clinic is open for other appointments.",
    "day_first": "First available appointment",
    "month_prev": "Previous month",
    "month_next": "Next month",
    "weekdays": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
    "weekdays_long": "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
    "no_slots": "There are no free times online for this choice right now.",
    "no_slots_hint": "Try another appointment type or practitioner, or call us on {phone}.",
    "id_type": "Kind of number",
    "fnr": "National identity number (fødselsnummer)",
    "dnr": "D-number",
    "id_type_auto": "We choose this from the number you type. You can change it here.",
    "national_id": "National identity number or D-number (11 digits)",
    "national_id_hint": "Spaces are fine.",
    "first_name": "First name",
    "last_name": "Last name",
    "mobile": "Mobile number",
    "mobile_hint": "We send the confirmation here.",
    "continue": "Continue",
    "confirm": "Confirm booking",
    "sending": "Booking …",
    "required": "Please fill in this field.",
    "bad_phone": "Enter a mobile number, for example 412 34 567 or +46 70 123 45 67.",
    "phone_not_mobile": "This looks like a landline number. Enter a mobile number so we can "
                        "send text messages.",
    "bad_email": "Enter an email address, for example name@example.com.",
    "fix_fields": "Some fields need correcting before you can continue.",
    "id_ok_fnr": "Valid national identity number.",
    "id_ok_dnr": "Valid D-number.",
    "id_format": "Enter 11 digits (0–9). Spaces, and one hyphen after the first six, are fine.",
    "id_checksum": "The control digits do not match. Check that the number is typed correctly.",
    "id_date": "The first six digits are not a valid date (DDMMYY).",
    "id_kind": "This kind of number cannot be used. Use a national identity number or a "
               "D-number.",
    "id_is_dnr": "This is a D-number. Choose “D-number” under “Kind of number”.",
    "id_is_fnr": "This is a national identity number. Choose “National identity number” "
                 "under “Kind of number”.",
    "id_type_missing": "Choose national identity number or D-number.",
    "when": "When",
    "who": "With",
    "what": "Appointment",
    "name": "Name",
    "receipt": "Your appointment is booked",
    "receipt_sent": "We are sending you a confirmation.",
    "receipt_cancel": "Need to move or cancel? Use this link:",
    "receipt_cancel_deadline": "Move or cancel at least {hours} hours before the "
                               "appointment.",
    "add_to_calendar": "Add to calendar",
    "book_another": "Book another appointment",
    "err_slot_unavailable": "Someone else just booked this time. Please choose another time.",
    "err_max_self_booked": "You have already booked as many appointments online as we allow. "
                           "Cancel one you do not need, or call us on {phone}.",
    "err_booking_deadline": "It is too late to book this time online. Choose a later time.",
    "err_outside_booking_window": "This time cannot be booked online. Choose another time.",
    "err_validation": "Some details need correcting. See the marked fields.",
    "err_rate_limited": "Too many attempts in a short time. Wait a minute and try again.",
    "err_network": "We could not reach the booking service. Check your connection and try "
                   "again.",
    "err_unreachable": "The booking service is not answering right now. Try again in a "
                       "little while, or call us on {phone}.",
    "err_generic": "Something went wrong on our side. Try again, or call us on {phone}.",
    "err_not_found": "This choice no longer exists. Reload the page.",
    "err_waitlist_ended": "You are no longer on the waiting list, so this time cannot be "
                          "booked from here. To wait for a time again, join the list from "
                          "the booking page.",
    "err_hold_expired": "The time we held for you ran out. Choose a time again.",
    "err_hold_invalid": "The time we held for you no longer applies. Choose a time again.",
    "err_booking_cancelled": "This appointment is cancelled and cannot be moved. Book a new "
                             "one, or call us on {phone}.",
    "err_unauthorized": "The link or your login no longer works. Use the link you got, or "
                        "call us on {phone}.",
    "err_payload_too_large": "What you sent was too long. Shorten it and try again.",
    "err_unsupported_media_type": "Your browser sent something the booking service did not "
                                  "understand. Reload the page and try again.",
    "err_unavailable": "The booking service is not available right now. Try again in a "
                       "little while, or call us on {phone}.",
    "pick_other": "Choose another time",
    "try_again": "Try again",
    "consent_label": "Cookies",
    "consent_text": "May we use Google Analytics cookies for statistics on how the booking "
                    "page is used? If you say no, Google only gets measurements without "
                    "cookies. Google sees your browser's IP address, but the booking page "
                    "never sends your name, national identity number, contact details or "
                    "what you book.",
    "consent_text_names": "May we use Google Analytics cookies for statistics on how the "
                          "booking page is used? If you say no, Google only gets measurements "
                          "without cookies. Google sees your browser's IP address and which "
                          "practitioner and appointment type are chosen, but never your name, "
                          "national identity number or contact details.",
    "national_id_why": "We need the number to know who you are and to find your medical "
                       "record. It is kept by the clinic, shown only to its staff and never "
                       "written in an e-mail or SMS.",
    "privacy_link": "How we handle personal data",
    "email_needed": "Required: we send the confirmation of your appointment by email.",
    "email_optional_sms": "You may leave it empty: the confirmation comes by text message.",
    "email_optional": "You may leave it empty.",
    "consent_yes": "Yes, that's fine",
    "consent_no": "No thanks",
    "cancel_heading": "Move or cancel an appointment",
    "cancel_loading": "Fetching the appointment …",
    "cancel_button": "Cancel the appointment",
    "cancel_done": "The appointment is cancelled.",
    "cancel_already": "This appointment is already cancelled.",
    "cancel_too_late": "It is too late to cancel or move this appointment online. "
                       "Call us on {phone}.",
    "cancel_not_found": "We could not find the appointment. Check that you used the whole "
                        "link from the confirmation.",
    "missing_title": "Page not found",
    "missing_text": "There is nothing at this address. It may be mistyped, or the page has "
                    "moved.",
    "missing_link": "To the booking page",
    "cancel_no_token": "The link lacks the code needed to move or cancel. Use the link from "
                       "your confirmation, or call us on {phone}.",
    "cancel_new": "Book a new appointment",
    "cancel_confirm_heading": "Do you want to cancel the appointment?",
    "cancel_confirm_final": "A cancellation cannot be undone. To have an appointment again, "
                            "you must book a new one.",
    "cancel_confirm_yes": "Yes, cancel the appointment",
    "cancel_confirm_no": "No, keep the appointment",
    "hold_left": "We are holding this time for you for {time}.",
    "hold_note": "Finish booking before the time runs out.",
    "hold_made": "We are holding this time for you for a few minutes while you fill in "
                 "your details.",
    "hold_one_minute": "One minute left of the time we are holding for you.",
    "hold_expired": "The time we held for you ran out. Choose a time again – the one you "
                    "chose may be taken.",
    "hold_taken": "Someone else is holding or has just booked this time. Here are the free "
                  "times now.",
    "place_gone": "The time you had chosen is no longer free. Please choose another.",
    "receipt_again": "This appointment is already booked, and it will not be booked again. "
                     "To book another one, use the link below.",
    "hold_rate_limited": "You are holding too many times at once. Wait a few minutes and try "
                         "again.",
    "confirm_late": "This appointment cannot be cancelled or moved online.",
    "receipt_late": "This appointment cannot be cancelled or moved online. If you cannot "
                    "come, call us on {phone}.",
    "move_button": "Move the appointment",
    "move_confirm_heading": "Check and move",
    "move_confirm": "Move the appointment here",
    "move_from": "From",
    "move_to": "To",
    "move_done": "Your appointment is moved",
    "move_same_link": "The link in your confirmation still works for the new time.",
    "err_move_not_allowed": "This appointment cannot be moved online. Cancel it and book a "
                            "new one, or call us on {phone}.",
    "err_cancellation_deadline": "It is too late to move or cancel this appointment online. "
                                 "Call us on {phone}.",
    "waitlist_join": "No time that suits you? Join the waiting list",
    "waitlist_heading": "Join the waiting list",
    "waitlist_intro": "When a time that suits you becomes free, we send you a link by text "
                      "message or email. The offer goes to several people on the list, and "
                      "whoever books first gets the time.",
    "waitlist_type": "Appointment type",
    "waitlist_calendar": "With",
    "waitlist_any": "Anyone",
    "waitlist_from": "From date",
    "waitlist_to": "Up to and including",
    "waitlist_to_hint": "At the latest {date}.",
    "waitlist_dates": "Dates",
    "waitlist_bad_range": "Choose dates from today up to {date}, the second one after the "
                          "first.",
    "waitlist_submit": "Put me on the waiting list",
    "waitlist_done_heading": "You are on the waiting list",
    "waitlist_done": "When a time becomes free between {from} and {to}, we send you a link. "
                     "There, one tap books it.",
    "waitlist_leave": "Don't want to wait any more? Leave the list with this link:",
    "title_waitlist": "Waiting list – {clinic}",
    "offer_heading": "A free time from the waiting list",
    "offer_loading": "Fetching the offer …",
    "offer_intro": "These times are free now. One tap books one.",
    "offer_book": "Book this time",
    "offer_none": "There is no free time to offer you right now. You are still on the "
                  "waiting list, and we will tell you when a time becomes free.",
    "offer_taken": "Someone else booked this time first.",
    "offer_taken_rest": "These are still free:",
    "offer_taken_none": "You are still on the waiting list, and we will tell you when another "
                        "time becomes free.",
    "offer_leave": "Take me off the waiting list",
    "offer_left": "You are off the waiting list.",
    "offer_ended": "You are no longer on the waiting list. To wait for a time again, join the "
                   "list from the booking page.",
    "offer_not_found": "We could not find your place on the waiting list. Check that you used "
                       "the whole link, or call us on {phone}.",
    "offer_no_token": "The link lacks the code of your place on the waiting list. Use the link "
                      "you got, or call us on {phone}.",
    "links_heading": "Booking links",
    "links_intro": "Links and embed code for your website. This page is for staff only and "
                   "is not linked from the patient pages.",
    "links_clinic_page": "The clinic's booking page",
    "links_open": "Click to open the link",
    "links_preview": "Preview",
    "links_copy_link": "Copy link",
    "links_copy_iframe": "Copy iframe code",
    "links_copied": "Copied.",
    "links_iframe": "Embed code (iframe)",
    "links_preset": "Preselected",
    "links_none": "nothing – the patient chooses everything",
    "links_make": "Make a new link",
    "links_make_intro": "Choose the practitioner and/or appointment type to preselect.",
    "links_any": "No preselection",
    "links_calendar": "Practitioner",
    "links_type": "Appointment type",
    "links_embed_heading": "Where the pages may be embedded",
    "links_embed_intro": "The embed code works on these sites:",
    "links_embed_none": "No sites are listed yet.",
    "links_embed_how": "On other sites the code shows a plain link to the booking page instead "
                       "of the frame. Add the site under embed_origins in the clinic file (for "
                       "example https://www.clinic.no) and build the pages again.",
}

#: patient login (docs/patient-login.md): the clinic page's "Logg inn" and "Mine timer"
NB_LOGIN: dict[str, str] = {
    "login": "Logg inn",
    "login_hint": "Logg inn for å bestille uten å skrive fødselsnummeret og for å se, "
                  "flytte og avbestille timene dine her.",
    "logged_in_as": "Logget inn som {name}",
    "logged_in": "Du er logget inn. Du trenger ikke skrive fødselsnummeret.",
    "my_bookings": "Mine timer",
    "my_upcoming": "Kommende timer",
    "my_past": "Tidligere timer",
    "my_none": "Ingen timer.",
    "my_cancel": "Avbestill",
    "my_cancel_sure": "Ja, avbestill timen",
    "my_move": "Flytt",
    "my_move_pick": "Velg ny tid",
    "my_moved": "Timen er flyttet.",
    "my_cancelled": "Avbestilt",
    "logout": "Logg ut",
    "logged_out": "Du er logget ut.",
    "login_failed": "Innloggingen lyktes ikke. Du kan fortsatt bestille uten å logge inn.",
    "login_unavailable": "Innlogging er ikke tilgjengelig akkurat nå. Du kan fortsatt "
                         "bestille uten å logge inn.",
    "login_ended": "Innloggingen er avsluttet. Logg inn igjen for å se timene dine.",
}
NN_LOGIN: dict[str, str] = {
    "login": "Logg inn",
    "login_hint": "Logg inn for å bestille utan å skrive fødselsnummeret og for å sjå, "
                  "flytte og avbestille timane dine her.",
    "logged_in_as": "Logga inn som {name}",
    "logged_in": "Du er logga inn. Du treng ikkje skrive fødselsnummeret.",
    "my_bookings": "Mine timar",
    "my_upcoming": "Komande timar",
    "my_past": "Tidlegare timar",
    "my_none": "Ingen timar.",
    "my_cancel": "Avbestill",
    "my_cancel_sure": "Ja, avbestill timen",
    "my_move": "Flytt",
    "my_move_pick": "Vel ny tid",
    "my_moved": "Timen er flytta.",
    "my_cancelled": "Avbestilt",
    "logout": "Logg ut",
    "logged_out": "Du er logga ut.",
    "login_failed": "Innlogginga lukkast ikkje. Du kan framleis bestille utan å logge inn.",
    "login_unavailable": "Innlogging er ikkje tilgjengeleg akkurat no. Du kan framleis "
                         "bestille utan å logge inn.",
    "login_ended": "Innlogginga er avslutta. Logg inn att for å sjå timane dine.",
}
EN_LOGIN: dict[str, str] = {
    "login": "Log in",
    "login_hint": "Log in to book without typing your national identity number, and to see, "
                  "move and cancel your appointments here.",
    "logged_in_as": "Logged in as {name}",
    "logged_in": "You are logged in. You need not type your national identity number.",
    "my_bookings": "My appointments",
    "my_upcoming": "Upcoming",
    "my_past": "Past",
    "my_none": "No appointments.",
    "my_cancel": "Cancel",
    "my_cancel_sure": "Yes, cancel the appointment",
    "my_move": "Move",
    "my_move_pick": "Pick a new time",
    "my_moved": "The appointment has been moved.",
    "my_cancelled": "Cancelled",
    "logout": "Log out",
    "logged_out": "You are logged out.",
    "login_failed": "The login did not succeed. You can still book without logging in.",
    "login_unavailable": "Login is not available right now. You can still book without "
                         "logging in.",
    "login_ended": "Your login has ended. Log in again to see your appointments.",
}
NB.update(NB_LOGIN)
NN.update(NN_LOGIN)
EN.update(EN_LOGIN)

STRINGS: dict[str, dict[str, str]] = {"nb": NB, "nn": NN, "en": EN}

# What the page's script needs (the rest is rendered into the HTML).
CLIENT_KEYS = (
    "locale", "change", "with", "loading", "free_count_one", "free_count", "no_slots",
    "day_none", "day_full", "day_closed", "day_type_off", "day_type_off_long",
    "day_type_off_note", "day_first", "month_prev", "month_next", "weekdays",
    "weekdays_long", "no_slots_hint",
    "minutes", "price", "required", "bad_phone", "bad_email", "fix_fields", "id_ok_fnr",
    "id_ok_dnr", "id_format", "id_checksum", "id_date", "id_kind", "id_is_dnr", "id_is_fnr",
    "id_type_missing", "fnr", "dnr", "when", "who", "what", "place", "name", "mobile", "email",
    "email_needed", "email_optional_sms", "email_optional",
    "first_available", "receipt_cancel_deadline", "sending", "confirm",
    "err_slot_unavailable", "err_max_self_booked", "err_booking_deadline",
    "err_outside_booking_window", "err_validation", "err_rate_limited", "err_network",
    "err_unreachable",
    "err_generic", "err_not_found", "err_waitlist_ended", "err_hold_expired",
    "err_hold_invalid", "err_booking_cancelled", "err_unauthorized", "err_payload_too_large",
    "err_unsupported_media_type", "err_unavailable", "pick_other", "try_again", "cancel_done",
    "cancel_already", "cancel_too_late", "cancel_not_found", "cancel_no_token",
    "links_copied", "id_type", "national_id", "national_id_hint", "first_name", "last_name",
    "hold_left", "hold_made", "hold_one_minute", "hold_expired", "hold_taken",
    "place_gone", "hold_rate_limited", "receipt_late", "move_confirm", "move_from", "move_to",
    "err_move_not_allowed", "err_cancellation_deadline", "waitlist_join", "waitlist_heading",
    "waitlist_intro", "waitlist_type", "waitlist_calendar", "waitlist_any", "waitlist_from",
    "waitlist_to", "waitlist_to_hint", "waitlist_dates", "waitlist_bad_range",
    "waitlist_submit", "waitlist_done_heading", "waitlist_done", "waitlist_leave",
    "offer_intro", "offer_book", "offer_none", "offer_taken", "offer_taken_rest",
    "offer_taken_none", "offer_left", "offer_ended", "offer_not_found", "offer_no_token",
)


def strings(language: str) -> dict[str, str]:
    """The page strings of a language (nb when the language is unknown)."""
    return STRINGS.get(language, NB)


#: what the login module needs besides, on pages of clinics with `patient_login` only
LOGIN_CLIENT_KEYS = (*NB_LOGIN, "when", "who", "what", "loading", "no_slots", "err_generic",
                     "err_network", "err_unreachable", "cancel_too_late")


def client_strings(language: str, *, login: bool = False) -> dict[str, str]:
    table = strings(language)
    keys = dict.fromkeys((*CLIENT_KEYS, *(LOGIN_CLIENT_KEYS if login else ())))
    return {key: table[key] for key in keys}
