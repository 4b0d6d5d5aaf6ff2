"""A call into a page gives up in time even when its own clean-up never ends."""

from __future__ import annotations

import asyncio

import pytest

from cxaudit.gather.deadline import within


async def _answer_after(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "answered"


async def _clean_up_forever(started: asyncio.Event) -> None:
    """A page call whose ``finally`` is another call into the same dead page."""
    try:
        started.set()
        await asyncio.Future()  # the page never answers
    finally:
        await asyncio.Future()  # nor does it answer the clean-up


def test_an_answer_in_time_is_returned() -> None:
    assert asyncio.run(within(_answer_after(0), 5)) == "answered"


def test_an_error_of_the_work_is_raised_as_it_is() -> None:
    async def broken() -> None:
        raise ValueError("the page said no")

    with pytest.raises(ValueError, match="the page said no"):
        asyncio.run(within(broken(), 5))


@pytest.mark.timeout(30)  # asyncio.wait_for hangs here: it waits for the clean-up to end
def test_work_whose_clean_up_never_ends_is_left_behind_after_the_timeout() -> None:
    async def main() -> tuple[bool, bool]:
        started = asyncio.Event()
        work = asyncio.ensure_future(_clean_up_forever(started))
        with pytest.raises(TimeoutError):
            await within(work, 0.2)
        left = not work.done()
        work.cancel()  # what closing the page does to a call still waiting on it
        await asyncio.sleep(0)
        return started.is_set(), left

    started, left = asyncio.run(asyncio.wait_for(main(), 10))
    assert started
    assert left


def test_a_cancelled_caller_cancels_its_work() -> None:
    async def main() -> bool:
        work = asyncio.ensure_future(_answer_after(60))
        caller = asyncio.ensure_future(within(work, 30))
        await asyncio.sleep(0.05)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        await asyncio.sleep(0)
        return work.cancelled()

    assert asyncio.run(main())
