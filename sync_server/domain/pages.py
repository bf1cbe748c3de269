"""The pages a public body owes its visitors: Impressum, Datenschutzerklärung, Erklärung zur
Barrierefreiheit (BITV 2.0).

Their text is the county's, not the software's: the admin writes them through the admin API (plain
text, German and optionally English), every save is audited like any configuration write (and so
moves the public validators), and the server shows them as pages linked in the atlas's footer. A page
not written yet says so instead of inventing legal text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..storage.models import LegalPage
from . import audit, sequence
from .answers import LegalPageView
from .commands import PageCommand, given, read
from .errors import NotFound
from .rights import require_admin

if TYPE_CHECKING:
    from .context import AtlasContext


@dataclass(frozen=True)
class PageKind:
    key: str
    path: str  # where the server shows it
    title: str  # default titles, German and English
    title_en: str


PAGES: dict[str, PageKind] = {p.key: p for p in (
    PageKind("impressum", "/impressum", "Impressum", "Legal notice"),
    PageKind("datenschutz", "/datenschutz", "Datenschutzerklärung", "Privacy policy"),
    PageKind("barrierefreiheit", "/barrierefreiheit", "Erklärung zur Barrierefreiheit", "Accessibility statement"),
)}

def kind_of(key: str) -> PageKind:
    if key not in PAGES:
        raise NotFound("page_not_found", key=key, known=", ".join(PAGES))
    return PAGES[key]


def get_page(ctx: AtlasContext, key: str) -> LegalPageView:
    """A page as the public reads it; ``configured`` is false (and ``body`` null) until the admin wrote it."""
    kind = kind_of(key)
    page = ctx.session.get(LegalPage, key)
    return LegalPageView(key=key, path=kind.path, configured=page is not None,
                         title=page.title if page else kind.title, body=page.body if page else None,
                         title_en=page.title_en if page and page.title_en else kind.title_en,
                         body_en=page.body_en if page else None,
                         updated_at=audit.iso(page.updated_at) if page else None)


def list_pages(ctx: AtlasContext) -> list[LegalPageView]:
    """Every legal page, written or not."""
    return [get_page(ctx, key) for key in PAGES]


def save_page(ctx: AtlasContext, key: str, body: Any) -> LegalPageView:
    """Write a page as a whole (admin): its German text, optionally a title and the English version."""
    session, actor = ctx.session, ctx.actor
    require_admin(actor, "pages")
    kind = kind_of(key)
    sequence.lock(session)  # configuration writes are ordered with publishing (exact public validators)
    page_text = read(PageCommand, body, model=LegalPage)
    data = given(page_text)
    page = session.get(LegalPage, key)
    if page is None:
        page = LegalPage(key=key)
        session.add(page)
    page.title = (data.get("title") or "").strip() or kind.title
    page.body = page_text.body
    page.title_en = (data.get("title_en") or "").strip() or None
    page.body_en = data.get("body_en") or None
    page.updated_at = audit.now()
    session.flush()
    audit.record(session, actor, "page_saved", f"page:{key}", **data)
    return get_page(ctx, key)
