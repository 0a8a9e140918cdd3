"""/list: the watched parcels and the archive, a page at a time (the repository pages them)."""

from __future__ import annotations

from telegram import Update

from bot.app import BotContext
from bot.ui import parcel_views as views
from bot.ui.buttons import ArchivePage, ParcelsPage
from bot.ui.parcel_views import Screen
from bot.ui.present import today_in, user_zone
from handlers.awaiting import done
from handlers.common import edit_or_send, keyboard, send_html
from storage import CheckTally


async def list_screen(context: BotContext, user_id: int, page: int, *, archived: bool) -> Screen:
    storage = context.services.storage
    listing = await storage.parcels.page_for_user(
        user_id, archived=archived, page=page, size=views.PAGE_SIZE
    )
    # Since when the trackers fail, for the page's parcels whose checks fail (usually none).
    checks: dict[int, list[CheckTally]] = {}
    for parcel in listing.items:
        if parcel.check_failures > 0 and parcel.is_active:
            checks[parcel.id] = await storage.checks.for_parcel(parcel.id)
    if not checks:
        return views.list_screen(listing, archived=archived)
    profile = await storage.users.get(user_id)
    timezone = profile.timezone if profile else None
    now = context.services.clock.now()
    return views.list_screen(
        listing,
        archived=archived,
        checks=checks,
        tz=user_zone(timezone),
        today=today_in(timezone, now),
    )


async def list_command(update: Update, context: BotContext) -> None:
    done(context)
    user_id = update.effective_user.id if update.effective_user else 0
    text, rows = await list_screen(context, user_id, 0, archived=False)
    await send_html(update, context, text, keyboard(rows))


async def list_page(update: Update, context: BotContext, page: ParcelsPage | ArchivePage) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    archived = isinstance(page, ArchivePage)
    text, rows = await list_screen(context, query.from_user.id, page.page, archived=archived)
    await edit_or_send(update, context, text, keyboard(rows))
