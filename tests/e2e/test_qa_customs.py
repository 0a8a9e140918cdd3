"""QA C6 end to end: a parcel held at customs past the usual 3 weeks (seed: customs takes up to
3 weeks) gets one push saying so and what to do, besides the one stall alert at day 7."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tests.fakes.tracking_servers import FakeEvent

if TYPE_CHECKING:
    from tests.support.tracking import TrackedBot

START = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
NUMBER = "RR662103942CN"


async def _job(t: TrackedBot, name: str) -> None:
    job_queue = t.bot.app.job_queue
    assert job_queue is not None
    (job,) = job_queue.get_jobs_by_name(name)
    await job.run(t.bot.app)


async def test_qa_c6_customs_past_21_days_gets_one_push_with_what_to_do(
    tracked: TrackedBot,
) -> None:
    t = tracked
    t.bot.clock.set(START)
    user = await t.user()
    parcel = await t.add_parcel(user.id, NUMBER, nickname="Drill")
    await t.bot.services.storage.parcels.update_facts(
        user.id, parcel.id, shipped_on=START.date() - timedelta(days=10)
    )
    t.cainiao.set_events(NUMBER, [FakeEvent(START, "Customs clearance", "CC_IM_START")])
    pushes: list[tuple[int, str]] = []
    for day in range(31):
        t.bot.clock.set(START + timedelta(days=day, hours=2))
        mark = user.mark()
        await _job(t, "watch")
        await _job(t, "send")
        pushes += [(day, m.text or "") for m in user.replies_since(mark)]
    customs = [(day, text) for day, text in pushes if "customs for over 3 weeks" in text]
    assert len(customs) == 1, pushes  # one push, not one a day
    day, text = customs[0]
    assert 21 <= day <= 23, pushes  # when the usual 3 weeks are over
    assert "invoice or declaration" in text  # what to do: the seed's step
    assert [m for m in user.messages if "Show the letter" in str(m.buttons)]
