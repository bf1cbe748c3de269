"""Run one call to the server in QGIS's task manager and hand the outcome back to a widget.

The review dock's calls are short, but a slow or unreachable server must not freeze QGIS: the call
runs in a :class:`QgsTask`; its result (or the exception it raised) arrives in the main thread,
where the widget shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qgis.core import QgsApplication, QgsTask
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QEventLoop, QObject

from ..core.errors import Cancelled

Done = Callable[[Any, BaseException | None], None]


class CallTask(QgsTask):
    """One function run in the background; ``on_done(result, error)`` runs in the main thread."""

    def __init__(self, description: str, function: Callable[[], Any], on_done: Done) -> None:
        super().__init__(description, QgsTask.Flag.CanCancel)
        self._function = function
        self._on_done = on_done
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> bool:
        try:
            self.result = self._function()
        except Exception as exc:  # handed to the widget, which shows it; never lost in a thread
            self.error = exc
            return False
        return True

    def finished(self, ok: bool) -> None:
        error = self.error
        if not ok and error is None:
            error = Cancelled(code="cancelled")
        self._on_done(self.result, error)


def run_in_background(owner: QObject, description: str, function: Callable[[], Any], on_done: Done) -> CallTask:
    """Start ``function`` as a task owned by ``owner``; ``on_done`` is skipped if the owner is gone.

    The task is kept referenced on the owner until it is finished: PyQt would otherwise collect the
    Python side of a task the task manager still runs.
    """
    tasks: set[CallTask] = owner.__dict__.setdefault("_background_tasks", set())

    def done(result: Any, error: BaseException | None) -> None:
        tasks.discard(task)
        if not sip.isdeleted(owner):
            on_done(result, error)

    task = CallTask(description, function, done)
    tasks.add(task)
    QgsApplication.taskManager().addTask(task)
    return task


def wait_for(description: str, function: Callable[[], Any]) -> Any:
    """Run ``function`` (a login, a logout) as a task and wait for it without freezing QGIS.

    For the few calls whose caller needs the answer before it can go on: a local event loop keeps
    QGIS painting, the task manager shows the call with its cancel button, and other tasks run.
    Returns the result or raises what ``function`` raised (:class:`Cancelled` when cancelled).
    """
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(result: Any, error: BaseException | None) -> None:
        outcome.update(result=result, error=error)
        loop.quit()

    task = CallTask(description, function, done)
    QgsApplication.taskManager().addTask(task)
    if not outcome:  # finished() arrives through the event loop, so this is the usual case
        loop.exec()
    if outcome["error"] is not None:
        raise outcome["error"]
    return outcome["result"]
