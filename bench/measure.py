"""A measured run of a command in a process of its own: wall time, CPU time and peak memory (RSS).

On Linux a process's ru_maxrss starts at the peak of the process that started it (exec keeps the
high-water mark of the memory it replaces), so a benchmark that has generated a corpus, fetched an
archive or run a fake server would lend its own peak to every process it starts. Each measured
command is therefore started by a small launcher, this file run as a script, which waits for it
with wait4(): the figures are the command's own and those of the processes it starts (Pagefind
under a site build, say), never the benchmark's. A worker that wants its own figure at some point
of its run (before its stage starts, say) reads :func:`own_peak_rss`.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    wall: float  # seconds from the start of the command to its end
    cpu: float  # seconds of user and system CPU, the processes it started and waited for included
    peak_rss: int  # bytes: the largest of the command's process and the processes it started
    stdout: str

    @property
    def answer(self) -> dict:
        """The JSON object a worker prints as its last line."""
        lines = self.stdout.strip().splitlines()
        return json.loads(lines[-1]) if lines else {}

    @property
    def said(self) -> list[str]:
        """What a worker printed before its answer."""
        return self.stdout.strip().splitlines()[:-1]


def rss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # bytes on macOS, KB on Linux


def own_peak_rss() -> int:
    """This process's peak RSS in bytes since its program started: VmHWM on Linux, which (unlike
    ru_maxrss) does not count the process it was started from; ru_maxrss elsewhere."""
    try:
        match = re.search(r"^VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    except OSError:
        match = None
    return int(match.group(1)) * 1024 if match else rss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def measure(command: list[str], cwd: Path | None = None) -> Measured:
    """Run ``command`` to its end through the launcher; its figures and standard output (its
    standard error goes to ours). A command that fails stops the benchmark."""
    launched = subprocess.run([sys.executable, __file__, *command], cwd=cwd, stdout=subprocess.PIPE, text=True)
    if launched.returncode != 0:
        raise SystemExit(f"the launcher of {' '.join(command[:4])} … failed (exit {launched.returncode})")
    figures = json.loads(launched.stdout)
    if figures["exit"] != 0:
        raise SystemExit(f"{' '.join(command[:4])} … failed (exit {figures['exit']}); run it by hand to see why")
    return Measured(figures["wall"], figures["cpu"], figures["peak_rss"], figures["stdout"])


def worker(script: Path, flag: str, job: dict, cwd: Path | None = None) -> Measured:
    """Run ``script flag JSON`` with this Python, measured; the script answers with :func:`answer`."""
    return measure([sys.executable, str(script), flag, json.dumps(job)], cwd=cwd)


def answered(argv: list[str], flag: str, work) -> bool:
    """Whether this script was started by :func:`worker` as ``script flag JSON``; if so, ``work(JSON)``
    was done and its answer printed: one line of JSON, the last of the standard output."""
    if argv[:1] != [flag]:
        return False
    print(json.dumps(work(json.loads(argv[1]))), flush=True)
    return True


def _launch(command: list[str]) -> int:
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    json.dump(
        {
            "wall": time.perf_counter() - started,
            "cpu": usage.ru_utime + usage.ru_stime,
            "peak_rss": rss_bytes(usage.ru_maxrss),
            "exit": child.returncode,
            "stdout": out.decode("utf-8", errors="replace"),
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(_launch(sys.argv[1:]))
