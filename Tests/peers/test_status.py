"""`lodestone status` against a running serve: healthy while its node answers, exit 1 once none does."""
import os
import subprocess

from evm_devnode import DevNode, DevNodeServer
from lodestone_process import BIN, Lodestone, free_port
from peer_helpers import wait_for


def status(lodestone, *extra, key=True):
    env = dict(lodestone.env)
    env.pop("LODESTONE_API_KEY", None)
    if key:
        env["LODESTONE_API_KEY"] = lodestone.key
    return subprocess.run([BIN, "status", "--url", lodestone.base, *extra], env=env, capture_output=True, text=True, timeout=60)


def test_status_is_a_health_check(tmp_path):
    node = DevNode(chain_id=1)
    node.mine(3)
    rpc = DevNodeServer(node).__enter__()
    config = f"""
networks:
  ethereum: {{enabled: true, account: 0, rpc: ["{rpc.url}"], poll_seconds: 1, max_head_age_seconds: 86400}}
  tron: {{enabled: true, account: 0}}
"""
    lodestone = Lodestone(tmp_path, config).start()
    try:
        head = node.head_number()
        wait_for("the scan at the head", lambda: any(
            n["id"] == "ethereum" and n["scanned_height"] == head for n in lodestone.get("/v1/networks")["data"]), lodestone)
        healthy = status(lodestone)
        assert healthy.returncode == 0, healthy.stdout + healthy.stderr
        assert f"lodestone at {lodestone.base}: healthy" in healthy.stdout, healthy.stdout
        row = next(line for line in healthy.stdout.splitlines() if line.startswith("ethereum"))
        assert " ok " in row and str(head) in row and "1/1 healthy" in row, row
        assert any(line.startswith("tron") and "unwatched" in line for line in healthy.stdout.splitlines()), healthy.stdout
        assert "\x1b[" not in healthy.stdout, "no colour when not writing to a terminal"
        assert "\x1b[32m" in status(lodestone, "--color", "always").stdout

        node.unavailable = True  # the only node goes down
        def unhealthy():
            answer = status(lodestone)
            return answer if answer.returncode == 1 else None
        down = wait_for("status to report the endpoint down", unhealthy, lodestone, timeout=120)
        assert "UNHEALTHY" in down.stdout and "no endpoint is usable" in down.stdout, down.stdout

        missing = status(lodestone, key=False)
        assert missing.returncode != 0 and "LODESTONE_API_KEY" in missing.stderr, missing.stderr
        wrong = subprocess.run([BIN, "status", "--url", lodestone.base], capture_output=True, text=True, timeout=60,
                               env=dict(lodestone.env, LODESTONE_API_KEY="lsk_not_a_key"))
        assert wrong.returncode != 0 and "401" in wrong.stderr, wrong.stderr
    finally:
        lodestone.stop()
        rpc.__exit__(None, None, None)
    gone = subprocess.run([BIN, "status", "--url", f"http://127.0.0.1:{free_port()}"], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, LODESTONE_API_KEY=lodestone.key))
    assert gone.returncode != 0 and "cannot reach" in gone.stderr, gone.stderr
