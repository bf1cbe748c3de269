"""Texts of every error the server answers, in German (default) and English.

The domain raises codes with parameters; this module turns them into sentences for the reader's
language (``Accept-Language``). One table per language keeps translations side by side.
"""

from __future__ import annotations

from typing import Any

DE: dict[str, str] = {
    # request level
    "malformed_json": "Der Inhalt der Anfrage ist kein gültiges JSON: {reason}",
    "json_required": "Die Anfrage muss JSON senden (Content-Type: application/json).",
    "body_too_large": "Die Anfrage ist zu groß (höchstens {limit} Bytes). Bitte in kleineren Teilen senden.",
    "too_many_changes": "Zu viele Änderungen in einer Übertragung ({count}, höchstens {limit}).",
    "too_many_values": "Die Anfrage enthält zu viele JSON-Werte (höchstens {limit}). Bitte in kleineren Teilen "
                       "senden.",
    "not_found": "Diese Adresse gibt es nicht.",
    "method_not_allowed": "Diese Methode ist hier nicht erlaubt.",
    "internal_error": "Interner Fehler des Servers. Die Daten sind unverändert.",
    "invalid_body": "Die Angaben sind unvollständig oder fehlerhaft.",
    "invalid_query": "Ein Parameter der Anfrage ist fehlerhaft.",
    # indicator uploads (domain/indicators/upload.py)
    "upload_invalid": "Nichts wurde übernommen: {count} von {total} Zeilen sind fehlerhaft (siehe Bericht je Zeile).",
    "upload_refused": "Nichts wurde übernommen: {count} von {total} Zeilen dürfen Sie nicht schreiben (siehe Bericht "
                      "je Zeile).",
    # indicator spreadsheets (domain/indicators/spreadsheet.py): the file as a whole
    "empty": "Die Datei ist leer: sie enthält keine Tabelle.",
    "unknown_format": "Dieses Dateiformat ({found}) wird nicht gelesen. Bitte als CSV oder als Excel-Arbeitsmappe "
                      "(.xlsx) speichern; alte .xls-Dateien und Dateien mit Kennwort in Excel als .xlsx ohne "
                      "Kennwort speichern.",
    "unreadable": "Die Datei lässt sich nicht lesen ({reason}). Ist sie beschädigt oder unvollständig übertragen?",
    "no_header": "In {sheets} steht keine erkennbare Kopfzeile. Erwartet wird eine Spalte für das Gebiet "
                 "(z. B. Schlüssel, AGS, Gemeinde, Ortsteil) und entweder die Spalten Jahr und Wert oder "
                 "Jahreszahlen als Spaltenüberschriften (2022, 2023, ...).",
    "sheet_not_found": "Das Tabellenblatt {sheet} gibt es in der Datei nicht (vorhanden: {sheets}).",
    "too_many_rows": "Die Datei hat zu viele Zeilen oder Werte ({count}, höchstens {limit}). Bitte in mehrere "
                     "Dateien teilen.",
    "too_large": "Die Datei ist zu groß ({size} Bytes; Grenze {limit} Bytes, bei Excel-Dateien auch für den "
                 "entpackten Inhalt). Bitte in mehrere Dateien teilen.",
    "formulas_without_values": "Das Blatt {sheet} enthält Formeln ohne gespeichertes Ergebnis ({count} Zellen, "
                               "z. B. {cells}): das Programm, das die Datei erzeugt hat, rechnet nicht. Bitte in "
                               "Excel oder LibreOffice öffnen und speichern, oder Werte statt Formeln einfügen.",
    "merged_cells": "Das Blatt {sheet} hat verbundene Zellen in der Tabelle ({cells}); dann ist nicht klar, zu "
                    "welcher Zeile ein Wert gehört. Bitte den Zellverbund aufheben und die Angabe in jede Zeile "
                    "schreiben.",
    # accounts
    "wrong_credentials": "Benutzername oder Passwort ist falsch.",
    "login_locked": "Zu viele fehlgeschlagene Anmeldungen. Bitte in {seconds} Sekunden erneut versuchen.",
    "missing_token": "Bitte zuerst anmelden.",
    "token_expired": "Die Anmeldung ist abgelaufen. Bitte erneut anmelden.",
    "token_invalid": "Die Anmeldung ist ungültig. Bitte erneut anmelden.",
    "token_revoked": "Die Anmeldung wurde beendet (Abmeldung oder geänderte Rechte). Bitte erneut anmelden.",
    "refresh_token_required": "Hier wird das Erneuerungs-Token (refresh token) erwartet.",
    "access_token_required": "Hier wird das Zugangs-Token (access token) erwartet, nicht das Erneuerungs-Token.",
    "weak_password": "Das Passwort ist zu kurz.",
    "wrong_old_password": "Das bisherige Passwort stimmt nicht.",
    "username_taken": "Der Benutzername {username} ist schon vergeben.",
    "user_not_found": "Benutzer {id} gibt es nicht.",
    "admin_only": "Nur die Kreisverwaltung (Administration) darf das ({action}); Ihre Rolle: {role}.",
    # configuration
    "municipality_not_found": "Kommune {id} gibt es nicht.",
    "level_not_found": "Raumebene {id} gibt es nicht.",
    "category_not_found": "Kategorie {id} gibt es nicht.",
    "key_taken": "Der Schlüssel {key} ist schon vergeben.",
    "invalid_crs": "Das Koordinatensystem ist nicht bekannt.",
    "invalid_geometry": "Die Geometrie ist fehlerhaft.",
    # sync
    "layer_not_found": "Die Ebene {layer} gibt es nicht (bekannt: {known}).",
    "schema_outdated": "Die Arbeitskopie nutzt Version {client} der Ebene {layer}, der Server Version {server}. "
                       "Bitte die Daten neu auschecken.",
    "idempotency_key_reused": "Der Übertragungsschlüssel {key} wurde schon für andere Änderungen benutzt.",
    "push_forbidden": "Nichts wurde übernommen: {count} von {total} Änderungen sind nicht erlaubt.",
    "push_invalid": "Nichts wurde übernommen: {count} von {total} Änderungen sind fehlerhaft.",
    "push_conflict": "Nichts wurde übernommen: {count} von {total} Objekten wurden inzwischen auf dem Server "
                     "geändert. Bitte synchronisieren.",
    "invalid_change": "Die Änderung ist fehlerhaft.",
    "checkout_required.cursor_ahead": "Die Arbeitskopie ist auf Stand {cursor}, der Server erst auf Stand "
                                      "{server_cursor}: sie stammt von einem anderen Server oder einer älteren "
                                      "Sicherung. Bitte die Daten neu auschecken.",
    "checkout_required.sharing_ended": "{municipality_name} ({municipality}) gibt ihre unveröffentlichten "
                                       "Daten nicht mehr frei; die Arbeitskopie kann solche Daten noch "
                                       "enthalten. Bitte die Daten neu auschecken.",
    "checkout_required.rights_changed": "Ihre Rolle oder Kommune wurde geändert; die Arbeitskopie zeigt noch, "
                                        "was die alten Rechte zeigten. Bitte die Daten neu auschecken.",
    "checkout_required": "Die Arbeitskopie passt nicht mehr zum Server. Bitte die Daten neu auschecken.",
    "stale_revision": "Das Objekt wurde inzwischen geändert (Ihr Stand: {base}, Server: {current}).",
    "already_exists": "Ein Objekt mit dieser Kennung gibt es schon.",
    "read_only_role": "Mit der Rolle {role} dürfen keine Daten geändert werden.",
    "not_owner": "Das Objekt gehört {owner_name} ({owner}); nur {owner_name} darf es ändern oder löschen. "
                 "Sie bearbeiten die Daten von {municipality_name} ({municipality}).",
    "foreign_owner": "Neue Objekte dürfen nur für die eigene Kommune {municipality_name} ({municipality}) "
                     "angelegt werden, nicht für {owner_name} ({owner}).",
    "owner_change": "Die zuständige Kommune eines Objekts darf nur die Kreisverwaltung ändern "
                    "(von {municipality_name} ({municipality}) zu {owner_name} ({owner})).",
    "county_level": "Raumeinheiten der Ebene {level} und ihre Indikatorwerte pflegt die Kreisverwaltung; "
                    "Kommunen pflegen nur ihre eigenen Ebenen (z. B. Ortsteile).",
    "outside_territory": "Die Lage liegt außerhalb des Gebiets von {municipality_name} ({municipality}) "
                         "(Toleranz {tolerance_m} m).",
    # review
    "not_reviewable": "Änderung {revision} kann nicht geprüft werden (Status {state}; neueste Änderung: {head}).",
    "nothing_pending_in_push": "In der Übertragung {push_id} wartet nichts auf Prüfung.",
    "revision_not_found": "Änderung {id} gibt es nicht.",
    "feature_not_found": "Objekt {id} gibt es nicht.",
    "offer_not_found": "Ein veröffentlichtes Angebot {id} gibt es nicht.",
    "page_not_found": "Die Seite {key} gibt es nicht (bekannt: {known}).",
    # visitors' reports of outdated offers (domain/reports.py)
    "report_rate_limited": "Von Ihrem Anschluss kamen in kurzer Zeit viele Meldungen. Bitte in {seconds} Sekunden "
                           "erneut versuchen.",
    "report_spam": "Die Meldung wurde nicht angenommen: ein Feld, das nur Programme ausfüllen, war ausgefüllt.",
    "report_form_invalid": "Das Meldeformular ist ungültig. Bitte die Details des Angebots neu öffnen.",
    "report_form_expired": "Das Meldeformular ist abgelaufen. Bitte die Details des Angebots neu öffnen.",
    "report_too_fast": "Die Meldung kam schneller, als ein Mensch ein Formular ausfüllt. Bitte nach {seconds} Sekunden "
                       "erneut senden.",
    "report_not_found": "Eine Meldung {id} gibt es nicht (oder sie betrifft ein Angebot einer anderen Gemeinde).",
    "report_closed": "Die Meldung {id} ist bereits abgeschlossen.",
    "reports_staff_only": "Meldungen zu Angeboten sehen nur die Bearbeitung der Gemeinde und die Kreisverwaltung; "
                          "Ihre Rolle: {role}.",
    # saved views (domain/views.py) and the web login
    "view_not_found": "Die Ansicht {id} gibt es nicht.",
    "view_not_owner": "Die Ansicht gehört {owner_name} ({owner}); nur {owner_name} darf sie ändern oder löschen.",
    "view_published": "Die Ansicht {id} ist im Atlas veröffentlicht; ändern lässt sie sich erst, wenn die "
                      "Kreisverwaltung sie zurückgezogen hat. Speichern Sie sie sonst als neue Ansicht.",
    "view_wrong_state": "Die Ansicht {id} ist im Zustand {state}; {decision} geht so nicht.",
    "csrf_missing": "Der Anfrage fehlt das CSRF-Token (Kopfzeile X-CSRF-TOKEN). Bitte die Seite neu laden.",
    "csrf_mismatch": "Das CSRF-Token passt nicht zur Anmeldung. Bitte die Seite neu laden.",
    "not_published": "Objekt {id} ist nicht veröffentlicht.",
    # indicators
    "indicator_not_found": "Den Indikator {key} gibt es nicht.",
    "theme_not_found": "Das Thema {key} gibt es nicht.",
    "theme_in_use": "Das Thema {key} hat noch Indikatoren ({indicators}); bitte diese zuerst einem anderen "
                    "Thema zuordnen oder löschen.",
    "indicator_has_values": "Der Indikator {key} hat Werte; er kann nicht gelöscht werden.",
    "indicator_key_has_values": "Der Indikator {key} hat Werte; sein Schlüssel kann nicht mehr geändert werden.",
    "indicator_referenced": "Andere Indikatoren bauen auf {key} auf ({indicators}); bitte diese zuerst ändern.",
    "indicator_in_views": "Gespeicherte Ansichten zeigen den Indikator {key} ({count}: {views}); die Gemeinden, "
                          "denen sie gehören, müssen sie zuerst ändern oder löschen.",
    "county_indicator": "Den Indikator {indicator} pflegt die Kreisverwaltung; Kommunen liefern nur Werte "
                        "der Indikatoren, die sie selbst pflegen.",
    "unit_not_found": "Die Raumeinheit {key} gibt es nicht.",
    "level_not_collected": "Der Indikator {indicator} wird auf der Ebene {level} nicht erhoben (Ebenen: {levels}).",
    # OGC API
    "unknown_parameters": "Unbekannte Parameter: {names} (erlaubt: {allowed}).",
    "unsupported_format": "Das Format {format} wird nicht angeboten (möglich: {formats}).",
    "collection_not_found": "Die Sammlung {collection} gibt es nicht (bekannt: {known}).",
    "item_not_found": "In der Sammlung {collection} ist kein Objekt {id} veröffentlicht.",
    # downloads of an indicator view (domain/indicators/export.py): labels and texts in the files
    "export.col.key": "Schlüssel",
    "export.col.name": "Raumeinheit",
    "export.col.year": "Jahr",
    "export.col.value": "Wert",
    "export.col.note": "Hinweis",
    "export.sheet.data": "Daten",
    "export.sheet.notes": "Erläuterungen",
    "export.suppressed": "nicht ausgewiesen (Geheimhaltung)",
    "export.missing": "kein Wert",
    "export.flag.provisional": "vorläufig",
    "export.flag.estimated": "geschätzt",
    "export.flag.series_break": "Reihenbruch",
    "export.flag.computed": "berechnet (Summe bzw. Quote der Teilgebiete)",
    "export.flag.incomplete": "unvollständig (Teilgebiete fehlen)",
    "export.note.indicator": "Indikator",
    "export.note.key": "Indikatorschlüssel",
    "export.note.definition": "Definition",
    "export.note.unit": "Einheit",
    "export.note.formula": "Berechnung",
    "export.note.level": "Raumebene",
    "export.note.year": "Jahr",
    "export.note.source": "Quelle",
    "export.note.licence": "Lizenz und Nutzungsrechte",
    "export.note.confidentiality": "Geheimhaltung",
    "export.note.stand": "Stand der Daten",
    "export.note.retrieved": "Abgerufen am",
    "export.note.publisher": "Herausgeber",
    "export.formula_text": "{numerator} ÷ {denominator}",
    "export.all_years": "alle Jahre",
    "export.not_stated": "keine Angabe",
    "export.confidentiality_text": "Werte aus weniger als {min_count} Fällen oder mit einer Bezugsgröße unter "
                                   "{min_denominator} werden nicht ausgewiesen, ebenso Werte, aus denen sie sich "
                                   "zurückrechnen ließen; sie stehen als „nicht ausgewiesen (Geheimhaltung)“ ohne "
                                   "Zahl in der Datei.",
    "export.publisher_text": "Familienatlas des Landkreises (öffentliche Indikatorwerte)",
    "export.unit.percent": "Prozent",
    "export.unit.per_1000": "je 1.000",
    "export.unit.years": "Jahre",
    "export.unit.count": "Anzahl",
    "export.unit.euro": "Euro",
    "export.unit.index": "Index",
    "export.unit.ratio": "Verhältnis",
    "export.level.landkreis": "Landkreis",
    "export.level.gemeinde": "Gemeinden",
    "export.level.mitgliedsgemeinde": "Mitgliedsgemeinden",
    "export.level.ortsteil": "Ortsteile",
}

DE_FIELDS: dict[str, str] = {
    "ambiguous_unit": "{value} passt zu mehreren Raumeinheiten ({candidates}); bitte den Schlüssel angeben oder "
                      "die Ebene wählen.",
    "no_indicator": "Welcher Indikator? Die Datei hat keine Spalte Indikator; bitte den Indikator beim Hochladen "
                    "wählen.",
    "missing_value": "Der Wert fehlt (und lässt sich nicht aus Zähler und Nenner berechnen).",
    "duplicate_row": "Derselbe Indikator, dieselbe Raumeinheit und dasselbe Jahr stehen noch einmal in {first}.",
    # a row of an indicator spreadsheet: its problem, or why it was skipped
    "not_a_number": "Keine Zahl.",
    "date_not_number": "Ein Datum statt einer Zahl: Excel hat die Eingabe als Datum gelesen (z. B. 12.5 als "
                       "12. Mai). Bitte die Spalte als Zahl formatieren und den Wert neu eingeben.",
    "formula_error": "Eine Formel mit Fehler (z. B. #DIV/0!).",
    "not_a_year": "Keine Jahreszahl (erwartet z. B. 2023).",
    "no_year": "Das Jahr fehlt.",
    "no_unit": "Das Gebiet (Schlüssel oder Name) fehlt.",
    "bad_flag": "Erwartet wird ja oder nein (ja, x, 1 oder leer).",
    "title_row": "Titelzeile über der Tabelle: übersprungen.",
    "blank_row": "Leere Zeile: übersprungen.",
    "totals_row": "Summenzeile (Insgesamt, Summe): übersprungen; Summen bildet der Atlas selbst.",
    "text_row": "Textzeile (z. B. Quelle oder Fußnote): übersprungen.",
    "header_row": "Wiederholte Kopfzeile: übersprungen.",
    "no_value": "Kein Wert (leer oder ein Zeichen wie . x /): dafür wird nichts geschrieben.",
    "required": "Pflichtfeld fehlt.",
    "unknown_field": "Unbekanntes Feld.",
    "wrong_type": "Falscher Typ, erwartet: {expected}.",
    "too_long": "Zu lang (höchstens {max} Zeichen).",
    "bad_token": "Ungültiges oder abgelaufenes Formular.",
    "out_of_range": "Wert außerhalb des erlaubten Bereichs ({min} bis {max}).",
    "bad_date": "Kein gültiges Datum (JJJJ-MM-TT): {value}.",
    "bad_map_position": "Keine Kartenposition (Zoom/Breite/Länge, z. B. 10/52.28/8.05): {value}.",
    "unknown_choice": "Unbekannter Wert: {value}.",
    "admin_needs_county": "Ein Administrationskonto gehört zum Landkreis, nicht zu {municipality}.",
    "subcategory_mismatch": "Unterkategorie {value} gehört nicht zur Kategorie {category}.",
    "age_range": "Das Mindestalter ist größer als das Höchstalter.",
    "bad_email": "Keine gültige E-Mail-Adresse: {value}.",
    "bad_url": "Die Website muss mit http:// oder https:// beginnen: {value}.",
    "bad_opening_hours": "Öffnungszeiten bitte im OpenStreetMap-Format angeben, z. B. „Mo-Fr 08:00-16:00; "
                         "Sa 10:00-12:00“ (Wochentage Mo Tu We Th Fr Sa Su, Zeiten HH:MM-HH:MM, Regeln mit „;“ "
                         "getrennt): {value}.",
    "bad_municipality_keys": "Das Einzugsgebiet ist eine Liste von Gemeindeschlüsseln, mit Kommas getrennt "
                             "(z. B. „03459019, 03459020“; der Schlüssel des Landkreises: kreisweit): {value}.",
    "bad_uuid": "Keine gültige UUID: {value}.",
    "duplicate_in_push": "Dieses Objekt kommt mehrfach in der Übertragung vor.",
    "unknown_feature": "Dieses Objekt gibt es auf dem Server nicht.",
    "empty": "Die Liste ist leer.",
    "unknown_crs": "Unbekanntes Koordinatensystem {crs} (erlaubt: {accepted}).",
    "geometry_not_geojson": "Keine GeoJSON-Geometrie.",
    "wrong_geometry_type": "Geometrietyp {got} passt nicht zur Ebene (erwartet: {expected}).",
    "ring_not_closed": "Ring {ring} von Fläche {polygon} ist nicht geschlossen (erster und letzter Punkt "
                       "verschieden).",
    "ring_too_short": "Ring {ring} von Fläche {polygon} hat weniger als vier Punkte.",
    "bad_coordinates": "Die Koordinaten sind unvollständig oder keine Zahlen.",
    "too_many_vertices": "Zu viele Stützpunkte (höchstens {limit}).",
    "geometry_not_valid": "Ungültige Geometrie: {reason}.",
    "outside_county": "Die Lage ({x}, {y}) liegt außerhalb des Landkreises. Stimmt das Koordinatensystem "
                      "({crs})?",
    "password_too_short": "Das Passwort muss mindestens {min} Zeichen lang sein.",
    "wrong_password": "Das Passwort stimmt nicht.",
    "revisions_or_push": "Entweder Änderungsnummern oder eine Übertragung angeben.",
    "nul_character": "Der Text enthält ein NUL-Zeichen (\\u0000); das kann nicht gespeichert werden.",
    "bad_text": "Der Text enthält ein ungültiges Zeichen (ein einzelnes UTF-16-Surrogat wie \\ud800) und kann "
                "nicht gespeichert werden. Bitte das Zeichen entfernen.",
    "outside_parent": "Das Gebiet ({x}, {y}) liegt außerhalb von {parent}. Stimmt das Koordinatensystem ({crs})?",
    "members_outside": "Die zugehörigen Kommunen liegen außerhalb dieses Gebiets ({x}, {y}). Stimmt das "
                       "Koordinatensystem ({crs})?",
    "parent_cycle": "{name} ({value}) liegt selbst darunter; die Hierarchie darf keinen Kreis bilden.",
    "category_depth": "Der Katalog hat nur zwei Ebenen: die Oberkategorie darf selbst keine Unterkategorie sein, "
                      "und eine Kategorie mit Unterkategorien kann keine Unterkategorie werden.",
    "bad_color": "Keine Farbe im Format #rrggbb: {value}.",
    "unknown_parameter": "Unbekannter Parameter.",
    "repeated_parameter": "Der Parameter darf nur einmal vorkommen.",
    "unsupported_format_value": "Nicht angebotenes Format: {value}.",
    "unsupported_crs": "Das Koordinatensystem {crs} wird nicht angeboten (angeboten: {accepted}).",
    "bad_bbox": "Erwartet werden vier Zahlen (oder sechs, mit Höhen), durch Kommas getrennt: {value}.",
    "bbox_order": "Die erste Ecke muss links unter der zweiten liegen: {value}.",
    "bbox_range": "Längen liegen zwischen -180 und 180, Breiten zwischen -90 und 90: {value}.",
    "bad_datetime": "Kein Datum, keine Zeit und kein Zeitraum nach RFC 3339 (z. B. 2025-01-31 oder "
                    "2025-01-01/..): {value}.",
    "bad_period": "Der Zeitraum endet vor seinem Beginn: {value}.",
    "bad_key": "Schlüssel aus 2 bis {max} Kleinbuchstaben, Ziffern und _ erwartet: {value}.",
    "reserved_key": "Der Schlüssel {value} ist für die Eigenschaften der Indikator-Karten reserviert "
                    "(unit, name, level, parent_key, year, hidden, provisional, estimated, series_break).",
    "unknown_indicator": "Unbekannter Indikator: {value}.",
    "reference_not_count": "{value} ist kein Anzahl-Indikator (Art: {kind}); Zähler und Nenner müssen Anzahlen sein.",
    "only_for_ratios": "Zähler und Nenner gibt es nur für Quoten und Anteile (Art hier: {kind}).",
    "sum_needs_count": "Summiert werden können nur Anzahlen (Art hier: {kind}).",
    "ratio_needs_parts": "Neu berechnen aus Zähler und Nenner geht nur für Quoten und Anteile mit Zähler und "
                         "Nenner.",
    "duplicate_level": "Eine Ebene ist doppelt genannt.",
    "count_in_use": "Andere Indikatoren bauen auf diese Anzahl auf ({indicators}); sie bleibt eine Anzahl.",
    "bad_keywords": "Höchstens {max} Suchwörter mit je 1 bis {length} Zeichen.",
    "unknown_category": "Unbekannte Angebotskategorie: {value}.",
    "bad_per": "Der Bezug (per) muss eine positive Zahl sein: {value}.",
    "reference_cycle": "Die Indikatoren bauen im Kreis aufeinander auf ({value}).",
    "unknown_unit": "Unbekannte Raumeinheit: {value}.",
    "level_mismatch": "Die Raumeinheit {unit} liegt auf der Ebene {expected}, nicht {value}.",
    "level_not_collected": "Der Indikator {indicator} wird auf der Ebene {level} nicht erhoben.",
    "value_id_mismatch": "Die Kennung eines Indikatorwerts folgt aus Indikator, Raumeinheit und Jahr; "
                         "erwartet: {expected}.",
    "bad_year": "Das Jahr muss zwischen {min} und {max} liegen: {value}.",
    "negative": "Der Wert darf nicht negativ sein: {value}.",
    "not_a_count": "Eine Anzahl ist eine ganze Zahl ab 0: {value}.",
    "share_above_100": "Ein Anteil kann nicht über {max} liegen: {value}.",
    "numerator_above_denominator": "Der Zähler ({numerator}) ist größer als der Nenner ({denominator}).",
    "zero_denominator": "Der Nenner muss größer als 0 sein.",
    "value_inconsistent": "Der Wert {value} passt nicht zu Zähler und Nenner (daraus: {expected}).",
    "value_owner": "Ein Indikatorwert gehört der Kommune seiner Raumeinheit ({expected}), nicht {value}.",
    "no_geometry": "Indikatorwerte haben keine Geometrie.",
    "no_values_in_year": "Für {value} gibt es keine veröffentlichten Werte dieses Indikators auf dieser Ebene "
                         "(Jahre mit Werten: {years}).",
    "unknown_download_format": "Unbekanntes Format {value} (möglich: {formats}).",
}

EN: dict[str, str] = {
    "malformed_json": "The request body is not valid JSON: {reason}",
    "json_required": "The request must send JSON (Content-Type: application/json).",
    "body_too_large": "The request is too large (at most {limit} bytes). Please send it in smaller parts.",
    "too_many_changes": "Too many changes in one push ({count}, at most {limit}).",
    "too_many_values": "The request holds too many JSON values (at most {limit}). Please send it in smaller parts.",
    "not_found": "There is nothing at this address.",
    "method_not_allowed": "This method is not allowed here.",
    "internal_error": "Internal server error. Nothing was changed.",
    "invalid_body": "The request is incomplete or wrong.",
    "invalid_query": "A query parameter is wrong.",
    "upload_invalid": "Nothing was applied: {count} of {total} rows are invalid (see the report per row).",
    "upload_refused": "Nothing was applied: {count} of {total} rows you may not write (see the report per row).",
    "empty": "The file is empty: it holds no table.",
    "unknown_format": "This file format ({found}) is not read. Please save as CSV or as an Excel workbook (.xlsx); "
                      "save old .xls files and password-protected files in Excel as .xlsx without a password.",
    "unreadable": "The file cannot be read ({reason}). Is it damaged or incompletely transferred?",
    "no_header": "No recognisable header row in {sheets}. Expected: a column for the area (e.g. key, AGS, "
                 "municipality, Ortsteil) and either the columns year and value or years as column headers "
                 "(2022, 2023, ...).",
    "sheet_not_found": "The file has no sheet {sheet} (sheets: {sheets}).",
    "too_many_rows": "The file has too many rows or values ({count}, at most {limit}). Please split it.",
    "too_large": "The file is too large ({size} bytes; limit {limit} bytes, for Excel files also unpacked). "
                 "Please split it.",
    "formulas_without_values": "Sheet {sheet} holds formulas without a saved result ({count} cells, e.g. {cells}): "
                               "the program that wrote the file does not calculate. Please open and save it in "
                               "Excel or LibreOffice, or paste values instead of formulas.",
    "merged_cells": "Sheet {sheet} has merged cells in the table ({cells}), so it is unclear which row a value "
                    "belongs to. Please unmerge them and write the entry into every row.",
    "wrong_credentials": "User name or password is wrong.",
    "login_locked": "Too many failed logins. Please try again in {seconds} seconds.",
    "missing_token": "Please log in first.",
    "token_expired": "Your session has expired. Please log in again.",
    "token_invalid": "Your session is invalid. Please log in again.",
    "token_revoked": "Your session was ended (logout or changed rights). Please log in again.",
    "refresh_token_required": "This needs the refresh token.",
    "access_token_required": "This needs the access token, not the refresh token.",
    "weak_password": "The password is too short.",
    "wrong_old_password": "The current password is wrong.",
    "username_taken": "The user name {username} is taken.",
    "user_not_found": "There is no user {id}.",
    "admin_only": "Only the county admin may do this ({action}); your role: {role}.",
    "municipality_not_found": "There is no municipality {id}.",
    "level_not_found": "There is no spatial level {id}.",
    "category_not_found": "There is no category {id}.",
    "key_taken": "The key {key} is taken.",
    "invalid_crs": "The coordinate reference system is not known.",
    "invalid_geometry": "The geometry is wrong.",
    "layer_not_found": "There is no layer {layer} (known: {known}).",
    "schema_outdated": "Your working copy uses version {client} of layer {layer}, the server version {server}. "
                       "Please check out again.",
    "idempotency_key_reused": "The push key {key} was already used for other changes.",
    "push_forbidden": "Nothing was applied: {count} of {total} changes are not allowed.",
    "push_invalid": "Nothing was applied: {count} of {total} changes are invalid.",
    "push_conflict": "Nothing was applied: {count} of {total} features changed on the server meanwhile. "
                     "Please synchronise.",
    "invalid_change": "The change is invalid.",
    "checkout_required.cursor_ahead": "Your working copy is at change {cursor}, the server only at "
                                      "{server_cursor}: it comes from another server or an older backup. "
                                      "Please check out again.",
    "checkout_required.sharing_ended": "{municipality_name} ({municipality}) no longer shares its unpublished "
                                       "data; your working copy may still hold such data. Please check out "
                                       "again.",
    "checkout_required.rights_changed": "Your role or municipality was changed; your working copy still shows "
                                        "what the old rights showed. Please check out again.",
    "checkout_required": "Your working copy no longer matches the server. Please check out again.",
    "stale_revision": "The feature changed meanwhile (your base: {base}, server: {current}).",
    "already_exists": "A feature with this id exists already.",
    "read_only_role": "The role {role} may not change data.",
    "not_owner": "The feature belongs to {owner_name} ({owner}); only {owner_name} may change or delete it. "
                 "You edit the data of {municipality_name} ({municipality}).",
    "foreign_owner": "New features may only be created for your own municipality {municipality_name} "
                     "({municipality}), not for {owner_name} ({owner}).",
    "owner_change": "Only the county admin may change a feature's municipality (from {municipality_name} "
                    "({municipality}) to {owner_name} ({owner})).",
    "county_level": "Spatial units of level {level} and their indicator values are maintained by the county; "
                    "municipalities maintain only their own levels (e.g. Ortsteile).",
    "outside_territory": "The location lies outside the territory of {municipality_name} ({municipality}) "
                         "(tolerance {tolerance_m} m).",
    "not_reviewable": "Change {revision} cannot be reviewed (state {state}; newest change: {head}).",
    "nothing_pending_in_push": "Nothing of push {push_id} is pending review.",
    "revision_not_found": "There is no revision {id}.",
    "feature_not_found": "There is no feature {id}.",
    "offer_not_found": "There is no published offer {id}.",
    "page_not_found": "There is no page {key} (known: {known}).",
    "report_rate_limited": "Many reports came from your connection in a short time. Please try again in {seconds} "
                           "seconds.",
    "report_spam": "The report was not accepted: a field that only programs fill in was filled in.",
    "report_form_invalid": "The report form is not valid. Please open the offer's details again.",
    "report_form_expired": "The report form has expired. Please open the offer's details again.",
    "report_too_fast": "The report came faster than a person fills in a form. Please send it again after {seconds} "
                       "seconds.",
    "report_not_found": "There is no report {id} (or it concerns another municipality's offer).",
    "report_closed": "Report {id} is already closed.",
    "reports_staff_only": "Reports on offers are seen only by the municipality's editors and the county admin; your "
                          "role: {role}.",
    # saved views (domain/views.py) and the web login
    "view_not_found": "There is no view {id}.",
    "view_not_owner": "The view belongs to {owner_name} ({owner}); only {owner_name} may change or delete it.",
    "view_published": "View {id} is published in the atlas; it can change only after the county has unpublished "
                      "it. Otherwise save it as a new view.",
    "view_wrong_state": "View {id} is {state}; {decision} is not possible now.",
    "csrf_missing": "The request lacks the CSRF token (header X-CSRF-TOKEN). Please reload the page.",
    "csrf_mismatch": "The CSRF token does not match the login. Please reload the page.",
    "not_published": "Feature {id} is not published.",
    "indicator_not_found": "There is no indicator {key}.",
    "theme_not_found": "There is no theme {key}.",
    "theme_in_use": "Theme {key} still has indicators ({indicators}); move or delete them first.",
    "indicator_has_values": "Indicator {key} has values; it cannot be deleted.",
    "indicator_key_has_values": "Indicator {key} has values; its key can no longer change.",
    "indicator_referenced": "Other indicators build on {key} ({indicators}); change them first.",
    "indicator_in_views": "Saved views show indicator {key} ({count}: {views}); the municipalities they belong to "
                          "must change or delete them first.",
    "county_indicator": "Indicator {indicator} is maintained by the county; municipalities deliver values only "
                        "of the indicators they maintain themselves.",
    "unit_not_found": "There is no spatial unit {key}.",
    "level_not_collected": "Indicator {indicator} is not collected on level {level} (levels: {levels}).",
    "unknown_parameters": "Unknown parameters: {names} (allowed: {allowed}).",
    "unsupported_format": "The format {format} is not offered (possible: {formats}).",
    "collection_not_found": "There is no collection {collection} (known: {known}).",
    "item_not_found": "Collection {collection} has no published feature {id}.",
    "export.col.key": "Key",
    "export.col.name": "Spatial unit",
    "export.col.year": "Year",
    "export.col.value": "Value",
    "export.col.note": "Note",
    "export.sheet.data": "Data",
    "export.sheet.notes": "Notes",
    "export.suppressed": "withheld (statistical confidentiality)",
    "export.missing": "no value",
    "export.flag.provisional": "provisional",
    "export.flag.estimated": "estimated",
    "export.flag.series_break": "break in series",
    "export.flag.computed": "computed (sum or ratio of the parts)",
    "export.flag.incomplete": "incomplete (parts missing)",
    "export.note.indicator": "Indicator",
    "export.note.key": "Indicator key",
    "export.note.definition": "Definition",
    "export.note.unit": "Unit",
    "export.note.formula": "Calculation",
    "export.note.level": "Spatial level",
    "export.note.year": "Year",
    "export.note.source": "Source",
    "export.note.licence": "Licence and rights of use",
    "export.note.confidentiality": "Statistical confidentiality",
    "export.note.stand": "Data as of",
    "export.note.retrieved": "Retrieved on",
    "export.note.publisher": "Publisher",
    "export.formula_text": "{numerator} ÷ {denominator}",
    "export.all_years": "all years",
    "export.not_stated": "not stated",
    "export.confidentiality_text": "Values from fewer than {min_count} cases or with a base below {min_denominator} "
                                   "are withheld, as are values they could be calculated back from; they appear as "
                                   "\"withheld (statistical confidentiality)\" without a number.",
    "export.publisher_text": "Family atlas of the county (public indicator values)",
    "export.unit.percent": "per cent",
    "export.unit.per_1000": "per 1,000",
    "export.unit.years": "years",
    "export.unit.count": "count",
    "export.unit.euro": "euro",
    "export.unit.index": "index",
    "export.unit.ratio": "ratio",
    "export.level.landkreis": "County",
    "export.level.gemeinde": "Municipalities",
    "export.level.mitgliedsgemeinde": "Member municipalities",
    "export.level.ortsteil": "Districts (Ortsteile)",
}

EN_FIELDS: dict[str, str] = {
    "ambiguous_unit": "{value} fits several spatial units ({candidates}); please give the key or choose the level.",
    "no_indicator": "Which indicator? The file has no indicator column; please choose the indicator when uploading.",
    "missing_value": "The value is missing (and cannot be computed from numerator and denominator).",
    "duplicate_row": "The same indicator, spatial unit and year stand again in {first}.",
    "not_a_number": "Not a number.",
    "date_not_number": "A date instead of a number: Excel read the entry as a date (e.g. 12.5 as 12 May). Please "
                       "format the column as numbers and enter the value again.",
    "formula_error": "A formula with an error (e.g. #DIV/0!).",
    "not_a_year": "Not a year (e.g. 2023 expected).",
    "no_year": "The year is missing.",
    "no_unit": "The area (key or name) is missing.",
    "bad_flag": "Yes or no expected (yes, x, 1 or empty).",
    "title_row": "Title row above the table: skipped.",
    "blank_row": "Blank row: skipped.",
    "totals_row": "Totals row (Insgesamt, Summe): skipped; the atlas computes totals itself.",
    "text_row": "Text row (e.g. source or footnote): skipped.",
    "header_row": "Repeated header row: skipped.",
    "no_value": "No value (empty or a symbol like . x /): nothing is written for it.",
    "required": "Required field is missing.",
    "unknown_field": "Unknown field.",
    "wrong_type": "Wrong type, expected: {expected}.",
    "too_long": "Too long (at most {max} characters).",
    "bad_token": "Invalid or expired form.",
    "out_of_range": "Value out of range ({min} to {max}).",
    "bad_date": "Not a valid date (YYYY-MM-DD): {value}.",
    "bad_map_position": "Not a map position (zoom/lat/lng, e.g. 10/52.28/8.05): {value}.",
    "unknown_choice": "Unknown value: {value}.",
    "admin_needs_county": "An admin account belongs to the county, not to {municipality}.",
    "subcategory_mismatch": "Subcategory {value} does not belong to category {category}.",
    "age_range": "The minimum age is above the maximum age.",
    "bad_email": "Not a valid e-mail address: {value}.",
    "bad_url": "The website must start with http:// or https://: {value}.",
    "bad_opening_hours": "Please give the opening hours in OpenStreetMap syntax, e.g. 'Mo-Fr 08:00-16:00; "
                         "Sa 10:00-12:00' (weekdays Mo Tu We Th Fr Sa Su, times HH:MM-HH:MM, rules separated by "
                         "';'): {value}.",
    "bad_municipality_keys": "The service area is a list of municipality keys separated by commas "
                             "(e.g. '03459019, 03459020'; the county's key: county-wide): {value}.",
    "bad_uuid": "Not a valid UUID: {value}.",
    "duplicate_in_push": "This feature occurs more than once in the push.",
    "unknown_feature": "The server has no such feature.",
    "empty": "The list is empty.",
    "unknown_crs": "Unknown coordinate reference system {crs} (accepted: {accepted}).",
    "geometry_not_geojson": "Not a GeoJSON geometry.",
    "wrong_geometry_type": "Geometry type {got} does not fit the layer (expected: {expected}).",
    "ring_not_closed": "Ring {ring} of polygon {polygon} is not closed (first and last point differ).",
    "ring_too_short": "Ring {ring} of polygon {polygon} has fewer than four positions.",
    "bad_coordinates": "The coordinates are incomplete or not numbers.",
    "too_many_vertices": "Too many vertices (at most {limit}).",
    "geometry_not_valid": "Invalid geometry: {reason}.",
    "outside_county": "The location ({x}, {y}) lies outside the county. Is the CRS ({crs}) right?",
    "password_too_short": "The password must be at least {min} characters long.",
    "wrong_password": "The password is wrong.",
    "revisions_or_push": "Give either revision numbers or a push id.",
    "nul_character": "The text contains a NUL character (\\u0000), which cannot be stored.",
    "bad_text": "The text contains an invalid character (a lone UTF-16 surrogate such as \\ud800) and cannot be "
                "stored. Please remove the character.",
    "outside_parent": "The territory ({x}, {y}) lies outside {parent}. Is the CRS ({crs}) right?",
    "members_outside": "The member municipalities lie outside this territory ({x}, {y}). Is the CRS ({crs}) right?",
    "parent_cycle": "{name} ({value}) lies below this one; the hierarchy must not form a circle.",
    "category_depth": "The catalogue has two levels: the parent must be a top-level category, and a category "
                      "with subcategories cannot become a subcategory.",
    "bad_color": "Not a colour in the form #rrggbb: {value}.",
    "unknown_parameter": "Unknown parameter.",
    "repeated_parameter": "The parameter may occur only once.",
    "unsupported_format_value": "Format not offered: {value}.",
    "unsupported_crs": "The coordinate reference system {crs} is not offered (offered: {accepted}).",
    "bad_bbox": "Four numbers (or six, with heights) separated by commas are expected: {value}.",
    "bbox_order": "The first corner must lie below and left of the second: {value}.",
    "bbox_range": "Longitudes lie between -180 and 180, latitudes between -90 and 90: {value}.",
    "bad_datetime": "Not an RFC 3339 date, time or interval (e.g. 2025-01-31 or 2025-01-01/..): {value}.",
    "bad_period": "The interval ends before it starts: {value}.",
    "bad_key": "A key of 2 to {max} lower-case letters, digits and _ is expected: {value}.",
    "reserved_key": "The key {value} is reserved for the properties of the indicator maps "
                    "(unit, name, level, parent_key, year, hidden, provisional, estimated, series_break).",
    "unknown_indicator": "Unknown indicator: {value}.",
    "reference_not_count": "{value} is not a count indicator (kind: {kind}); numerator and denominator must be "
                           "counts.",
    "only_for_ratios": "Numerator and denominator exist only for rates and shares (kind here: {kind}).",
    "sum_needs_count": "Only counts can be summed (kind here: {kind}).",
    "ratio_needs_parts": "Recomputing from numerator and denominator needs a rate or share with both.",
    "duplicate_level": "A level is named twice.",
    "count_in_use": "Other indicators build on this count ({indicators}); it stays a count.",
    "bad_keywords": "At most {max} keywords of 1 to {length} characters each.",
    "unknown_category": "Unknown offer category: {value}.",
    "bad_per": "The base (per) must be a positive number: {value}.",
    "reference_cycle": "The indicators build on each other in a circle ({value}).",
    "unknown_unit": "Unknown spatial unit: {value}.",
    "level_mismatch": "Spatial unit {unit} lies on level {expected}, not {value}.",
    "level_not_collected": "Indicator {indicator} is not collected on level {level}.",
    "value_id_mismatch": "The id of an indicator value follows from indicator, unit and year; expected: "
                         "{expected}.",
    "bad_year": "The year must lie between {min} and {max}: {value}.",
    "negative": "The value must not be negative: {value}.",
    "not_a_count": "A count is a whole number from 0: {value}.",
    "share_above_100": "A share cannot exceed {max}: {value}.",
    "numerator_above_denominator": "The numerator ({numerator}) is larger than the denominator ({denominator}).",
    "zero_denominator": "The denominator must be larger than 0.",
    "value_inconsistent": "The value {value} does not fit numerator and denominator (they give {expected}).",
    "value_owner": "An indicator value belongs to the municipality of its unit ({expected}), not {value}.",
    "no_geometry": "Indicator values have no geometry.",
    "no_values_in_year": "This indicator has no published values for {value} on this level (years with values: "
                         "{years}).",
    "unknown_download_format": "Unknown format {value} (possible: {formats}).",
}

_TABLES = {"de": (DE, DE_FIELDS), "en": (EN, EN_FIELDS)}


def pick_language(accept_language: str | None) -> str:
    """German unless the client prefers English (first listed language wins)."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in _TABLES:
            return tag
    return "de"


def _format(template: str | None, code: str, params: dict[str, Any]) -> str:
    if template is None:
        return code
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def text(code: str, params: dict[str, Any], language: str = "de") -> str:
    """The sentence for ``code``; a ``reason`` parameter picks a more specific text ``code.reason``
    when there is one (one code for the client to react to, a precise sentence for the person)."""
    table = _TABLES[language][0]
    template = table.get(f"{code}.{params.get('reason')}") or table.get(code)
    return _format(template, code, params)


def field_text(code: str, params: dict[str, Any], language: str = "de") -> str:
    return _format(_TABLES[language][1].get(code), code, params)
