"""What every measuring peer prints for pusm-bench (src/peer_output.rs parses it):
``RESULT key n p50 p99 min max mean`` lines, the figures in nanoseconds."""

from __future__ import annotations

from typing import Iterable, List, Tuple


def summarize(samples: Iterable[float]) -> Tuple[int, float, float, float, float, float]:
    """n, p50, p99, min, max and mean of ``samples`` (nearest-rank percentiles)."""
    ordered: List[float] = sorted(samples)
    n = len(ordered)

    def rank(p: int) -> float:
        index = -(-p * n // 100)  # ceil
        return ordered[min(max(index, 1), n) - 1]

    return n, rank(50), rank(99), ordered[0], ordered[-1], sum(ordered) / n


def print_result(key: str, samples: Iterable[float]) -> None:
    """Prints the ``RESULT`` line of ``key``."""
    print("RESULT %s %d %.3f %.3f %.3f %.3f %.3f" % ((key,) + summarize(samples)))
