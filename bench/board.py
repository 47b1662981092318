"""Benchmark of the public board (docs/performance.md): ``pledges board build`` of a whole ledger,
and ``pledges board serve`` answering one branch page to 50 concurrent clients.

    python bench/board.py DB [--out DIR] [--page /o/WL-DX-V001.html] [--clients 50] [--requests 3000]
                             [--skip-build]

DB is a SQLite path or database URL of an already-built ledger (``pledges demo --scale city``).
The build is timed as a subprocess (wall and CPU time, which tells a loaded machine from a slow
program), twice: as ``pledges board build`` runs by default (with the members' plaques) and with
``--no-plaques``; each into a folder emptied before either is timed.  The server is started as a
subprocess on a free port of 127.0.0.1; the clients are ApacheBench (``ab``, Debian's
``apache2-utils``: written in C, so the clients take little of the machine) when installed, else
httpx with asyncio in this process, whose own CPU then delays the answers it times (the client
used is printed).  After a warm-up, the percentiles of the answers' latencies are printed, once
with the server's page cache (the default 5 s) and once with it off (every answer read from the
ledger).  Every loop is bounded; nothing is sent anywhere but 127.0.0.1.
"""

import argparse
import asyncio
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLEDGES = str(Path(sys.executable).with_name("pledges"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def time_build(db: str, out: Path, plaques: bool) -> None:
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([PLEDGES, "--db", db, "board", "build", "--out", str(out), *([] if plaques else ["--no-plaques"])],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    files = sum(len(names) for _, _, names in os.walk(out))
    print(f"board build{'' if plaques else ' --no-plaques'}: {wall:.1f} s wall, {user + system:.1f} s CPU "
          f"({user:.1f} user, {system:.1f} system), {files:,} files "
          f"(load average {load:.1f} before, {os.getloadavg()[0]:.1f} after, {os.cpu_count()} cores)")


async def clients(url: str, count: int, total: int) -> list[float]:
    import httpx

    latencies: list[float] = []
    errors: list[Exception] = []
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        for _ in range(3):  # warm-up: the first answer reads the ledger
            (await client.get(url)).raise_for_status()

        async def one_client():
            while len(latencies) < total and len(errors) < 100:
                started = time.perf_counter()
                try:
                    response = await client.get(url)
                except httpx.TransportError as err:  # a keep-alive connection closed under us
                    errors.append(err)
                    continue
                latencies.append(time.perf_counter() - started)
                response.raise_for_status()

        await asyncio.gather(*(one_client() for _ in range(count)))
    if errors:
        print(f"  {len(errors)} requests failed ({errors[0].__class__.__name__}) and were sent again")
    return latencies


def apache_bench(url: str, count: int, total: int) -> tuple[float, float, float]:
    """ApacheBench (``ab``, written in C, so the clients take little of the machine): keep-alive,
    ``count`` concurrent clients, ``total`` requests; its percentile table, in ms."""
    out = subprocess.run(["ab", "-q", "-k", "-n", str(total), "-c", str(count), url], check=True,
                         capture_output=True, text=True).stdout
    shares = dict(re.findall(r"^\s+(\d+)%\s+(\d+)", out, re.MULTILINE))
    return float(shares["50"]), float(shares["95"]), float(shares["99"])


def serve_and_measure(db: str, page: str, count: int, total: int, cache: float) -> None:
    port = free_port()
    server = subprocess.Popen([PLEDGES, "--db", db, "board", "serve", "--port", str(port),
                               "--cache-seconds", str(cache)], stdout=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}{page}"
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        size = len(__import__("httpx").get(url, timeout=60).content)
        if shutil.which("ab"):  # preferred: see the module's docstring
            client, (p50, p95, p99) = "ab", apache_bench(url, count, total)
        else:
            latencies = sorted(asyncio.run(clients(url, count, total)))
            quantile = statistics.quantiles(latencies, n=100)
            client, (p50, p95, p99) = "httpx", (quantile[49] * 1000, quantile[94] * 1000, quantile[98] * 1000)
        print(f"board serve {page} ({size / 1024:.0f} KB), {count} clients ({client}), {total} requests, "
              f"cache {cache:g} s: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms "
              f"(load average {os.getloadavg()[0]:.1f})")
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("--out", type=Path, default=ROOT / ".bench" / "board")
    parser.add_argument("--page", default="/o/WL-DX-V001.html")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    if not args.skip_build:
        # Both folders are emptied before either build is timed, then the disk is given a moment:
        # deleting 220,000 files keeps ext4 (mounted with discard) busy, and a build timed
        # meanwhile pays for it in system time.
        for name in ("site", "site-no-plaques"):
            shutil.rmtree(args.out / name, ignore_errors=True)
        os.sync()
        time.sleep(10)
        time_build(args.db, args.out / "site", plaques=True)
        time_build(args.db, args.out / "site-no-plaques", plaques=False)
    for cache in (5.0, 0.0):
        serve_and_measure(args.db, args.page, args.clients, args.requests, cache)


if __name__ == "__main__":
    main()
