"""Issue 14: an over-long "number" is refused before anything is saved, and the user hears why.

The probe's ``/add`` with a 4,096-digit text stored the parcel while the user was told it failed;
every push about it was then cut and dropped. The parser refuses such a digit run now.
"""

from __future__ import annotations

import pytest

from tests.support.app import BotHarness

TOO_LONG = "far too long for a track number"


@pytest.mark.parametrize(
    "text",
    ["1" * 4096, "5" * 41, "RB" + "7" * 60 + "CN", "my lamp " + "1" * 4000, "1" * 3000 + " 2" * 3],
)
async def test_add_refuses_an_over_long_number_and_says_why(bot: BotHarness, text: str) -> None:
    user = bot.user()
    replies = await user.send(f"/add {text}")
    assert replies and TOO_LONG in replies[0].text, [r.text for r in replies]
    assert all(len(r.text) <= 4096 for r in replies)
    assert await bot.services.storage.parcels.count_active(user.id) == 0


async def test_the_add_prompt_refuses_it_too_and_a_good_number_still_works(
    bot: BotHarness,
) -> None:
    user = bot.user()
    await user.send("/add")
    replies = await user.send("1" * 4096)
    assert replies and TOO_LONG in replies[0].text
    assert await bot.services.storage.parcels.count_active(user.id) == 0
    await user.send("/add RB123456785CN")
    assert await bot.services.storage.parcels.count_active(user.id) == 1
