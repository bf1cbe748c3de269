"""Every user-facing string of the core, in German and English.

The atlas's users work in German, so German is the default; English exists for the county's
external partners and for developers. All strings live here (and nowhere else in the core) so a
translator finds them in one place and the GUI, the CLI and the error messages always agree.
The language is one module-level setting because the core serves one user at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SUPPORTED_LANGUAGES = ("de", "en")

_language = "de"

MESSAGES: dict[str, dict[str, str]] = {
    "de": {
        # errors
        "error.generic": "Fehler bei der Kommunikation mit dem Familienatlas-Server.",
        "error.connection_failed": (
            "Der Server {server} ist nicht erreichbar: {why}. Bitte die Adresse und die Netzwerkverbindung prüfen."
        ),
        "why.unknown_name": "der Rechnername ist unbekannt (Tippfehler in der Adresse?)",
        "why.refused": "dort nimmt kein Dienst Verbindungen an (läuft der Server, stimmt der Port?)",
        "why.no_connection": "keine Verbindung (Netzwerk, Proxy oder Firewall)",
        "why.proxy": "der Proxy aus den QGIS-Netzwerkeinstellungen antwortet nicht",
        "error.not_https": (
            "Unter {server} antwortet kein HTTPS-Server. Läuft der Familienatlas dort nur über HTTP, "
            "bitte die Adresse mit „http://“ eingeben."
        ),
        "error.connection_failed_plain": "Der Server ist nicht erreichbar.",
        "error.timeout": "Der Server hat nicht rechtzeitig geantwortet.",
        "error.ssl": (
            "Die sichere Verbindung (HTTPS) zu {server} ist fehlgeschlagen. Bitte die Adresse prüfen oder die "
            "Kreisverwaltung fragen."
        ),
        "error.ssl_certificate": (
            "Das HTTPS-Zertifikat des Servers wurde nicht akzeptiert ({reason}): abgelaufen, für eine "
            "andere Adresse oder von einer Zertifizierungsstelle (CA), der QGIS nicht vertraut. Bitte die "
            "Adresse prüfen oder das CA-Zertifikat der Verwaltung in QGIS importieren (Einstellungen > "
            "Optionen > Authentifizierung > Zertifikate verwalten > Autoritäten) und erneut verbinden."
        ),
        "error.server_unavailable": "Der Server ist vorübergehend nicht verfügbar (HTTP {status}).",
        "error.server_error": "Interner Fehler auf dem Server (HTTP {status}).",
        "error.unexpected_response": "Unerwartete Antwort vom Server (HTTP {status}).",
        "error.authentication_failed": "Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch.",
        "error.too_many_attempts": "Zu viele fehlgeschlagene Anmeldeversuche. Bitte später erneut versuchen.",
        "error.not_logged_in": "Nicht angemeldet.",
        "error.session_expired": "Die Sitzung ist abgelaufen. Bitte erneut anmelden.",
        "error.forbidden": "Keine Berechtigung für diese Aktion.",
        "error.not_found": "Nicht gefunden.",
        "error.conflict": "Konflikt mit dem Stand auf dem Server.",
        "error.invalid_data": "Die Daten sind ungültig.",
        "error.server_version_mismatch": (
            "Die Server-Version passt nicht zu diesem Plugin (Server-API-Version {server}, "
            "unterstützt: {supported}). Bitte Plugin oder Server aktualisieren."
        ),
        "error.server_too_new": (
            "Der Server ist neuer als dieses Plugin (Server-API-Version {server}, unterstützt: {supported}). "
            "Bitte das Plugin aktualisieren (Erweiterungen > Erweiterungen verwalten und installieren)."
        ),
        "error.server_too_old": (
            "Der Server ist älter als dieses Plugin (Server-API-Version {server}, unterstützt: {supported}). "
            "Bitte die Kreisverwaltung bitten, den Server zu aktualisieren."
        ),
        "error.not_an_atlas_server": (
            "Unter dieser Adresse antwortet kein Familienatlas-Server. Bitte die Server-Adresse prüfen."
        ),
        "error.schema_outdated": (
            "Die Arbeitskopie ist veraltet: das Schema der Ebene „{layer}“ hat sich auf dem Server "
            "geändert. Bitte eine neue Arbeitskopie auschecken."
        ),
        "error.push_rejected": "Der Server hat die Änderungen nicht übernommen (HTTP {status}).",
        "error.cancelled": "Abgebrochen.",
        "error.no_working_copy": "Im Ordner {folder} liegt keine Arbeitskopie.",
        "error.unknown_layer": "Die Ebene „{layer}“ gibt es auf dem Server nicht.",
        "error.layer_not_checked_out": "Die Ebene „{layer}“ ist nicht ausgecheckt.",
        "error.local_changes_exist": (
            "Die Ebene „{layer}“ enthält noch nicht übertragene Änderungen; "
            "eine neue Arbeitskopie würde sie überschreiben."
        ),
        "error.invalid_geometry": "Ungültige Geometrie: {reason}",
        "error.checkout_required": "Die Arbeitskopie passt nicht mehr zum Server. Bitte neu auschecken.",
        "error.discard_in_outbox": (
            "Diese Änderung gehört zu einer unterbrochenen Übertragung und kann erst nach dem nächsten "
            "Synchronisieren verworfen werden."
        ),
        "error.wrong_account": (
            "Diese Arbeitskopie gehört dem Konto „{owner}“ ({municipality}), angemeldet ist aber „{user}“: "
            "sie wird nur mit dem Konto synchronisiert, das sie ausgecheckt hat. Bitte als „{owner}“ anmelden "
            "oder für „{user}“ eine eigene Arbeitskopie in einem anderen Ordner auschecken."
        ),
        "error.wrong_account_plain": (
            "Diese Arbeitskopie gehört dem Konto „{owner}“, angemeldet ist aber „{user}“: sie wird nur mit dem "
            "Konto synchronisiert, das sie ausgecheckt hat. Bitte als „{owner}“ anmelden oder für „{user}“ "
            "eine eigene Arbeitskopie in einem anderen Ordner auschecken."
        ),
        # sync progress
        "progress.layers": "Ebenenbeschreibung wird geladen …",
        "progress.push": "Ebene „{layer}“: {count} Änderungen werden gesendet …",
        "progress.retry_outbox": "Ebene „{layer}“: unterbrochene Übertragung wird wiederholt …",
        "progress.pull": "Ebene „{layer}“: {count} Änderungen vom Server empfangen",
        "progress.pull_again": "Ebene „{layer}“ wird vollständig neu vom Server geladen …",
        "progress.done": "Fertig.",
        # refusals recorded per feature
        "refusal.invalid_field": "Feld „{field}“: {message}",
        "refusal.deleted_on_server": "Das Objekt wurde auf dem Server gelöscht.",
        # checks before a sync (validation.py)
        "validation.required": "Pflichtfeld „{field}“ ist nicht ausgefüllt.",
        "validation.unknown_choice": "„{value}“ ist kein gültiger Wert für „{field}“.",
        "validation.subcategory_mismatch": (
            "Die Unterkategorie „{value}“ gehört nicht zur Kategorie „{category}“."
        ),
        "validation.too_long": "„{field}“ ist zu lang: {length} Zeichen, erlaubt sind höchstens {max}.",
        "validation.out_of_range": "„{field}“ muss zwischen {min} und {max} liegen, nicht {value}.",
        "validation.below_minimum": "„{field}“ muss mindestens {min} sein, nicht {value}.",
        "validation.above_maximum": "„{field}“ darf höchstens {max} sein, nicht {value}.",
        "validation.format_email": "„{value}“ ist keine gültige E-Mail-Adresse (Feld „{field}“).",
        "validation.format_uri": "„{value}“ ist keine Webadresse: sie muss mit http:// oder https:// beginnen.",
        "validation.format_opening_hours": (
            "„{value}“: Öffnungszeiten bitte im OpenStreetMap-Format, z. B. „Mo-Fr 08:00-16:00; Sa 10:00-12:00“ "
            "(Wochentage Mo Tu We Th Fr Sa Su, Zeiten HH:MM-HH:MM, Regeln mit „;“ getrennt)."
        ),
        "validation.format_municipality_keys": (
            "„{value}“: „{field}“ ist eine Liste von Gemeindeschlüsseln, mit Kommas getrennt."
        ),
        "validation.bad_format": "„{value}“ hat nicht das Format von „{field}“.",
        "validation.not_greater": "„{field}“ ({value}) ist größer als „{other_field}“ ({other}).",
        "validation.parent_choice": "„{value}“ passt nicht zu „{other}“ („{other_field}“).",
        "validation.not_owner": (
            "Das Objekt gehört {owner}: nur {owner} oder die Kreisverwaltung darf es ändern oder löschen, "
            "nicht {own}."
        ),
        "validation.foreign_owner": (
            "Als Eigentümer ist {owner} eingetragen; eigene Objekte gehören {own}."
        ),
        "validation.outside_territory": (
            "Der Punkt liegt {distance} außerhalb des Gemeindegebiets von {own} "
            "(erlaubt sind {tolerance} an der Grenze)."
        ),
        "validation.shape_outside_territory": (
            "Die Geometrie reicht {distance} über das Gemeindegebiet von {own} hinaus "
            "(erlaubt sind {tolerance} an der Grenze)."
        ),
        "validation.read_only_role": "Mit der Rolle „{role}“ dürfen keine Änderungen gesendet werden.",
        "validation.geometry_unreadable": "Die Geometrie ist nicht lesbar ({reason}). Bitte neu digitalisieren.",
        "validation.geometry_missing": "Das Objekt hat keine Geometrie. Bitte die Lage digitalisieren.",
        "validation.geometry_wrong_type": "Geometrietyp {got} passt nicht zur Ebene (erwartet: {expected}).",
        "validation.geometry_not_finite": "Die Geometrie enthält ungültige Koordinaten (leer oder unendlich).",
        "validation.ring_too_short": "Ein Ring der Fläche hat weniger als vier Punkte.",
        "validation.ring_not_closed": "Ein Ring der Fläche ist nicht geschlossen.",
        "validation.ring_crosses_itself": (
            "Die Flächengrenze kreuzt sich selbst (bei {x}, {y}). Bitte die Stützpunkte korrigieren "
            "(z. B. mit „Geometrie prüfen“)."),
        # CLI
        "cli.description": "Familienatlas: Arbeitskopie auschecken und mit dem Server abgleichen.",
        "cli.help.checkout": "Neue Arbeitskopie vom Server holen",
        "cli.help.status": "Lokale Änderungen anzeigen",
        "cli.help.sync": "Lokale Änderungen senden und neue Daten empfangen",
        "cli.help.server": "Adresse des Servers, z. B. https://atlas.example",
        "cli.help.user": "Benutzername",
        "cli.help.folder": "Ordner der Arbeitskopie",
        "cli.help.layers": "Nur diese Ebenen (Standard: alle)",
        "cli.help.prefer": "Konflikte im selben Feld automatisch zugunsten von mine|theirs lösen",
        "cli.help.lang": "Sprache der Ausgabe (de|en)",
        "cli.help.insecure": "HTTPS-Zertifikat nicht prüfen (nur zum Testen)",
        "cli.help.ca_bundle": "Datei mit vertrauenswürdigen CA-Zertifikaten",
        "cli.help.force": "Vorhandene Arbeitskopie ersetzen, auch wenn sie Änderungen enthält",
        "cli.password_prompt": "Passwort für {user}@{server}: ",
        "cli.checkout_done": "Arbeitskopie {path} ausgecheckt: {count} Objekte.",
        "cli.layer_line": "  {layer}: {count} Objekte",
        "cli.status_header": "Arbeitskopie {path} (Server {server}, Benutzer {user})",
        "cli.status_layer": "Ebene „{layer}“: {inserts} neu, {updates} geändert, {deletes} gelöscht",
        "cli.status_change": "    {op:<7} {uuid} {detail}",
        "cli.status_outbox": "    unterbrochene Übertragung mit {count} Änderungen wartet auf Wiederholung",
        "cli.status_rejected": "    abgelehnt: {uuid} [{code}] {message}",
        "cli.status_clean": "Keine lokalen Änderungen.",
        "cli.sync_done": (
            "Abgleich fertig: {sent} gesendet, {accepted} angenommen, {received} empfangen, "
            "{merged} Konflikte automatisch zusammengeführt."
        ),
        "cli.unresolved": "Nicht gelöster Konflikt: {uuid} Feld „{field}“ (lokal: {mine!r}, Server: {theirs!r})",
        "cli.refused": "Abgelehnt: {uuid} [{code}] {message}",
        "cli.error": "Fehler: {message}",
        "cli.pulled_again": (
            "Ebene „{layer}“ vollständig neu geladen (der Server konnte den Stand nicht fortsetzen: {reason}); "
            "lokale Änderungen sind erhalten."
        ),
        "cli.gone_from_server": "Lokal geändert, auf dem Server nicht mehr vorhanden (bleibt lokal): {layer} {uuid}",
        "cli.rejected": "Von der Kreisverwaltung abgelehnt: {uuid}: {reason}",
        "op.insert": "neu",
        "op.update": "geändert",
        "op.delete": "gelöscht",
        # indicators
        "error.upload_file_type": "„{name}“ ist keine CSV- oder Excel-Datei (.csv, .xlsx).",
        "error.upload_file_unreadable": "Die Datei „{name}“ kann nicht gelesen werden ({reason}).",
        "error.upload_refused": "Der Server hat die Indikatorwerte nicht übernommen.",
        "upload.row": "Zeile {number}",
        "unit.percent": "%",
        "unit.per_1000": "je 1.000",
        "unit.euro": "€",
        "unit.years": "Jahre",
    },
    "en": {
        "error.generic": "Error while talking to the Familienatlas server.",
        "error.connection_failed": (
            "The server {server} cannot be reached: {why}. Please check the address and the network connection."
        ),
        "why.unknown_name": "the host name is unknown (a typo in the address?)",
        "why.refused": "no service accepts connections there (is the server running, is the port right?)",
        "why.no_connection": "no connection (network, proxy or firewall)",
        "why.proxy": "the proxy of QGIS's network settings does not answer",
        "error.not_https": (
            "No HTTPS server answers at {server}. If the Familienatlas runs there over plain HTTP only, "
            "please type the address with 'http://'."
        ),
        "error.connection_failed_plain": "The server cannot be reached.",
        "error.timeout": "The server did not answer in time.",
        "error.ssl": (
            "The secure connection (HTTPS) to {server} failed. Please check the address or ask the county "
            "administration."
        ),
        "error.ssl_certificate": (
            "The server's HTTPS certificate was not accepted ({reason}): expired, for another address or "
            "from a certificate authority (CA) QGIS does not trust. Please check the address or import "
            "the administration's CA certificate in QGIS (Settings > Options > Authentication > Manage "
            "Certificates > Authorities) and connect again."
        ),
        "error.server_unavailable": "The server is temporarily unavailable (HTTP {status}).",
        "error.server_error": "Internal server error (HTTP {status}).",
        "error.unexpected_response": "Unexpected answer from the server (HTTP {status}).",
        "error.authentication_failed": "Login failed: wrong user name or password.",
        "error.too_many_attempts": "Too many failed login attempts. Please try again later.",
        "error.not_logged_in": "Not logged in.",
        "error.session_expired": "The session has expired. Please log in again.",
        "error.forbidden": "You are not allowed to do this.",
        "error.not_found": "Not found.",
        "error.conflict": "Conflict with the state on the server.",
        "error.invalid_data": "The data is invalid.",
        "error.server_version_mismatch": (
            "The server version does not match this plugin (server API version {server}, "
            "supported: {supported}). Please update the plugin or the server."
        ),
        "error.server_too_new": (
            "The server is newer than this plugin (server API version {server}, supported: {supported}). "
            "Please update the plugin (Plugins > Manage and Install Plugins)."
        ),
        "error.server_too_old": (
            "The server is older than this plugin (server API version {server}, supported: {supported}). "
            "Please ask the county administration to update the server."
        ),
        "error.not_an_atlas_server": (
            "No Familienatlas server answers at this address. Please check the server address."
        ),
        "error.schema_outdated": (
            "The working copy is outdated: the schema of layer '{layer}' has changed on the server. "
            "Please check out a new working copy."
        ),
        "error.push_rejected": "The server did not accept the changes (HTTP {status}).",
        "error.cancelled": "Cancelled.",
        "error.no_working_copy": "There is no working copy in folder {folder}.",
        "error.unknown_layer": "The server has no layer '{layer}'.",
        "error.layer_not_checked_out": "Layer '{layer}' is not checked out.",
        "error.local_changes_exist": (
            "Layer '{layer}' holds changes not yet sent; a new working copy would overwrite them."
        ),
        "error.invalid_geometry": "Invalid geometry: {reason}",
        "error.checkout_required": "The working copy no longer matches the server. Please check out again.",
        "error.discard_in_outbox": (
            "This change belongs to an interrupted upload and can only be discarded after the next "
            "synchronisation."
        ),
        "error.wrong_account": (
            "This working copy belongs to the account '{owner}' ({municipality}), but '{user}' is logged in: "
            "it is only synchronised with the account that checked it out. Please log in as '{owner}' or "
            "check out a separate working copy for '{user}' in another folder."
        ),
        "error.wrong_account_plain": (
            "This working copy belongs to the account '{owner}', but '{user}' is logged in: it is only "
            "synchronised with the account that checked it out. Please log in as '{owner}' or check out a "
            "separate working copy for '{user}' in another folder."
        ),
        "progress.layers": "Loading layer descriptions …",
        "progress.push": "Layer '{layer}': sending {count} changes …",
        "progress.retry_outbox": "Layer '{layer}': retrying an interrupted upload …",
        "progress.pull": "Layer '{layer}': {count} changes received from the server",
        "progress.pull_again": "Layer '{layer}' is loaded again from the server …",
        "progress.done": "Done.",
        "refusal.invalid_field": "Field '{field}': {message}",
        "refusal.deleted_on_server": "The feature was deleted on the server.",
        "validation.required": "Required field '{field}' is empty.",
        "validation.unknown_choice": "'{value}' is not a valid value for '{field}'.",
        "validation.subcategory_mismatch": "Subcategory '{value}' does not belong to category '{category}'.",
        "validation.too_long": "'{field}' is too long: {length} characters, at most {max} are allowed.",
        "validation.out_of_range": "'{field}' must lie between {min} and {max}, not {value}.",
        "validation.below_minimum": "'{field}' must be at least {min}, not {value}.",
        "validation.above_maximum": "'{field}' must be at most {max}, not {value}.",
        "validation.format_email": "'{value}' is not a valid e-mail address (field '{field}').",
        "validation.format_uri": "'{value}' is not a web address: it must start with http:// or https://.",
        "validation.format_opening_hours": (
            "'{value}': please give opening hours in OpenStreetMap syntax, e.g. 'Mo-Fr 08:00-16:00; Sa 10:00-12:00' "
            "(weekdays Mo Tu We Th Fr Sa Su, times HH:MM-HH:MM, rules separated by ';')."
        ),
        "validation.format_municipality_keys": (
            "'{value}': '{field}' is a list of municipality keys separated by commas."
        ),
        "validation.bad_format": "'{value}' does not have the format of '{field}'.",
        "validation.not_greater": "'{field}' ({value}) is greater than '{other_field}' ({other}).",
        "validation.parent_choice": "'{value}' does not fit '{other}' ('{other_field}').",
        "validation.not_owner": (
            "The feature belongs to {owner}: only {owner} or the county may change or delete it, not {own}."
        ),
        "validation.foreign_owner": "The owner is set to {owner}; own features belong to {own}.",
        "validation.outside_territory": (
            "The point lies {distance} outside the territory of {own} "
            "({tolerance} at the border are allowed)."
        ),
        "validation.shape_outside_territory": (
            "The geometry reaches {distance} beyond the territory of {own} "
            "({tolerance} at the border are allowed)."
        ),
        "validation.read_only_role": "The role '{role}' may not send changes.",
        "validation.geometry_unreadable": "The geometry cannot be read ({reason}). Please digitise it again.",
        "validation.geometry_missing": "The feature has no geometry. Please digitise its location.",
        "validation.geometry_wrong_type": "Geometry type {got} does not fit the layer (expected: {expected}).",
        "validation.geometry_not_finite": "The geometry holds invalid coordinates (empty or infinite).",
        "validation.ring_too_short": "A ring of the polygon has fewer than four points.",
        "validation.ring_not_closed": "A ring of the polygon is not closed.",
        "validation.ring_crosses_itself": (
            "The polygon's boundary crosses itself (at {x}, {y}). Please fix the vertices "
            "(e.g. with 'Check Geometries')."),
        "cli.description": "Familienatlas: check out a working copy and synchronise it with the server.",
        "cli.help.checkout": "Fetch a new working copy from the server",
        "cli.help.status": "Show local changes",
        "cli.help.sync": "Send local changes and receive new data",
        "cli.help.server": "Address of the server, e.g. https://atlas.example",
        "cli.help.user": "User name",
        "cli.help.folder": "Folder of the working copy",
        "cli.help.layers": "Only these layers (default: all)",
        "cli.help.prefer": "Resolve same-field conflicts automatically in favour of mine|theirs",
        "cli.help.lang": "Output language (de|en)",
        "cli.help.insecure": "Do not verify the HTTPS certificate (testing only)",
        "cli.help.ca_bundle": "File with trusted CA certificates",
        "cli.help.force": "Replace an existing working copy even if it holds changes",
        "cli.password_prompt": "Password for {user}@{server}: ",
        "cli.checkout_done": "Checked out working copy {path}: {count} features.",
        "cli.layer_line": "  {layer}: {count} features",
        "cli.status_header": "Working copy {path} (server {server}, user {user})",
        "cli.status_layer": "Layer '{layer}': {inserts} new, {updates} changed, {deletes} deleted",
        "cli.status_change": "    {op:<7} {uuid} {detail}",
        "cli.status_outbox": "    an interrupted upload of {count} changes is waiting to be retried",
        "cli.status_rejected": "    refused: {uuid} [{code}] {message}",
        "cli.status_clean": "No local changes.",
        "cli.sync_done": (
            "Sync finished: {sent} sent, {accepted} accepted, {received} received, "
            "{merged} conflicts merged automatically."
        ),
        "cli.unresolved": "Unresolved conflict: {uuid} field '{field}' (local: {mine!r}, server: {theirs!r})",
        "cli.refused": "Refused: {uuid} [{code}] {message}",
        "cli.error": "Error: {message}",
        "cli.pulled_again": (
            "Layer '{layer}' loaded again completely (the server could not continue its position: {reason}); "
            "local changes are kept."
        ),
        "cli.gone_from_server": "Changed locally, no longer on the server (stays local): {layer} {uuid}",
        "cli.rejected": "Rejected by the county: {uuid}: {reason}",
        "op.insert": "new",
        "op.update": "changed",
        "op.delete": "deleted",
        # indicators
        "error.upload_file_type": "'{name}' is not a CSV or Excel file (.csv, .xlsx).",
        "error.upload_file_unreadable": "The file '{name}' cannot be read ({reason}).",
        "error.upload_refused": "The server did not accept the indicator values.",
        "upload.row": "Row {number}",
        "unit.percent": "%",
        "unit.per_1000": "per 1,000",
        "unit.euro": "€",
        "unit.years": "years",
    },
}


def set_language(language: str) -> None:
    """Choose the language of all messages (and of the server's ``detail`` via Accept-Language)."""
    global _language
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; use one of {SUPPORTED_LANGUAGES}")
    _language = language


def get_language() -> str:
    """The language chosen with :func:`set_language` (``"de"`` unless changed)."""
    return _language


def title_of(description: Mapping[str, Any], fallback: str) -> str:
    """The title of a served layer or field description in the chosen language (``title_en`` in
    English when the server gives one), else ``fallback`` (its name)."""
    if _language == "en" and description.get("title_en"):
        return str(description["title_en"])
    return str(description.get("title") or fallback)


def tr(key: str, **values: object) -> str:
    """The message ``key`` in the current language, with ``values`` filled in.

    Falls back to German and finally to the key itself, so a missing translation shows up as
    readable text instead of crashing an error handler.
    """
    template = MESSAGES[_language].get(key) or MESSAGES["de"].get(key) or key
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template
