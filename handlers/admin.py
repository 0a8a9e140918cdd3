"""/stats for the operators listed in ADMIN_IDS; everyone else gets the normal fallback reply."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.app import BotContext
from bot.i18n import _
from bot.web import source_health
from handlers.common import esc, send_html
from handlers.fallback import not_understood

# Not in the command menu: ordinary users must not be told about it.
COMMANDS: list[tuple[str, str]] = []


async def stats_text(context: BotContext) -> str:
    storage = context.services.storage
    users = await storage.users.count()
    by_status = await context.services.storage.parcels.count_by_status()
    active = sum(by_status.values()) if by_status else await storage.parcels.count_all_active()
    lines = [
        _("<b>Stats</b>"),
        _("Users: {n}").format(n=users),
        _("Active parcels: {n}").format(n=active),
    ]
    lines += [f"  • {esc(status)}: {n}" for status, n in sorted(by_status.items())]
    lines.append(_("Outbox depth: {n}").format(n=await storage.outbox.depth()))
    health = source_health(context.services)
    if health:
        lines.append(_("<b>Sources</b>"))
        for name, h in sorted(health.items()):
            success = h["last_success"] or _("never")
            lines.append(
                _("{name}: {state}, last success {when}").format(
                    name=esc(name), state=esc(h["state"]), when=esc(success)
                )
            )
    return "\n".join(lines)


async def stats(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None or user.id not in context.services.settings.admin_ids:
        await not_understood(update, context)
        return
    await send_html(update, context, await stats_text(context))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("stats", stats))
