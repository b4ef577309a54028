"""A run releases the GIL, reports progress and stops on Ctrl-C."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import negsim


def test_another_thread_runs_while_negsim_runs(default_path):
    s = negsim.load(default_path)
    ticks = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    time.sleep(0.05)
    before = len(ticks)
    start = time.perf_counter()
    negsim.run(s, runs=60_000, threads=1)
    took = time.perf_counter() - start
    during = len(ticks) - before
    stop.set()
    t.join()
    # With the GIL held the whole run, the thread would not tick at all.
    assert took > 0.2
    assert during > 0.25 * took / 0.002, (during, took)


def test_progress_is_reported_up_to_the_end(default_path):
    seen = []
    negsim.run(default_path, runs=40_000, progress=lambda done, planned: seen.append((done, planned)))
    assert seen and seen[-1] == (40_000, 40_000)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_an_error_in_the_progress_callback_stops_the_run(default_path):
    calls = []

    def fail(done, planned):
        calls.append(done)
        raise RuntimeError("stop here")

    start = time.perf_counter()
    with pytest.raises(RuntimeError, match="stop here"):
        negsim.run(default_path, runs=5_000_000, progress=fail)
    assert time.perf_counter() - start < 30  # it did not run the 5 million
    assert len(calls) == 1


def test_ctrl_c_interrupts_a_run(tmp_path):
    script = tmp_path / "interrupt.py"
    script.write_text(textwrap.dedent("""
        import os, signal, threading, time, negsim
        s = negsim.load()
        threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        start = time.perf_counter()
        try:
            negsim.run(s, runs=50_000_000)
            print("finished")
        except KeyboardInterrupt:
            print("interrupted after", round(time.perf_counter() - start, 2))
        r = negsim.run(s, runs=1000)  # the module still works
        print("then", r.n_runs)
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("\n")
    assert lines[0].startswith("interrupted after"), done.stdout
    assert float(lines[0].split()[-1]) < 10  # 50 million runs take minutes
    assert lines[1] == "then 1000"


def test_ctrl_c_interrupts_a_sweep_and_the_sweep_resumes(tmp_path):
    script = tmp_path / "interrupt_sweep.py"
    out = tmp_path / "sweep"
    script.write_text(textwrap.dedent(f"""
        import os, signal, threading, negsim
        design = {{"design": "lhs", "points": 40, "parameters": {{"agents.us.trust.beta.a": {{"range": [1, 4]}}}}}}
        threading.Timer(1.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        try:
            negsim.sweep(None, design, runs=20_000, out={str(out)!r})
            print("finished")
        except KeyboardInterrupt:
            print("interrupted")
        r = negsim.sweep(None, design, runs=20_000, out={str(out)!r})
        print(r.resumed > 0, len(r.points))
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["interrupted", "True 40"], done.stdout
