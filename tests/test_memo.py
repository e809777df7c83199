"""bytes_lru: a memo bounded by the bytes it holds (rendered zones and one-shots in a
long-running render process), least recently used dropped first."""

from __future__ import annotations

from musia.memo import bytes_lru


def test_the_memo_keeps_at_most_its_bytes_and_drops_the_least_recently_used() -> None:
    made: list[int] = []

    @bytes_lru(10_000, size=len)
    def render(note: int) -> bytes:
        made.append(note)
        return bytes(3_000)  # four of these are over the 10,000 bytes

    for note in (60, 62, 64):
        render(note)
    render(60)  # used again: now the most recent
    render(65)  # over the budget: 62, the least recently used, goes
    assert render.cache_info().bytes == 9_000
    assert render.cache_info().entries == 3
    render(60)
    render(64)
    render(65)
    assert made == [60, 62, 64, 65]  # kept ones were not made again
    render(62)
    assert made == [60, 62, 64, 65, 62]  # the dropped one was


def test_a_result_larger_than_the_whole_memo_is_returned_but_not_kept() -> None:
    @bytes_lru(1_000, size=len)
    def big(n: int) -> bytes:
        return bytes(n)

    assert len(big(5_000)) == 5_000
    assert big.cache_info().entries == 0
    big(10)
    big.cache_clear()
    assert big.cache_info().entries == big.cache_info().bytes == 0
