"""Kill safety: a process killed at any moment leaves a consistent registry and a failed run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from driftwise.registry import KILLED_AFTER_PROMOTION, KILLED_RUN_ERROR, Registry

TRAINER = """
import sys, time
from driftwise.registry import Registry
reg = Registry(sys.argv[1])
run = reg.start_run(action="retrain", params={"epochs": 1000})
reg.put_artifact(b"half-trained model " + run.run_id.encode())
print(run.run_id, flush=True)
while True:  # training, until killed
    time.sleep(0.05)
"""

CHURNER = """
import random, sys
from driftwise.registry import Registry
reg = Registry(sys.argv[1])
rng = random.Random(int(sys.argv[2]))
print("go", flush=True)
while True:
    run = reg.start_run(action="retrain")
    v = reg.register(blob=rng.randbytes(4000), adapter="a", adapter_config={"i": sys.argv[2]},
                     action="retrain", parent=reg.champion().version, run_id=run.run_id)
    reg.promote(v.version, actor="churner", reason="loop")
    reg.finish_run(run.run_id, status="succeeded", version=v.version)
    for _ in range(rng.randint(1, 3)):
        reg.rollback(actor="churner", reason="loop")
"""


def spawn(code: str, *args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line, f"the child process died before it was ready (exit code {proc.poll()})"
    return proc, line


def kill_and_leave_zombie(proc: subprocess.Popen[str]) -> None:
    """SIGKILL, then wait until the process is dead but not reaped (a zombie) when /proc tells."""
    os.kill(proc.pid, signal.SIGKILL)
    stat = Path(f"/proc/{proc.pid}/stat")
    deadline = time.monotonic() + 10
    while stat.exists() and time.monotonic() < deadline:
        if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return
        time.sleep(0.01)
    proc.wait(timeout=10)


def test_a_killed_training_run_is_failed_and_changes_nothing(tmp_path: Path) -> None:
    with Registry(tmp_path) as reg:
        v1 = reg.register(blob=b"champion", adapter="a", adapter_config={}, action="initial")
        reg.promote(v1.version, actor="ana", reason="first")
    proc, run_id = spawn(TRAINER, str(tmp_path))
    try:
        with Registry(tmp_path) as reg:  # while it trains, its run is left alone
            assert reg.run(run_id).status == "running"
        kill_and_leave_zombie(proc)  # reconcile must see through the zombie
        with Registry(tmp_path) as reg:
            run = reg.run(run_id)
            assert (run.status, run.error, run.version) == ("failed", KILLED_RUN_ERROR, None)
            assert run.ended_at is not None and run.pid == proc.pid
            champion = reg.champion()
            assert champion is not None and champion.version == 1
            assert [v.version for v in reg.versions()] == [1]
            assert reg.history("champion")[-1].actor == "ana"
            assert reg.check() == []
            again = reg.start_run(action="retrain")
            v2 = reg.register(
                blob=b"retrained", adapter="a", adapter_config={}, action="retrain", parent=1
            )
            done = reg.finish_run(again.run_id, status="succeeded", version=v2.version)
            assert done.status == "succeeded" and reg.reconcile() == []
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_killing_writers_at_random_moments_never_breaks_the_registry(tmp_path: Path) -> None:
    with Registry(tmp_path) as reg:
        for i in (1, 2):
            reg.register(blob=b"seed %d" % i, adapter="a", adapter_config={}, action="initial")
            reg.promote(i, actor="ana", reason="seed")
    rng = random.Random(7)
    progress = []
    for i in range(10):
        proc, _ = spawn(CHURNER, str(tmp_path), str(i))
        try:
            time.sleep(rng.uniform(0.02, 0.4))
        finally:
            proc.kill()
            proc.wait(timeout=10)
        with Registry(tmp_path) as reg:
            assert reg.check() == []
            versions = [v.version for v in reg.versions()]
            assert versions == list(range(1, len(versions) + 1))
            champion, previous = reg.champion(), reg.alias("previous")
            assert champion is not None and previous is not None
            assert champion.version in versions and previous.version in versions
            assert champion.version != previous.version
            # Both aliases always moved together: one champion move more than previous moves
            # (the very first promotion replaced nobody), and each alias ends where its last
            # recorded move took it.
            moves = reg.history()
            kinds = Counter(m.alias for m in moves)
            assert kinds["champion"] == kinds["previous"] + 1
            last_champion = reg.history("champion")[-1]
            assert last_champion.to_version == champion.version
            assert last_champion.from_version == previous.version
            assert reg.history("previous")[-1].to_version == previous.version
            # The killed writer's run (if any) is failed; nothing stays running.
            runs = reg.runs()
            assert all(r.status in ("succeeded", "failed") for r in runs)
            for r in runs:
                if r.status == "failed" and r.version is None:
                    assert r.error == KILLED_RUN_ERROR
                elif r.status == "failed":  # killed between its promotion and its finish
                    assert r.error == KILLED_AFTER_PROMOTION.format(version=r.version)
                    assert r.version in versions
                else:
                    assert r.version in versions
            progress.append((len(versions), len(moves)))
    # The writers did real work between kills (so kills landed among transactions).
    assert progress[-1][0] > 12 and progress[-1][1] > 40
