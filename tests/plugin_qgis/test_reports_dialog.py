"""'Meldungen' in QGIS: the reports visitors sent from the offers map reach the owning municipality's
editor beside 'Lokale Änderungen'; the link shows the offer in the working copy on the map; closing a
report with an answer takes it off the open list.

Real QGIS (offscreen), real server on loopback, melle.editor's real checkout; the visitors' reports
are made through the public endpoint with form tokens as the server hands them out (opened a while
ago, as a person's form would be).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from qgis.core import Qgis, QgsPointXY, QgsProject

from qgis_plugin.gui import connection
from qgis_plugin.gui.reports_dialog import SHOW_LINK, ReportsDialog
from sync_server.domain import audit, reports
from tests.plugin_qgis.plugin_support import ModalAnswer, messages_of, wait_until
from tests.plugin_qgis.review_support import Desk, public_features, save_screenshot
from tests.plugin_qgis.review_support import login as login_client
from tests.support import BRAMSCHE, MELLE


@pytest.fixture
def editor(live_server: Any, tmp_path: Path) -> Iterator[Desk]:
    desk = Desk(live_server.url, "melle.editor", tmp_path / "melle")
    yield desk
    desk.close()


def visitor_reports(server: Any, offer_id: str, text: str, email: str = "") -> None:
    issued = int((audit.now() - timedelta(seconds=30)).timestamp())
    token = reports.form_token(server.app.extensions["familienatlas"].settings.jwt_secret, offer_id, issued)
    answer = requests.post(f"{server.url}/api/v1/public/offers/{offer_id}/reports",
                           json={"token": token, "text": text, "email": email}, timeout=30)
    assert answer.status_code == 201, answer.text


def loaded(dialog: ReportsDialog) -> ReportsDialog:
    wait_until(lambda: not dialog.loading, timeout=30, what="the reports to load")
    return dialog


def test_the_editor_reads_shows_and_closes_a_report(live_server: Any, editor: Desk, qgis_iface: Any,
                                                    qgis_new_project: Any) -> None:
    public = public_features(live_server.url)
    melle = next(fid for fid, f in sorted(public.items()) if f["properties"]["owner"] == MELLE)
    bramsche = next(fid for fid, f in sorted(public.items()) if f["properties"]["owner"] == BRAMSCHE)
    name = public[melle]["properties"]["name"]
    visitor_reports(live_server, melle, "Die Beratung ist umgezogen,\nneue Adresse: Markt 3.", "vater@example.org")
    visitor_reports(live_server, bramsche, "Telefonnummer falsch.")

    dialog = loaded(ReportsDialog(editor.client, editor.workcopy, qgis_iface))
    assert dialog.table.rowCount() == 1  # Bramsche's report goes to Bramsche
    row = {dialog.table.horizontalHeaderItem(c).text(): dialog.table.item(0, c).text()
           for c in range(dialog.table.columnCount())}
    assert row["Angebot"] == name and row["Kommune"] == "Melle" and row["Status"] == "offen"
    assert row["Meldung"] == "Die Beratung ist umgezogen, neue Adresse: Markt 3."
    assert row["E-Mail"] == "vater@example.org"
    assert "1 Meldungen, davon 1 offen" in dialog.summary_label.text()
    assert "neue Adresse: Markt 3." in dialog.detail_label.text()
    save_screenshot(dialog, "plugin-reports.png")

    # The link selects the offer in the working copy and zooms to it, once its layer is in the project.
    assert dialog.show_offer() is False and "nicht im Projekt" in dialog.message_label.text()
    layer = editor.layer()
    QgsProject.instance().addMapLayer(layer)
    dialog.detail_label.linkActivated.emit(SHOW_LINK)
    assert [f["uuid"] for f in layer.selectedFeatures()] == [melle]
    x, y = editor.workcopy.read_row("institutions", melle).geometry["coordinates"]
    extent = qgis_iface.mapCanvas().extent()
    assert extent.contains(QgsPointXY(x, y)) and extent.width() < 2000
    assert name in dialog.message_label.text()
    QgsProject.instance().removeMapLayer(layer.id())

    # Closing needs an answer; then the report leaves the open list.
    assert not dialog.close_button.isEnabled()
    dialog.answer_edit.setPlainText("Adresse in der Arbeitskopie korrigiert und gesendet.")
    assert dialog.close_button.isEnabled()
    dialog.close_button.click()
    wait_until(lambda: not dialog.loading and dialog.table.rowCount() == 0, timeout=30, what="the report to close")
    assert "abgeschlossen" in dialog.message_label.text()
    assert any("abgeschlossen" in m for m in messages_of(qgis_iface, Qgis.MessageLevel.Success))

    dialog.state_combo.setCurrentIndex(dialog.state_combo.findData("closed"))
    loaded(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 5).text() == "abgeschlossen"
    assert "Adresse in der Arbeitskopie korrigiert" in dialog.detail_label.text()
    assert "melle.editor" in dialog.detail_label.text()
    closed = login_client(live_server.url, "admin").reports("closed")
    assert [(r["offer_id"], r["closed_by"]) for r in closed] == [(melle, "melle.editor")]
    assert [r["offer_id"] for r in login_client(live_server.url, "admin").reports()] == [bramsche]


def test_the_reports_action_is_for_editors_and_the_admin(live_server: Any, plugin: Any, qgis_iface: Any) -> None:
    reader = connection.make_client(live_server.url)
    reader.login("melle.reader", "demo-melle.reader")
    plugin.set_client(reader)
    plugin.actions["reports"].trigger()
    assert any("Meldungen zu Einträgen sehen die Bearbeitung" in m
               for m in messages_of(qgis_iface, Qgis.MessageLevel.Warning))

    admin = connection.make_client(live_server.url)
    admin.login("admin", "demo-admin")
    plugin.set_client(admin)

    def close(dialog: Any) -> None:
        assert type(dialog).__name__ == "ReportsDialog" and dialog.parent() is qgis_iface.mainWindow()
        assert dialog.workcopy is None  # no checkout yet: the list works, the map link says so
        dialog.reject()

    answer = ModalAnswer(close)
    plugin.actions["reports"].trigger()
    answer.check()
