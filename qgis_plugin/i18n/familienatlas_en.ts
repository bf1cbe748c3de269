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
            <source>Angemeldet als {user} ({municipality}).</source>
            <translation>Logged in as {user} ({municipality}).</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/connect_dialog.py" />
            <source>Die Zugangsdaten wurden nicht gespeichert: die QGIS-Authentifizierungsdatenbank ist nicht verfügbar (kein Master-Passwort).</source>
            <translation>The credentials were not stored: QGIS's authentication database is not available (no master password).</translation>
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
            <source>veröffentlicht</source>
            <translation>published</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>wartet auf Prüfung</source>
            <translation>awaiting review</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>abgelehnt</source>
            <translation>rejected</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>zurückgezogen</source>
            <translation>withdrawn</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/project.py" />
            <source>lokal geändert</source>
            <translation>changed locally</translation>
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
            <source>(keine Angabe)</source>
            <translation>(not specified)</translation>
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
            <source>Name</source>
            <translation>Name</translation>
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
            <source>Prüfen ist der Kreisverwaltung vorbehalten: bitte als Administrator anmelden.</source>
            <translation>Reviewing is reserved for the county administration: please log in as administrator.</translation>
        </message>
        <message>
            <location filename="../../qgis_plugin/plugin.py" />
            <source>Abgemeldet.</source>
            <translation>Logged out.</translation>
        </message>
    </context>
    <context>
        <name>ChangesDialog</name>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Familienatlas: Lokale Änderungen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Arbeitskopie {path}&lt;br&gt;Benutzer {user} · Server {server}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Anzeigen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>alles Offene</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>lokal geändert</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>vom Server zurückgewiesen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>wartet auf Prüfung</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>abgelehnt</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>veröffentlicht</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>alle Objekte</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>nur {municipality}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Nur Objekte der eigenen Kommune; eigene Änderungen werden immer gezeigt</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Ebene</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Kommune</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Änderung</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Geänderte Felder</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Grund / Hinweis</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Ein Klick auf eine Zeile zeigt das Objekt auf der Karte.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Aktualisieren</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Schließen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>{count} lokal geändert</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>{count} vom Server zurückgewiesen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>{count} warten auf Prüfung</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>{count} abgelehnt</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>zuvor abgelehnt: {reason}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Zeile auswählen, um Grund und Hinweise vollständig zu lesen.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Geänderte Felder: {fields}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Grund</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Antwort des Servers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>Die Ebene „{layer}“ der Arbeitskopie ist nicht im Projekt geladen.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>„{name}“ hat keine Geometrie.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/changes_dialog.py" />
            <source>„{name}“ wird auf der Karte gezeigt.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ConflictDialog</name>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Familienatlas: Konflikte lösen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Diese Felder wurden hier und auf dem Server unterschiedlich geändert. Bitte für jedes Feld wählen, welche Fassung gelten soll. Änderungen an verschiedenen Feldern desselben Objekts wurden bereits automatisch zusammengeführt.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Alle meine</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Für jedes Feld die eigene Fassung übernehmen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Alle vom Server</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Für jedes Feld die Fassung des Servers übernehmen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Objekt {uuid}: der Stand auf dem Server ist unbekannt. Es bleibt lokal unverändert und wird beim nächsten Abgleich erneut versucht.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Lage auf der Karte</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Ausgangsstand</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Meine Version</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Server-Version</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Im QGIS-Kartenfenster zeigen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Übernehmen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Später entscheiden</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>{name} ({layer})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Feld</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Karte</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Beide Fassungen auf der Karte zeigen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>({distance} auseinander)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>vorhanden</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>gelöscht</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>unverändert behalten</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>behalten, geändert: {fields}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Nichts zu entscheiden.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Alle {count} Konflikte entschieden.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Noch 1 Entscheidung offen.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/conflict_dialog.py" />
            <source>Noch {count} Entscheidungen offen.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>FeatureDisplay</name>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>neu</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>geändert</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>gelöscht</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>wartet auf Prüfung</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>veröffentlicht</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>abgelehnt</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>zurückgezogen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>lokal geändert</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Lage / Geometrie</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Objekt (gelöscht / geändert)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>ja</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>nein</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Punkt {x} | {y}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Fläche mit {n} Eckpunkten</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Linie mit {n} Punkten</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Geometrie ({kind})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>{km} km</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>{m} m</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/feature_display.py" />
            <source>Unerwarteter Fehler: {error}</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ReasonDialog</name>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Änderungen ablehnen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Warum wird die ausgewählte Änderung abgelehnt?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Warum werden die {count} ausgewählten Änderungen abgelehnt?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Die Kommune sieht den Grund beim nächsten Abgleich.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Grund der Ablehnung (Pflichtangabe)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Ablehnen</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ReviewDock</name>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Prüfen und Veröffentlichen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Aktualisieren</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Noch nicht geladen.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Filter</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>seit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>alle</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Ebene</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Kommune</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Kategorie</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Autor</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Art</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Zeit</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Vorher / Nachher</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Auch unveränderte Felder zeigen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Feld</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Vorher (veröffentlicht)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Nachher (zur Prüfung)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>alte Lage</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>neue Lage</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Auf Karte zeigen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Freigeben</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Die ausgewählten Änderungen veröffentlichen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Ablehnen …</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Die ausgewählten Änderungen mit Begründung ablehnen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Ganze Übertragung freigeben</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Alle Änderungen veröffentlichen, die mit der ausgewählten zusammen übertragen wurden</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Änderungen werden geladen …</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>{count} Änderungen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>{shown} von {total} Änderungen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>{count} Änderungen warten auf Prüfung.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Bitte eine Änderung auswählen.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>als einzige offene Änderung ihrer Übertragung</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Übertragung mit {count} offenen Änderungen</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>&lt;b&gt;{name}&lt;/b&gt; ({layer}, {municipality})&lt;br&gt;{op} von {author} am {time} · {push}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Neues Objekt: noch nicht öffentlich.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Soll gelöscht werden: bleibt öffentlich, bis die Löschung freigegeben ist.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Noch nie veröffentlicht.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Lage unverändert.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>verschoben um {distance}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Alle {count} offenen Änderungen der Übertragung von {author} am {time} freigeben?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>1 Änderung freigegeben.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>{count} Änderungen freigegeben.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>1 Änderung abgelehnt.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>{count} Änderungen abgelehnt.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Freigabe wird gesendet …</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Ablehnung wird gesendet …</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Familienatlas: {what}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <location filename="../../qgis_plugin/gui/review_dock.py" />
            <source>Familienatlas</source>
            <translation type="unfinished" />
        </message>
    </context>
</TS>
