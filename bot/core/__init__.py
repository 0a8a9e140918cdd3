"""The pure domain: no Telegram, no storage, no network (tests/unit/test_layers.py)."""
