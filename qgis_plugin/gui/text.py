"""Text from the server shown safely: escaped in HTML, plain in labels, long messages with details.

Names, reasons and values come from other municipalities' editors (through sharing, before any
review) and reach the county admin. Qt renders a string as HTML wherever it "might be rich text"
(QLabel's default, tooltips, the message bar's text browser, QGIS's map tips), so an editor's
``<img src=https://...>`` would load a remote image in someone else's QGIS and ``<b>`` would restyle
the dialog. Every such value therefore goes through one of these helpers: labels that show values
are plain text, tooltips and message bar texts are escaped HTML.
"""

from __future__ import annotations

import html
from typing import Any

from qgis.core import Qgis, QgsMessageLog
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QLabel, QMessageBox, QWidget

MESSAGE_TITLE = "Familienatlas"
#: Longer message bar texts show the sentences that fit and the whole text behind "Mehr anzeigen":
#: the bar shows about one full line of a QGIS window before it clips the text.
SHORT_MESSAGE_CHARS = 120


def escape_html(text: Any) -> str:
    """``text`` for insertion into HTML: ``&``, ``<`` and ``>`` as entities (quotes stay readable)."""
    return html.escape(str(text), quote=False)


def plain_tooltip(text: Any) -> str:
    """A tooltip that shows ``text`` literally, line breaks included.

    Qt decides per tooltip whether it is HTML; the escaped text inside a paragraph is always
    HTML, so it is shown as written whatever it contains.
    """
    return f'<p style="white-space:pre-wrap">{escape_html(text)}</p>'


def plain_label(text: str = "", parent: QWidget | None = None, *, wrap: bool = True) -> QLabel:
    """A QLabel that shows ``text`` literally (never as HTML)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setText(text)
    return label


def ask(parent: QWidget | None, title: str, text: str, yes: str) -> bool:
    """A yes/cancel question whose text (with names from the server in it) is shown as plain text;
    ``yes`` labels the button that agrees."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    agree = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is agree


def short_text(text: str, limit: int = SHORT_MESSAGE_CHARS) -> str:
    """The whole sentences of a long text that fit into ``limit`` characters, followed by " …" (the
    first sentence cut at ``limit`` when even that is longer); the text itself if short."""
    if len(text) <= limit:
        return text
    end = text.rfind(". ", 0, limit)
    if end > 0:
        return text[: end + 1] + " …"
    return text[: limit - 1].rstrip() + "…"


def log_detail(error: BaseException | None) -> None:
    """Write an error's technical detail (the server's or the network library's own words) to the
    message log panel "Familienatlas", where support finds it; people read the German sentence."""
    detail = getattr(error, "detail", None)
    if detail:
        QgsMessageLog.logMessage(f"{error}\n{detail}", MESSAGE_TITLE, Qgis.MessageLevel.Warning, notifyUser=False)


def push_message(iface: Any, text: str, level: Any = Qgis.MessageLevel.Info, duration: int = 8) -> None:
    """Show ``text`` in QGIS's message bar (escaped) and write it to the log panel "Familienatlas".

    A text longer than the bar shows keeps its first sentence in the bar and the whole text behind
    QGIS's "Mehr anzeigen" button (shown as plain text), so nothing is cut off.
    """
    QgsMessageLog.logMessage(text, MESSAGE_TITLE, level, notifyUser=False)
    short = short_text(text)
    bar = iface.messageBar()
    if short == text:
        bar.pushMessage(MESSAGE_TITLE, escape_html(text), level, duration)
    else:
        bar.pushMessage(MESSAGE_TITLE, escape_html(short), text, level, duration)


__all__ = ["ask", "escape_html", "log_detail", "plain_label", "plain_tooltip", "push_message", "short_text"]
