"""Visitors' reports of wrong or outdated offers ("Eintrag veraltet? Melden").

A visitor of the offers map reports, from an offer's details, what is wrong with it: a text and, if
they want an answer, an e-mail address. The report reaches the people who can correct the offer, the
editors of the municipality that owns it and the admin (:func:`.rights.report_scope`), in QGIS and
through the API; one of them closes it with an answer. Every report and every closing is audited (the
audit log names the offer and the report, never the visitor's text or e-mail).

The endpoint is public, so it defends itself without third-party services:

- only published offers can be reported (what the public reads: the read model);
- a signed form token (:func:`form_token`): the form fetches it when it opens; a report needs a valid
  token of that offer, at least :data:`MIN_FILL_SECONDS` old (a person reads and types; a script posts
  at once) and at most :data:`FORM_MAX_AGE` old, so tokens cannot be collected and replayed for ever;
- a honeypot field (:data:`HONEYPOT`), hidden from people and assistive technology: filled in, the
  report is refused;
- the login throttle counts reports per client address (:func:`.accounts.count_attempt`, the address
  as seen through the trusted proxies): ``report_max_per_address`` reports, then growing waits;
- a small body (:data:`MAX_BODY_BYTES`) and a text of at most 2,000 characters.

The e-mail is personal data: only staff see it, and :func:`prune` deletes it ``report_email_days``
after the report (with every report, every login and ``familienatlas-server prune``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from ..storage.db import session_scope
from ..storage.models import Feature, Municipality, OfferReport, User
from . import accounts, audit, read_model
from .answers import ReportForm, ReportReceipt, ReportView
from .commands import HONEYPOT, ReportClosing, VisitorReport, read
from .errors import Conflict, FieldError, Invalid, NotFound
from .layers import FORMATS
from .offers import OFFERS_LAYER
from .rights import report_scope
from .validation import column_length

if TYPE_CHECKING:
    from .context import AtlasContext

#: The throttle's key for reports (a row per client address in the login throttle's table).
THROTTLE_KEY = "#offer-report"
MIN_FILL_SECONDS = 3
FORM_MAX_AGE = timedelta(hours=24)
MAX_BODY_BYTES = 8 * 1024
STATES = ("open", "closed", "all")
_TOKEN = re.compile(r"^(\d{1,12})\.([0-9a-f]{32})$")


def _signature(secret: str, offer_id: str, issued: int) -> str:
    message = f"offer-report|{offer_id}|{issued}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def form_token(secret: str, offer_id: str, issued: int) -> str:
    """The token of a report form of ``offer_id`` opened at ``issued`` (seconds since the epoch), signed
    with the server's secret: a visitor cannot make one for another offer or another time."""
    return f"{issued}.{_signature(secret, offer_id, issued)}"


def _published_name(session: Session, offer_id: str) -> str:
    """The published offer's name; a 404 for anything the public does not see (unpublished, withdrawn,
    deleted, unknown), the same answer for all of them."""
    t = read_model.TABLE
    props = session.execute(select(t.c.properties).where(t.c.layer == OFFERS_LAYER, t.c.id == offer_id)).scalar()
    if props is None:
        raise NotFound("offer_not_found", id=offer_id)
    return str(props.get("name") or offer_id)[:column_length(OfferReport, "offer_name")]


def report_form(ctx: AtlasContext, offer_id: str) -> ReportForm:
    """A form token for a published offer, and what the form tells the visitor."""
    settings = ctx.settings
    _published_name(ctx.session, offer_id)
    issued = int(audit.now().timestamp())
    return ReportForm(token=form_token(settings.jwt_secret or "", offer_id, issued), min_seconds=MIN_FILL_SECONDS,
                      max_text_length=int(column_length(OfferReport, "text")), email_days=settings.report_email_days)


def _check_token(secret: str, offer_id: str, token: str) -> None:
    match = _TOKEN.match(token)
    if not match or not hmac.compare_digest(match[2], _signature(secret, offer_id, int(match[1]))):
        raise Invalid("report_form_invalid", errors=[FieldError("token", "bad_token")])
    age = audit.now().timestamp() - int(match[1])
    if age > FORM_MAX_AGE.total_seconds():
        raise Invalid("report_form_expired", errors=[FieldError("token", "bad_token")])
    if age < MIN_FILL_SECONDS:
        raise Invalid("report_too_fast", seconds=MIN_FILL_SECONDS)


def submit(ctx: AtlasContext, offer_id: str, body: Any, address: str | None,
           throttle: sessionmaker[Session]) -> ReportReceipt:
    """Take a visitor's report of a published offer from client ``address`` (any caller, the anonymous
    one above all: the one write the public makes). The attempt is counted in a transaction of its own
    (``throttle``), committed at once, so refused attempts count too; the report itself is part of the
    request's unit of work (``ctx``'s session)."""
    session, settings = ctx.session, ctx.settings
    name = _published_name(session, offer_id)
    with session_scope(throttle) as counting:
        accounts.count_attempt(counting, settings, THROTTLE_KEY,
                               [(accounts.throttle_address(address), settings.report_max_per_address)],
                               refusal="report_rate_limited")
    sent = read(VisitorReport, body, model=OfferReport)
    if getattr(sent, HONEYPOT):
        raise Invalid("report_spam")
    _check_token(settings.jwt_secret or "", offer_id, sent.token)
    email = (sent.email or "").strip() or None
    if email is not None and not re.match(FORMATS["email"].pattern, email):
        raise Invalid("invalid_body", errors=[FieldError("email", FORMATS["email"].code, {"value": email})])
    report = OfferReport(offer_id=offer_id, offer_name=name, text=sent.text.strip(), email=email,
                         created_at=audit.now())
    session.add(report)
    session.flush()
    audit.record(session, ctx.actor, "report_received", f"report:{report.id}", offer=offer_id)
    prune(ctx)
    return ReportReceipt(received_at=audit.iso(report.created_at) or "")


_CLOSER = aliased(User)


def _query() -> Any:
    """Reports with their offer's current owner (key) and whoever closed them."""
    return (select(OfferReport, Feature.owner_id, Municipality.key, Municipality.name, _CLOSER.username)
            .join(Feature, (Feature.layer == OFFERS_LAYER) & (Feature.id == OfferReport.offer_id))
            .join(Municipality, Municipality.id == Feature.owner_id)
            .outerjoin(_CLOSER, _CLOSER.id == OfferReport.closed_by))


def _view(report: OfferReport, owner_key: str, owner_name: str, closer: str | None) -> ReportView:
    return ReportView(id=report.id, offer_id=report.offer_id, offer_name=report.offer_name, owner=owner_key,
                      owner_name=owner_name, text=report.text, email=report.email,
                      created_at=audit.iso(report.created_at) or "",
                      state="open" if report.closed_at is None else "closed", answer=report.answer,
                      closed_at=audit.iso(report.closed_at), closed_by=closer)


def list_reports(ctx: AtlasContext, state: str = "open", limit: int = 1000) -> list[ReportView]:
    """The reports the context's actor handles (:func:`.rights.report_scope`), oldest first: the open
    ones, the closed ones (newest first) or all."""
    if state not in STATES:
        raise Invalid("invalid_query", errors=[FieldError("state", "unknown_choice", {"value": state})])
    scope = report_scope(ctx.actor)
    stmt = _query()
    if scope is not None:
        stmt = stmt.where(Feature.owner_id == scope)
    if state == "open":
        stmt = stmt.where(OfferReport.closed_at.is_(None)).order_by(OfferReport.id)
    else:
        if state == "closed":
            stmt = stmt.where(OfferReport.closed_at.is_not(None))
        stmt = stmt.order_by(OfferReport.id.desc())
    rows = ctx.session.execute(stmt.limit(limit))
    return [_view(report, key, name, closer) for report, _owner, key, name, closer in rows]


def close(ctx: AtlasContext, report_id: int, body: Any) -> ReportView:
    """Close a report with an answer (an editor of the offer's owner, or the admin). A report the actor
    does not handle is not found, as if it did not exist."""
    session, actor = ctx.session, ctx.actor
    scope = report_scope(actor)
    found = session.execute(_query().where(OfferReport.id == report_id)).first()
    if found is None or (scope is not None and found[1] != scope):
        raise NotFound("report_not_found", id=report_id)
    closing = read(ReportClosing, body, model=OfferReport)
    report: OfferReport = found[0]
    closed = session.execute(update(OfferReport).where(OfferReport.id == report_id, OfferReport.closed_at.is_(None))
                             .values(closed_at=audit.now(), closed_by=actor.user_id, answer=closing.answer.strip())
                             .execution_options(synchronize_session=False)).rowcount
    if not closed:  # closed before, or by someone else a moment ago
        raise Conflict("report_closed", id=report_id)
    session.refresh(report)
    audit.record(session, actor, "report_closed", f"report:{report_id}", offer=report.offer_id,
                 answer=report.answer)
    prune(ctx)
    return _view(report, found[2], found[3], actor.username if actor.user_id is not None else None)


def prune(ctx: AtlasContext) -> dict[str, int]:
    """Delete the e-mails of reports older than ``report_email_days``: the personal data goes, the
    report stays. Part of every report's, closing's and login's work and of the operator's ``prune``
    (:func:`.accounts.prune`), so it checks no rights itself."""
    cutoff = audit.now() - timedelta(days=ctx.settings.report_email_days)
    deleted = ctx.session.execute(
        update(OfferReport).where(OfferReport.created_at < cutoff, OfferReport.email.is_not(None))
        .values(email=None).execution_options(synchronize_session=False)).rowcount
    return {"report_emails": deleted}
