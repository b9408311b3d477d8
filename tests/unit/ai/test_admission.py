"""AiAdmission: a user's requests beyond their share are refused at once; the process's
beyond its slots wait a bounded time, then get ServerBusy; every slot comes back."""

from __future__ import annotations

import asyncio

import pytest

from pfa_vanguard.ai.admission import AiAdmission
from pfa_vanguard.errors import ServerBusy, TooManyRequests


async def test_a_users_extra_request_is_refused_at_once() -> None:
    admission = AiAdmission(total=4, per_user=2)
    async with admission.admit(1), admission.admit(1):
        with pytest.raises(TooManyRequests) as refused:
            async with admission.admit(1):
                pass
        assert refused.value.extra["retry_after"] == 1
        async with admission.admit(2):  # another user has a share of their own
            assert admission.running(2) == 1
    assert admission.running(1) == 0


async def test_the_process_queue_is_bounded() -> None:
    admission = AiAdmission(total=1, per_user=5, queue_s=0.05)
    async with admission.admit(1):
        with pytest.raises(ServerBusy) as busy:
            async with admission.admit(2):
                pass
        assert busy.value.extra["retry_after"] == 2
        assert admission.running(2) == 0
    async with admission.admit(2):  # the slot came back
        pass


async def test_a_waiting_request_runs_when_a_slot_frees() -> None:
    admission = AiAdmission(total=1, per_user=5, queue_s=5)
    order: list[str] = []

    async def first() -> None:
        async with admission.admit(1):
            await asyncio.sleep(0.05)
            order.append("first")

    async def second() -> None:
        async with admission.admit(2):
            order.append("second")

    await asyncio.gather(first(), second())
    assert order == ["first", "second"]
