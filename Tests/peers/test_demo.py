"""`scripts/demo` works on a fresh clone: its Python part, run as the script runs it."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_the_demo_pays_an_intent_and_shows_its_events():
    run = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "demo.py")], capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    print(lines[-1])
    webhooks = [line.split()[1] for line in lines if line.strip().startswith("webhook ")]
    assert {"deposit.detected", "deposit.confirmed", "payment_intent.succeeded"} <= set(webhooks), run.stdout
    assert webhooks.index("deposit.detected") < webhooks.index("deposit.confirmed") < len(webhooks)
    assert "succeeded, received 25 USDT" in lines[-1], run.stdout
