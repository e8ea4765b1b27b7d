"""Progress bars for long work (ingest, bench), on stderr so JSON output on stdout stays clean."""

from __future__ import annotations

import sys


class TqdmProgress:
    """Progress bars on stderr, one per phase (parse, embed, store)."""

    LABELS = {"parse": "reading files", "embed": "embedding chunks", "store": "writing index", "units": "embedding answer units"}

    def __init__(self, enabled: bool = True) -> None:
        self._enabled = enabled
        # bars redraw with cursor escapes, which a log file keeps as "[A[A[A": off a terminal each
        # phase is one plain line when it starts
        self._tty = sys.stderr.isatty()
        self._bars: dict = {}

    def __call__(self, phase: str, n: int, total: int) -> None:
        from tqdm import tqdm

        if not self._tty:
            if self._enabled and phase not in self._bars:
                self._bars[phase] = None
                print(f"{self.LABELS.get(phase, phase)}: {total} …", file=sys.stderr, flush=True)
            return
        bar = self._bars.get(phase)
        if bar is None:
            bar = self._bars[phase] = tqdm(
                total=total,
                desc=self.LABELS.get(phase, phase),
                unit="",
                file=sys.stderr,
                disable=not self._enabled,
                leave=False,
            )
        bar.update(n)

    def close(self) -> None:
        for bar in self._bars.values():
            if bar is not None:
                bar.close()
