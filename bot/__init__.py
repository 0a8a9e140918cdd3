"""Parcel Scout: domain core and wiring. Nothing under bot/ (except bot.app and bot.localchat)
imports telegram."""

__version__ = "0.1.0"
