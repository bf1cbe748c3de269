<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="de_DE">
    <context>
        <name>Familienatlas</name>
        <message>
            <location filename="../../qgis_plugin/gui/checkout.py" />
            <source>Ordner für die Arbeitskopie wählen</source>
            <translation>Choose the folder of the working copy</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/checkout.py" />
            <source>Arbeitskopie ersetzen?</source>
            <translation>Replace the working copy?</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/checkout.py" />
            <source>Trotzdem neu auschecken? Die nicht gesendeten Änderungen gehen dabei verloren.</source>
            <translation>Check out anyway? The changes not yet sent will be lost.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/checkout.py" />
            <source>Familienatlas: Arbeitskopie auschecken</source>
            <translation>Familienatlas: check out working copy</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/checkout.py" />
            <source>Arbeitskopie ausgecheckt: {count} Objekte in {path}.</source>
            <translation>Working copy checked out: {count} features in {path}.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/checkout.py" />
            <source>Auschecken fehlgeschlagen: {error}</source>
            <translation>Checkout failed: {error}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Mit dem Familienatlas verbinden</source>
            <translation>Connect to the Familienatlas</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Melden Sie sich mit Ihrem Konto beim Familienatlas-Server Ihres Landkreises an.</source>
            <translation>Log in with your account on your county's Familienatlas server.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>z. B. melle.gis</source>
            <translation>e.g. melle.gis</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Zugangsdaten verschlüsselt in QGIS speichern</source>
            <translation>Store the credentials encrypted in QGIS</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Benutzername und Passwort kommen in die Authentifizierungsdatenbank von QGIS (mit Master-Passwort geschützt), nie im Klartext in die Einstellungen.</source>
            <translation>User name and password go into QGIS's authentication database (protected by the master password), never as plain text into the settings.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Server-Adresse</source>
            <translation>Server address</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Benutzername</source>
            <translation>User name</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Passwort</source>
            <translation>Password</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Verbinden</source>
            <translation>Connect</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Abbrechen</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Bitte Server-Adresse, Benutzername und Passwort angeben.</source>
            <translation>Please enter server address, user name and password.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Verbindung wird aufgebaut …</source>
            <translation>Connecting …</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Familienatlas: anmelden</source>
            <translation>Familienatlas: log in</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Angemeldet als {user} ({municipality}).</source>
            <translation>Logged in as {user} ({municipality}).</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Die Zugangsdaten wurden nicht gespeichert: die QGIS-Authentifizierungsdatenbank ist nicht verfügbar (kein Master-Passwort).</source>
            <translation>The credentials were not stored: QGIS's authentication database is not available (no master password).</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_actions.py" />
            <source>Keine Karte erstellt.</source>
            <translation>No map created.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>nicht ausgewiesen (Geheimhaltung)</source>
            <translation>not shown (confidentiality)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>kein Wert</source>
            <translation>no value</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>mit vertraulichen Werten (rot schraffiert), nur für den Dienstgebrauch</source>
            <translation>with confidential values (hatched red), for internal use only</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Die GeoPackage-Datei {path} kann nicht geschrieben werden: {error}</source>
            <translation>The GeoPackage file {path} cannot be written: {error}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Die GeoPackage-Datei {path} kann nicht gelesen werden.</source>
            <translation>The GeoPackage file {path} cannot be read.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Landkreis</source>
            <translation>County</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Gemeinde / Samtgemeinde</source>
            <translation>Municipality / joint municipality</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Mitgliedsgemeinde</source>
            <translation>Member municipality</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Ortsteil</source>
            <translation>District</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Indikator als Karte</source>
            <translation>Indicator as a map</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Karte erstellen</source>
            <translation>Create map</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Quantile (gleich viele Einheiten je Klasse)</source>
            <translation>Quantiles (as many units in each class)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Natürliche Unterbrechungen (Jenks)</source>
            <translation>Natural breaks (Jenks)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>GeoPackage (*.gpkg)</source>
            <translation>GeoPackage (*.gpkg)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Leer lassen für eine temporäre Ebene</source>
            <translation>Leave empty for a temporary layer</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Indikator</source>
            <translation>Indicator</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Raumebene</source>
            <translation>Spatial level</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Jahr</source>
            <translation>Year</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Klassifizierung</source>
            <translation>Classification</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Anzahl Klassen</source>
            <translation>Number of classes</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Speichern als (optional)</source>
            <translation>Save as (optional)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Indikatorenkatalog wird geladen …</source>
            <translation>Loading the indicator catalogue …</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Familienatlas: Indikatorenkatalog laden</source>
            <translation>Familienatlas: load the indicator catalogue</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Der Indikatorenkatalog kann nicht geladen werden: {error}</source>
            <translation>The indicator catalogue cannot be loaded: {error}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Der Katalog enthält noch keine Indikatoren.</source>
            <translation>The catalogue has no indicators yet.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Werte werden geladen …</source>
            <translation>Loading values …</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Familienatlas: Indikatorwerte laden</source>
            <translation>Familienatlas: load indicator values</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Die Werte können nicht geladen werden: {error}</source>
            <translation>The values cannot be loaded: {error}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Für diese Raumebene sind keine Gebiete bekannt.</source>
            <translation>No areas are known for this spatial level.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Für diesen Indikator gibt es auf dieser Ebene noch keine Werte, die Sie sehen dürfen.</source>
            <translation>This indicator has no values on this level that you may see yet.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>{units} Gebiete, Werte aus {years} Jahren.</source>
            <translation>{units} areas, values from {years} years.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Der Server ist nicht erreichbar: die Werte stammen aus der Arbeitskopie (Stand der letzten Synchronisierung).</source>
            <translation>The server cannot be reached: the values come from the working copy (as of the last sync).</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_map.py" />
            <source>Karte „{name}“ hinzugefügt.</source>
            <translation>Map '{name}' added.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>neu</source>
            <translation>new</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>geändert</source>
            <translation>changed</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>unverändert</source>
            <translation>unchanged</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>abgelehnt</source>
            <translation>rejected</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>ungültig</source>
            <translation>invalid</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>{new} neu, {changed} geändert, {unchanged} unverändert, {refused} abgelehnt, {invalid} ungültig</source>
            <translation>{new} new, {changed} changed, {unchanged} unchanged, {refused} refused, {invalid} invalid</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Probelauf: {parts}. Es wurde nichts gespeichert; „Senden“ überträgt die Werte.</source>
            <translation>Dry run: {parts}. Nothing was saved; 'Send' transfers the values.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Probelauf: {parts}. Es wurde nichts gespeichert. Bitte die abgelehnten und ungültigen Zeilen in der Datei korrigieren und erneut prüfen.</source>
            <translation>Dry run: {parts}. Nothing was saved. Please correct the refused and invalid rows in the file and check again.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Probelauf: {parts}. Es wurde nichts gespeichert; es gibt nichts zu senden.</source>
            <translation>Dry run: {parts}. Nothing was saved; there is nothing to send.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Gesendet: {count} Wert ({parts}). Er wartet jetzt auf die Prüfung durch den Landkreis.</source>
            <translation>Sent: {count} value ({parts}). It now waits for the county's review.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Gesendet: {count} Werte ({parts}). Sie warten jetzt auf die Prüfung durch den Landkreis.</source>
            <translation>Sent: {count} values ({parts}). They now wait for the county's review.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Der Server hatte diese Datei schon übernommen; nichts wurde doppelt gespeichert.</source>
            <translation>The server had taken this file already; nothing was saved twice.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Nicht übernommen: {parts}. Es wurde nichts gespeichert.</source>
            <translation>Not accepted: {parts}. Nothing was saved.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Langformat</source>
            <translation>long layout</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Breitformat (Jahre als Spalten)</source>
            <translation>wide layout (years as columns)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Trennzeichen „{separator}“</source>
            <translation>separator '{separator}'</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Gelesen als: {parts}.</source>
            <translation>Read as: {parts}.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>{count} Zeile übersprungen (Titel, Leer- oder Summenzeile).</source>
            <translation>{count} row skipped (title, blank or totals row).</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>{count} Zeilen übersprungen (Titel, Leer- oder Summenzeilen).</source>
            <translation>{count} rows skipped (title, blank or totals rows).</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Indikatorwerte hochladen</source>
            <translation>Upload indicator values</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Fundstelle</source>
            <translation>Location</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Einheit</source>
            <translation>Unit</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Ergebnis</source>
            <translation>Outcome</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Alt</source>
            <translation>Old</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Neu</source>
            <translation>New</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Grund</source>
            <translation>Reason</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Datei wählen und „Prüfen (Probelauf)“ klicken: der Server prüft jede Zeile, ohne etwas zu speichern.</source>
            <translation>Choose a file and click 'Check (dry run)': the server checks every row without saving anything.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Tabellen (*.csv *.xlsx);;CSV (*.csv);;Excel (*.xlsx)</source>
            <translation>Spreadsheets (*.csv *.xlsx);;CSV (*.csv);;Excel (*.xlsx)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>(aus der Datei)</source>
            <translation>(from the file)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Datei (CSV oder Excel)</source>
            <translation>File (CSV or Excel)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Alle Zeilen</source>
            <translation>All rows</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Filtern nach Einheit, Grund …</source>
            <translation>Filter by unit, reason …</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Anzeigen:</source>
            <translation>Show:</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Prüfen (Probelauf)</source>
            <translation>Check (dry run)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Senden</source>
            <translation>Send</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Vorlage speichern…</source>
            <translation>Save template…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Eine Excel-Vorlage des gewählten Indikators mit den eigenen Gebieten und den Werten der letzten Jahre speichern</source>
            <translation>Save an Excel template of the chosen indicator with the own areas and the values of the last years</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Bitte eine CSV- oder Excel-Datei wählen.</source>
            <translation>Please choose a CSV or Excel file.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Familienatlas: Indikatorwerte prüfen</source>
            <translation>Familienatlas: check indicator values</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Die Datei wird geprüft …</source>
            <translation>Checking the file …</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Familienatlas: Indikatorwerte senden</source>
            <translation>Familienatlas: send indicator values</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Die Werte werden gesendet …</source>
            <translation>Sending the values …</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Fehler: {error}</source>
            <translation>Error: {error}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>„Senden“ kann gefahrlos wiederholt werden: der Server übernimmt die Werte nur einmal.</source>
            <translation>'Send' can safely be repeated: the server takes the values only once.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Für eine Vorlage bitte einen Indikator wählen.</source>
            <translation>Please choose an indicator for a template.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Vorlage speichern</source>
            <translation>Save template</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Excel (*.xlsx)</source>
            <translation>Excel (*.xlsx)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Die Vorlage kann nicht gespeichert werden: {error}</source>
            <translation>The template cannot be saved: {error}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Vorlage gespeichert: {path}. Ausfüllen und hier hochladen.</source>
            <translation>Template saved: {path}. Fill it in and upload it here.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/indicator_upload.py" />
            <source>Familienatlas: Vorlage laden</source>
            <translation>Familienatlas: load template</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>Einrichtung</source>
            <translation>Institution</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>Raumeinheit</source>
            <translation>Spatial unit</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>Familienatlas: Probleme</source>
            <translation>Familienatlas: problems</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>Objekt</source>
            <translation>Feature</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>Feld</source>
            <translation>Field</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>Problem</source>
            <translation>Problem</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>Keine Probleme: alle Änderungen können gesendet werden.</source>
            <translation>No problems: all changes can be sent.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>Ein Problem vor dem Senden (nicht gesendet),</source>
            <translation>1 problem before sending (not sent),</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>{count} Probleme vor dem Senden (nicht gesendet),</source>
            <translation>{count} problems before sending (not sent),</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>eine Ablehnung durch den Server.</source>
            <translation>1 refusal by the server.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>{count} Ablehnungen durch den Server.</source>
            <translation>{count} refusals by the server.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>Klick auf eine Zeile zeigt das Objekt in der Karte.</source>
            <translation>Click a line to show the feature on the map.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>Lage</source>
            <translation>Location</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/problems_dock.py" />
            <source>Vom Server abgelehnt: {reason}</source>
            <translation>Refused by the server: {reason}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Ring blau: lokal geändert, nicht gesendet</source>
            <translation>Blue ring: changed locally, not sent</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Ring orange: wartet auf Prüfung</source>
            <translation>Orange ring: waiting for review</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Ring rot: abgelehnt (Grund: „Lokale Änderungen“)</source>
            <translation>Red ring: rejected (reason: 'Local changes')</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Sonstige</source>
            <translation>Other</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Prüfstatus</source>
            <translation>Review state</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Hinweis der Prüfung</source>
            <translation>Review note</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Höchstens {max} Zeichen.</source>
            <translation>At most {max} characters.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Erlaubt sind Werte von {min} bis {max}.</source>
            <translation>Values from {min} to {max} are allowed.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Mindestens {min}.</source>
            <translation>At least {min}.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Höchstens {max}.</source>
            <translation>At most {max}.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Eine E-Mail-Adresse wie name@beispiel.de.</source>
            <translation>An e-mail address such as name@example.org.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Eine Webadresse, die mit http:// oder https:// beginnt.</source>
            <translation>A web address starting with http:// or https://.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Öffnungszeiten im OpenStreetMap-Format, z. B. Mo-Fr 08:00-16:00; Sa 10:00-12:00.</source>
            <translation>Opening hours in OpenStreetMap syntax, e.g. Mo-Fr 08:00-16:00; Sa 10:00-12:00.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Gemeindeschlüssel, mit Kommas getrennt (der Schlüssel des Landkreises: kreisweit).</source>
            <translation>Municipality keys separated by commas (the county's key: county-wide).</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Im Format „{format}“.</source>
            <translation>In the format '{format}'.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Nicht kleiner als „{other}“.</source>
            <translation>Not less than '{other}'.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Nicht größer als „{other}“.</source>
            <translation>Not greater than '{other}'.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Muss zu „{other}“ passen.</source>
            <translation>Must fit '{other}'.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>(keine Angabe)</source>
            <translation>(not specified)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Nur lesen: Ihr Konto hat die Rolle „{role}“ und darf keine Änderungen senden.</source>
            <translation>Read-only: your account has the role '{role}' and may not send changes.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Unterkategorien</source>
            <translation>Subcategories</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Einrichtungen (eigene)</source>
            <translation>Institutions (own)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Einrichtungen (andere Kommunen)</source>
            <translation>Institutions (other municipalities)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Die Einrichtungen Ihrer Kommune: hier bearbeiten, dann „Synchronisieren“.</source>
            <translation>Your municipality's institutions: edit them here, then 'Synchronise'.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Nur lesen: diese Einrichtungen gehören anderen Kommunen. Ändern dürfen sie nur die jeweilige Kommune und die Kreisverwaltung.</source>
            <translation>Read-only: these institutions belong to other municipalities. Only their municipality and the county may change them.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Einrichtungen</source>
            <translation>Institutions</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Raumeinheiten</source>
            <translation>Spatial units</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Indikatorwerte</source>
            <translation>Indicator values</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Gemeindegebiete</source>
            <translation>Municipal territories</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Gemeindeschlüssel</source>
            <translation>Municipality key</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Art</source>
            <translation>Kind</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Übergeordnet</source>
            <translation>Parent</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>Nur lesen: die Gemeindegebiete pflegt die Kreisverwaltung auf dem Server; sie werden bei jedem Synchronisieren aktualisiert.</source>
            <translation>Read-only: the county maintains the municipal territories on the server; they are updated with every synchronisation.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Familienatlas: Bearbeitungsstand laden</source>
            <translation>Familienatlas: load who changed what</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Bearbeitungen speichern?</source>
            <translation>Save edits?</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Diese Ebenen haben ungespeicherte Bearbeitungen: {layers}.

Speichern und dann synchronisieren?</source>
            <translation>These layers have unsaved edits: {layers}.

Save them and synchronise?</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Die Bearbeitungen von „{layer}“ konnten nicht gespeichert werden: {errors}</source>
            <translation>The edits of '{layer}' could not be saved: {errors}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Familienatlas: synchronisieren</source>
            <translation>Familienatlas: synchronise</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Synchronisierung abgebrochen. Die Arbeitskopie ist unverändert nutzbar.</source>
            <translation>Synchronisation cancelled. The working copy can still be used as it is.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Synchronisierung fehlgeschlagen: {error}</source>
            <translation>Synchronisation failed: {error}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Bitte über „Verbinden…“ erneut anmelden.</source>
            <translation>Please log in again with 'Connect…'.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Abgleich fertig: {sent} gesendet, {accepted} angenommen, {received} empfangen.</source>
            <translation>Synchronisation finished: {sent} sent, {accepted} accepted, {received} received.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>sie stammt von einem anderen Server oder aus einer älteren Sicherung</source>
            <translation>it comes from another server or an older backup</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>was Sie sehen dürfen, hat sich geändert</source>
            <translation>what you may see has changed</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Die Arbeitskopie passte nicht mehr zum Server ({why}): {layers} wurde vollständig neu geladen, alle lokalen Änderungen sind erhalten.</source>
            <translation>The working copy no longer matched the server ({why}): {layers} was loaded again completely, all local changes are kept.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Ein lokal geändertes Objekt gibt es auf dem Server nicht mehr ({names}); es bleibt in der Arbeitskopie.</source>
            <translation>A locally changed feature no longer exists on the server ({names}); it stays in the working copy.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>{count} lokal geänderte Objekte gibt es auf dem Server nicht mehr ({names}); sie bleiben in der Arbeitskopie.</source>
            <translation>{count} locally changed features no longer exist on the server ({names}); they stay in the working copy.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Die Kreisverwaltung hat eine Änderung abgelehnt: {reasons}</source>
            <translation>The county rejected a change: {reasons}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Die Kreisverwaltung hat {count} Änderungen abgelehnt: {reasons}</source>
            <translation>The county rejected {count} changes: {reasons}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Ein Konflikt zusammengeführt.</source>
            <translation>1 conflict merged.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>{count} Konflikte zusammengeführt.</source>
            <translation>{count} conflicts merged.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Eine Änderung vom Server abgelehnt: {reasons}</source>
            <translation>1 change refused by the server: {reasons}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>{count} Änderungen vom Server abgelehnt: {reasons}</source>
            <translation>{count} changes refused by the server: {reasons}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Ein Objekt wegen eines Fehlers nicht gesendet (siehe Liste „Probleme“).</source>
            <translation>1 feature not sent because of a problem (see the list 'Problems').</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>{count} Objekte wegen Fehlern nicht gesendet (siehe Liste „Probleme“).</source>
            <translation>{count} features not sent because of problems (see the list 'Problems').</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Ein Konflikt ist noch offen; der lokale Wert bleibt erhalten und wird beim nächsten Synchronisieren erneut abgeglichen.</source>
            <translation>1 conflict is still open; the local value is kept and compared again at the next synchronisation.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>{count} Konflikte sind noch offen; die lokalen Werte bleiben erhalten und werden beim nächsten Synchronisieren erneut abgeglichen.</source>
            <translation>{count} conflicts are still open; the local values are kept and compared again at the next synchronisation.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/synchronise.py" />
            <source>Gemeindegebiete und Kategorien konnten nicht aktualisiert werden: {error}</source>
            <translation>Municipal territories and categories could not be updated: {error}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Verbinden…</source>
            <translation>Connect…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Beim Familienatlas-Server anmelden</source>
            <translation>Log in to the Familienatlas server</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Auschecken…</source>
            <translation>Check out…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Eine Arbeitskopie (GeoPackage) vom Server holen und in das Projekt laden</source>
            <translation>Fetch a working copy (GeoPackage) from the server and load it into the project</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Synchronisieren</source>
            <translation>Synchronise</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Lokale Änderungen prüfen und senden, neue Daten vom Server empfangen</source>
            <translation>Check and send local changes, receive new data from the server</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Lokale Änderungen…</source>
            <translation>Local changes…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Noch nicht gesendete Änderungen der Arbeitskopie anzeigen</source>
            <translation>Show the changes of the working copy not yet sent</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Meldungen…</source>
            <translation>Reports…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Was Besucher der Angebotskarte als veraltet melden: lesen, Eintrag zeigen, mit Antwort abschließen</source>
            <translation>What visitors of the offers map report as out of date: read, show the entry, close with an answer</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Indikatorwerte hochladen…</source>
            <translation>Upload indicator values…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Indikatorwerte aus einer CSV- oder Excel-Datei prüfen und an den Server senden</source>
            <translation>Check indicator values from a CSV or Excel file and send them to the server</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Indikator als Karte…</source>
            <translation>Indicator as a map…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Die Werte eines Indikators für eine Raumebene und ein Jahr als klassifizierte Karte zeigen</source>
            <translation>Show one indicator's values for a spatial level and a year as a classified map</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Prüfen</source>
            <translation>Review</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Eingereichte Änderungen der Kommunen prüfen und veröffentlichen (nur Kreisverwaltung)</source>
            <translation>Review and publish the municipalities' submitted changes (county administration only)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Abmelden</source>
            <translation>Log out</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Vom Server abmelden</source>
            <translation>Log out from the server</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Familienatlas: abmelden</source>
            <translation>Familienatlas: log out</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Noch keine Arbeitskopie: bitte zuerst „Auschecken…“ wählen.</source>
            <translation>No working copy yet: please choose 'Check out…' first.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Die Arbeitskopie enthält keine Ebenen: bitte neu auschecken.</source>
            <translation>The working copy holds no layers: please check out again.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Die Arbeitskopie gehört zum Server {workcopy}, angemeldet ist QGIS bei {client}. Bitte mit dem richtigen Server verbinden oder neu auschecken.</source>
            <translation>The working copy belongs to server {workcopy}, but QGIS is logged in to {client}. Please connect to the right server or check out again.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Arbeitskopie eines anderen Kontos</source>
            <translation>Working copy of another account</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Als „{user}“ anmelden…</source>
            <translation>Log in as '{user}'…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Nichts tun</source>
            <translation>Do nothing</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Meldungen zu Einträgen sehen die Bearbeitung der Kommune und die Kreisverwaltung.</source>
            <translation>Reports on entries are seen by the municipality's editors and the county admin.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Prüfen ist der Kreisverwaltung vorbehalten: bitte als Administrator anmelden.</source>
            <translation>Reviewing is reserved for the county administration: please log in as administrator.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Abgemeldet.</source>
            <translation>Logged out.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Nicht angemeldet.</source>
            <translation>Not logged in.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Bitte die Server-Adresse angeben.</source>
            <translation>Please enter the server address.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Zugangsdaten (QGIS-Authentifizierung)</source>
            <translation>Credentials (QGIS authentication)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Keine Zugangsdaten: die Authentifizierungskonfiguration „{authcfg}“ fehlt in der QGIS-Authentifizierungsdatenbank, enthält keinen Benutzernamen oder ist gesperrt (Master-Passwort).</source>
            <translation>No credentials: the authentication configuration '{authcfg}' is missing from QGIS's authentication database, holds no user name or is locked (master password).</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Bitte Benutzername und Passwort der Authentifizierungskonfiguration „{authcfg}“ prüfen.</source>
            <translation>Please check the user name and password of the authentication configuration '{authcfg}'.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Anmeldung bei {server} nicht möglich: {error}</source>
            <translation>Cannot log in to {server}: {error}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Auschecken</source>
            <translation>Check out</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Holt eine Arbeitskopie (GeoPackage familienatlas.gpkg) aller Ebenen vom Familienatlas-Server in den angegebenen Ordner. Die Anmeldung verwendet Benutzername und Passwort einer „Basic“-Konfiguration der QGIS-Authentifizierung. Eine Arbeitskopie mit nicht gesendeten Änderungen wird nur ersetzt, wenn „Nicht gesendete lokale Änderungen verwerfen“ gewählt ist.</source>
            <translation>Fetches a working copy (GeoPackage familienatlas.gpkg) of all layers from the Familienatlas server into the given folder. The login uses the user name and password of a 'Basic' configuration of QGIS's authentication. A working copy with unsent changes is only replaced when 'Discard unsent local changes' is chosen.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Ordner der Arbeitskopie</source>
            <translation>Folder of the working copy</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Nicht gesendete lokale Änderungen verwerfen</source>
            <translation>Discard unsent local changes</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Ebenen in das Projekt laden</source>
            <translation>Load the layers into the project</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>GeoPackage der Arbeitskopie</source>
            <translation>GeoPackage of the working copy</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Objekte insgesamt</source>
            <translation>Features in total</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Bitte den Ordner der Arbeitskopie angeben.</source>
            <translation>Please enter the folder of the working copy.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Zum Ersetzen „{option}“ wählen.</source>
            <translation>To replace it, choose '{option}'.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Diese Ebenen haben ungespeicherte Bearbeitungen: {layers}.</source>
            <translation>These layers have unsaved edits: {layers}.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Auschecken abgebrochen.</source>
            <translation>Checkout cancelled.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Ebene „{layer}“: {count} Objekte</source>
            <translation>Layer '{layer}': {count} features</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Prüft die lokalen Änderungen einer Arbeitskopie, sendet sie an den Familienatlas-Server und empfängt die Änderungen des Servers. Objekte mit Fehlern werden nicht gesendet; was der Server ablehnt, steht mit seiner Begründung im Protokoll. Wurde dasselbe Feld lokal und auf dem Server geändert, entscheidet „Konflikte“: offen lassen (der lokale Wert bleibt erhalten), die eigene Version oder die Server-Version übernehmen.</source>
            <translation>Checks the local changes of a working copy, sends them to the Familienatlas server and receives the server's changes. Features with errors are not sent; what the server refuses is listed in the log with its reason. When the same field was changed locally and on the server, 'Conflicts' decides: leave it open (the local value is kept), take my version or take the server's version.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Konflikte (dasselbe Feld lokal und auf dem Server geändert)</source>
            <translation>Conflicts (the same field changed locally and on the server)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Nicht auflösen</source>
            <translation>Do not resolve</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Meine Version</source>
            <translation>My version</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Server-Version</source>
            <translation>Server version</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Gesendet</source>
            <translation>Sent</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Angenommen</source>
            <translation>Accepted</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Empfangen</source>
            <translation>Received</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Abgelehnt</source>
            <translation>Refused</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Konflikte zusammengeführt</source>
            <translation>Conflicts merged</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Konflikte offen</source>
            <translation>Conflicts open</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Wegen Fehlern nicht gesendet</source>
            <translation>Not sent because of errors</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Ungespeicherte Bearbeitungen in {layers} werden nicht gesendet; bitte speichern und erneut synchronisieren.</source>
            <translation>Unsaved edits in {layers} are not sent; please save them and synchronise again.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Nicht gesendet: {feature}: {message}</source>
            <translation>Not sent: {feature}: {message}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Vom Server abgelehnt: {feature}: {reason}</source>
            <translation>Refused by the server: {feature}: {reason}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/algorithms.py" />
            <source>Konflikt offen: {feature}, Feld „{field}“ (lokal: {mine}, Server: {theirs}). Der lokale Wert bleibt erhalten.</source>
            <translation>Conflict open: {feature}, field '{field}' (local: {mine}, server: {theirs}). The local value is kept.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>Sendet eine CSV- oder Excel-Datei mit Indikatorwerten an den Familienatlas-Server. Im Probelauf (Voreinstellung) prüft der Server jede Zeile und meldet, was neu, geändert, unverändert, abgelehnt oder ungültig wäre, ohne etwas zu speichern. Ohne Probelauf werden die Werte als eine Änderung übernommen (alle oder keiner) und warten auf die Prüfung durch den Landkreis. Der Indikator ist nur nötig, wenn die Datei keine Indikator-Spalte hat, das Jahr nur, wenn sie keine Jahres-Spalte hat.</source>
            <translation>Sends a CSV or Excel file of indicator values to the Familienatlas server. In a dry run (the default) the server checks every row and reports what would be new, changed, unchanged, refused or invalid, without saving anything. Without a dry run the values are taken as one change (all or none) and wait for the county's review. The indicator is needed only when the file has no indicator column, the year only when it has no year column.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>Tabellen (*.csv *.xlsx)</source>
            <translation>Spreadsheets (*.csv *.xlsx)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>Indikator (Schlüssel)</source>
            <translation>Indicator (key)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>Raumebene (Schlüssel, für Namen statt Schlüsseln)</source>
            <translation>Spatial level (key, for names instead of keys)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>Nur prüfen (Probelauf)</source>
            <translation>Check only (dry run)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>Übernommen</source>
            <translation>Accepted</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>Zeilen: {status}</source>
            <translation>Rows: {status}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>Die Datei „{path}“ gibt es nicht.</source>
            <translation>The file '{path}' does not exist.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>Probelauf: nichts wird gespeichert.</source>
            <translation>Dry run: nothing is saved.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>Die Werte werden gesendet.</source>
            <translation>Sending the values.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>Hochladen fehlgeschlagen: {error}</source>
            <translation>Upload failed: {error}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>{source}: {unit} {year}: {status}</source>
            <translation>{source}: {unit} {year}: {status}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/processing/indicator_algorithms.py" />
            <source>Übersprungen: {source}: {reason}</source>
            <translation>Skipped: {source}: {reason}</translation>
        </message>
    </context>
    <context>
        <name>ChangesDialog</name>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Familienatlas: Lokale Änderungen</source>
            <translation>Familienatlas: local changes</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Arbeitskopie {path}&lt;br&gt;Benutzer {user} · Server {server}</source>
            <translation>Working copy {path}&lt;br&gt;User {user} · Server {server}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Ein Klick auf eine Zeile zeigt das Objekt auf der Karte.</source>
            <translation>Click a row to show the feature on the map.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Änderung verwerfen…</source>
            <translation>Discard change…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Die ausgewählte lokale Änderung zurücknehmen: das Objekt bekommt wieder den Stand vom Server, ein neues Objekt wird entfernt.</source>
            <translation>Undo the selected local change: the feature gets the server's state again, a new feature is removed.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Aktualisieren</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Schließen</source>
            <translation>Close</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>alles Offene</source>
            <translation>all open items</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>vom Server zurückgewiesen</source>
            <translation>refused by the server</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>alle Objekte</source>
            <translation>all features</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>nur {municipality}</source>
            <translation>only {municipality}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Nur Objekte der eigenen Kommune; eigene Änderungen werden immer gezeigt</source>
            <translation>Only features of your own municipality; your own changes are always shown</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Anzeigen</source>
            <translation>Show</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Ebene</source>
            <translation>Layer</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Kommune</source>
            <translation>Municipality</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Änderung</source>
            <translation>Change</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Geänderte Felder</source>
            <translation>Changed fields</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Grund / Hinweis</source>
            <translation>Reason / note</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>{count} lokal geändert</source>
            <translation>{count} changed locally</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>{count} vom Server zurückgewiesen</source>
            <translation>{count} refused by the server</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>{count} warten auf Prüfung</source>
            <translation>{count} awaiting review</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>{count} abgelehnt</source>
            <translation>{count} rejected</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>zuvor abgelehnt: {reason}</source>
            <translation>previously rejected: {reason}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Bitte zuerst die Bearbeitung der Familienatlas-Ebenen speichern oder beenden.</source>
            <translation>Please save or stop editing the Familienatlas layers first.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Änderung verwerfen?</source>
            <translation>Discard the change?</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Die lokale Änderung an „{name}“ verwerfen? Das Objekt bekommt wieder den Stand vom Server; ein neues Objekt wird entfernt. Das lässt sich nicht rückgängig machen.</source>
            <translation>Discard the local change of '{name}'? The feature gets the server's state again; a new feature is removed. This cannot be undone.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Verwerfen</source>
            <translation>Discard</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Die Änderung an „{name}“ wurde verworfen.</source>
            <translation>The change of '{name}' was discarded.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Zeile auswählen, um Grund und Hinweise vollständig zu lesen.</source>
            <translation>Select a row to read the reason and notes in full.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Geänderte Felder: {fields}</source>
            <translation>Changed fields: {fields}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Grund</source>
            <translation>Reason</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Antwort des Servers</source>
            <translation>Server's response</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Die Ebene „{layer}“ der Arbeitskopie ist nicht im Projekt geladen.</source>
            <translation>The working copy's layer '{layer}' is not loaded in the project.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>„{name}“ hat keine Geometrie.</source>
            <translation>'{name}' has no geometry.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>„{name}“ wird auf der Karte gezeigt.</source>
            <translation>'{name}' is shown on the map.</translation>
        </message>
    </context>
    <context>
        <name>ConflictDialog</name>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Familienatlas: Konflikte lösen</source>
            <translation>Familienatlas: resolve conflicts</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Diese Felder wurden hier und auf dem Server unterschiedlich geändert. Bitte für jedes Feld wählen, welche Fassung gelten soll. Änderungen an verschiedenen Feldern desselben Objekts wurden bereits automatisch zusammengeführt.</source>
            <translation>These fields were changed differently here and on the server. Please choose for each field which version should apply. Changes to different fields of the same feature have already been merged automatically.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Alle meine</source>
            <translation>All mine</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Für jedes Feld die eigene Fassung übernehmen</source>
            <translation>Take your own version for every field</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Alle vom Server</source>
            <translation>All from the server</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Für jedes Feld die Fassung des Servers übernehmen</source>
            <translation>Take the server's version for every field</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Übernehmen</source>
            <translation>Apply</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Später entscheiden</source>
            <translation>Decide later</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Objekt {uuid}: der Stand auf dem Server ist unbekannt. Es bleibt lokal unverändert und wird beim nächsten Abgleich erneut versucht.</source>
            <translation>Feature {uuid}: its state on the server is unknown. It stays unchanged locally and will be tried again at the next synchronisation.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Lage auf der Karte</source>
            <translation>Location on the map</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Ausgangsstand</source>
            <translation>Base version</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Meine Version</source>
            <translation>My version</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Server-Version</source>
            <translation>Server version</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Im QGIS-Kartenfenster zeigen</source>
            <translation>Show in the QGIS map canvas</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>{name} ({layer})</source>
            <translation>{name} ({layer})</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Feld</source>
            <translation>Field</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>geändert von {who} am {when}</source>
            <translation>changed by {who} on {when}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Karte</source>
            <translation>Map</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Beide Fassungen auf der Karte zeigen</source>
            <translation>Show both versions on the map</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>({distance} auseinander)</source>
            <translation>({distance} apart)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>vorhanden</source>
            <translation>exists</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>gelöscht</source>
            <translation>deleted</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>unverändert behalten</source>
            <translation>kept unchanged</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>behalten, geändert: {fields}</source>
            <translation>kept, changed: {fields}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Nichts zu entscheiden.</source>
            <translation>Nothing to decide.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Alle {count} Konflikte entschieden.</source>
            <translation>All {count} conflicts decided.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Noch 1 Entscheidung offen.</source>
            <translation>1 decision still open.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Noch {count} Entscheidungen offen.</source>
            <translation>{count} decisions still open.</translation>
        </message>
    </context>
    <context>
        <name>FeatureDisplay</name>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>neu</source>
            <translation>new</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>geändert</source>
            <translation>changed</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>gelöscht</source>
            <translation>deleted</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>veröffentlicht</source>
            <translation>published</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>wartet auf Prüfung</source>
            <translation>awaiting review</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>abgelehnt</source>
            <translation>rejected</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>zurückgezogen</source>
            <translation>withdrawn</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>lokal geändert</source>
            <translation>changed locally</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Lage / Geometrie</source>
            <translation>Location / geometry</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Objekt (gelöscht / geändert)</source>
            <translation>Feature (deleted / changed)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>ja</source>
            <translation>yes</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>nein</source>
            <translation>no</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Punkt {x} | {y}</source>
            <translation>Point {x} | {y}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Fläche mit {n} Eckpunkten</source>
            <translation>Polygon with {n} vertices</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Linie mit {n} Punkten</source>
            <translation>Line with {n} points</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Geometrie ({kind})</source>
            <translation>Geometry ({kind})</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>{km} km</source>
            <translation>{km} km</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>{m} m</source>
            <translation>{m} m</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Unerwarteter Fehler: {error}</source>
            <translation>Unexpected error: {error}</translation>
        </message>
    </context>
    <context>
        <name>ReasonDialog</name>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Änderungen ablehnen</source>
            <translation>Reject changes</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Warum wird die ausgewählte Änderung abgelehnt?</source>
            <translation>Why is the selected change being rejected?</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Warum werden die {count} ausgewählten Änderungen abgelehnt?</source>
            <translation>Why are the {count} selected changes being rejected?</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Die Kommune sieht den Grund beim nächsten Abgleich.</source>
            <translation>The municipality will see the reason at its next synchronisation.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Grund der Ablehnung (Pflichtangabe)</source>
            <translation>Reason for the rejection (required)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Ablehnen</source>
            <translation>Reject</translation>
        </message>
    </context>
    <context>
        <name>ReportsDialog</name>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Familienatlas: Meldungen zu Einträgen</source>
            <translation>Familienatlas: reports on entries</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Was Besucherinnen und Besucher der Angebotskarte als falsch oder veraltet melden. Bitte den Eintrag in der Arbeitskopie korrigieren, synchronisieren und die Meldung mit einer Antwort abschließen. Die E-Mail-Adresse sehen nur Mitarbeitende; der Server löscht sie nach einer festen Frist.</source>
            <translation>What visitors of the offers map report as wrong or out of date. Please correct the entry in the working copy, synchronise, and close the report with an answer. Only staff see the e-mail address; the server deletes it after a fixed period.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>offene</source>
            <translation>open</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>abgeschlossene</source>
            <translation>closed</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>alle</source>
            <translation>all</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Anzeigen</source>
            <translation>Show</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Eingang</source>
            <translation>Received</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Angebot</source>
            <translation>Offer</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Kommune</source>
            <translation>Municipality</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Meldung</source>
            <translation>Report</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>E-Mail</source>
            <translation>E-mail</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Status</source>
            <translation>Status</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Antwort (Pflicht), z. B. was korrigiert wurde</source>
            <translation>Answer (required), e.g. what was corrected</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Antwort</source>
            <translation>Answer</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Mit Antwort abschließen</source>
            <translation>Close with answer</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Die ausgewählte Meldung abschließen; die Antwort wird mit ihr gespeichert.</source>
            <translation>Close the selected report; the answer is stored with it.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Aktualisieren</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Schließen</source>
            <translation>Close</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Meldungen werden geladen …</source>
            <translation>Loading reports …</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Familienatlas: Meldungen laden</source>
            <translation>Familienatlas: load reports</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Meldung wird abgeschlossen …</source>
            <translation>Closing the report …</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Familienatlas: Meldung abschließen</source>
            <translation>Familienatlas: close report</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Die Meldung zu „{name}“ ist abgeschlossen.</source>
            <translation>The report on “{name}” is closed.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>offen</source>
            <translation>open</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>abgeschlossen</source>
            <translation>closed</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>{count} Meldungen, davon {open} offen</source>
            <translation>{count} reports, {open} of them open</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Keine Meldung ausgewählt.</source>
            <translation>No report selected.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>in der Arbeitskopie zeigen</source>
            <translation>show in the working copy</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>E-Mail für Rückfragen: {email}</source>
            <translation>E-mail for questions: {email}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Antwort ({user}, {time}): {answer}</source>
            <translation>Answer ({user}, {time}): {answer}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>„{name}“ ist nicht in der Arbeitskopie; bitte synchronisieren.</source>
            <translation>“{name}” is not in the working copy; please synchronise.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>Die Ebene der Angebote ist nicht im Projekt geladen.</source>
            <translation>The offers layer is not loaded in the project.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/reports_dialog.py" />
            <source>„{name}“ wird auf der Karte gezeigt.</source>
            <translation>“{name}” is shown on the map.</translation>
        </message>
    </context>
    <context>
        <name>ReviewDock</name>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Prüfen und Veröffentlichen</source>
            <translation>Review and publish</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Aktualisieren</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Noch nicht geladen.</source>
            <translation>Not loaded yet.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Freigeben</source>
            <translation>Approve</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Die ausgewählten Änderungen veröffentlichen</source>
            <translation>Publish the selected changes</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Ablehnen …</source>
            <translation>Reject…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Die ausgewählten Änderungen mit Begründung ablehnen</source>
            <translation>Reject the selected changes, giving a reason</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Ganze Übertragung freigeben</source>
            <translation>Approve whole upload</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Alle Änderungen veröffentlichen, die mit der ausgewählten zusammen übertragen wurden</source>
            <translation>Publish all changes that were uploaded together with the selected one</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Filter</source>
            <translation>Filter</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>alle</source>
            <translation>all</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Ebene</source>
            <translation>Layer</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Kommune</source>
            <translation>Municipality</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Kategorie</source>
            <translation>Category</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Autor</source>
            <translation>Author</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>seit</source>
            <translation>since</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Art</source>
            <translation>Type</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Name</source>
            <translation>Name</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Zeit</source>
            <translation>Time</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Vorher / Nachher</source>
            <translation>Before / after</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Auch unveränderte Felder zeigen</source>
            <translation>Also show unchanged fields</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Feld</source>
            <translation>Field</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Vorher (veröffentlicht)</source>
            <translation>Before (published)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Nachher (zur Prüfung)</source>
            <translation>After (for review)</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>alte Lage</source>
            <translation>old location</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>neue Lage</source>
            <translation>new location</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Auf Karte zeigen</source>
            <translation>Show on map</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Änderungen werden geladen …</source>
            <translation>Loading changes…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>{count} Änderungen</source>
            <translation>{count} changes</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>{shown} von {total} Änderungen</source>
            <translation>{shown} of {total} changes</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>{count} Änderungen warten auf Prüfung.</source>
            <translation>{count} changes awaiting review.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Bitte eine Änderung auswählen.</source>
            <translation>Please select a change.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>als einzige offene Änderung ihrer Übertragung</source>
            <translation>the only open change of its upload</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Übertragung mit {count} offenen Änderungen</source>
            <translation>upload with {count} open changes</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>&lt;b&gt;{name}&lt;/b&gt; ({layer}, {municipality})&lt;br&gt;{op} von {author} am {time} · {push}</source>
            <translation>&lt;b&gt;{name}&lt;/b&gt; ({layer}, {municipality})&lt;br&gt;{op}, by {author} on {time} · {push}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Auffällig: {change} % gegenüber dem Vorjahr ({previous}).</source>
            <translation>Conspicuous: {change} % against the previous year ({previous}).</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Auffällig: weit außerhalb der Werte der anderen Einheiten dieser Ebene im selben Jahr (üblich {low} bis {high}).</source>
            <translation>Conspicuous: far outside the values of the other units of this level in the same year (usual {low} to {high}).</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Neues Objekt: noch nicht öffentlich.</source>
            <translation>New feature: not public yet.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Soll gelöscht werden: bleibt öffentlich, bis die Löschung freigegeben ist.</source>
            <translation>To be deleted: stays public until the deletion is approved.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Noch nie veröffentlicht.</source>
            <translation>Never published before.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Lage unverändert.</source>
            <translation>Location unchanged.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>verschoben um {distance}</source>
            <translation>moved by {distance}</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Alle {count} offenen Änderungen der Übertragung von {author} am {time} freigeben?</source>
            <translation>Approve all {count} open changes of the upload by {author} on {time}?</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>1 Änderung freigegeben.</source>
            <translation>1 change approved.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>{count} Änderungen freigegeben.</source>
            <translation>{count} changes approved.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>1 Änderung abgelehnt.</source>
            <translation>1 change rejected.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>{count} Änderungen abgelehnt.</source>
            <translation>{count} changes rejected.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Freigabe wird gesendet …</source>
            <translation>Sending approval…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Ablehnung wird gesendet …</source>
            <translation>Sending rejection…</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Familienatlas: {what}</source>
            <translation>Familienatlas: {what}</translation>
        </message>
    </context>
</TS>
