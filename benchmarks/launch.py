"""Start one command, wait for it, and print its wall time and peak RSS.

The benchmark runs every contender through this small launcher rather than
starting it itself. Linux carries a process's peak RSS across ``exec`` from
the memory it was started from, and a child started by a large parent (the
benchmark, after comparing ten million tiers) would report the parent's peak
as its own. Started from this launcher, which imports next to nothing, a
child's figure is its own.

    python -S benchmarks/launch.py TIMEOUT_S MAX_RSS_MB LOG -- COMMAND...

It writes the command's output to LOG and one JSON line to stdout:
``seconds``, ``cpu_seconds`` (user and system time of all its threads),
``peak_rss_kb``, ``exit_code`` and ``stopped`` (why it was killed: past the
time limit or the memory guard, else empty).
"""

import json
import os
import signal
import sys
import threading
import time

POLL_SECONDS = 0.1
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def resident_kb(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_KB


def watch(
    pid: int,
    started: float,
    limits: tuple[float, float],
    why: list[str],
    done: threading.Event,
) -> None:
    """Kill ``pid`` past the time limit or above the memory guard."""
    timeout_s, max_rss_mb = limits
    while not done.wait(POLL_SECONDS):
        try:
            rss_mb = resident_kb(pid) / 1024
        except (OSError, ValueError, IndexError):
            return  # it has ended
        if time.perf_counter() - started > timeout_s:
            why.append(f"stopped after {timeout_s:.0f} s (time limit)")
        elif rss_mb > max_rss_mb:
            why.append(f"stopped at {rss_mb:,.0f} MB RSS (memory guard)")
        else:
            continue
        os.kill(pid, signal.SIGKILL)
        return


def main() -> None:
    timeout_s, max_rss_mb, log = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    if sys.argv[4] != "--":
        raise SystemExit("usage: launch.py TIMEOUT_S MAX_RSS_MB LOG -- COMMAND...")
    command = sys.argv[5:]
    output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)

    started = time.perf_counter()
    pid = os.posix_spawnp(
        command[0],
        command,
        os.environ,
        file_actions=[
            (os.POSIX_SPAWN_DUP2, output, 1),
            (os.POSIX_SPAWN_DUP2, output, 2),
        ],
    )
    why: list[str] = []
    done = threading.Event()
    watcher = threading.Thread(
        target=watch, args=(pid, started, (timeout_s, max_rss_mb), why, done)
    )
    watcher.start()
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()

    result = {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_kb": usage.ru_maxrss,
        "exit_code": os.waitstatus_to_exitcode(status),
        "stopped": why[0] if why else "",
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
