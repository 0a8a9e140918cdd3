"""What the chat shows, Telegram-free: vocabulary, buttons, screens, limits, chat state."""
