"""Two `serve` instances on one PostgreSQL watching one EVM devnode: one scans, the other stands by
(scan lease); when the scanning one is killed with SIGKILL the other takes over once the lease has
run out, and when it stops gracefully the lease is handed over at once. Prints the times seen."""
import time

import pytest

from evm_devnode import DevNode, DevNodeServer
from lodestone_process import Lodestone, fresh_postgres_database


def config(rpc_url):
    return f"""
networks:
  ethereum: {{enabled: true, account: 0, rpc: ["{rpc_url}"], start_block: 1, poll_seconds: 1, max_head_age_seconds: 86400}}
"""


def scanned(instance):
    """The height this instance's own scan reached; None while it stands by (a standby shows the
    shared cursor with `lease: standby`) or cannot be asked."""
    try:
        network = next(n for n in instance.get("/v1/networks")["data"] if n["id"] == "ethereum")
    except Exception:
        return None
    return network["scanned_height"] if network["lease"] == "held" else None


def wait_for(what, check, seconds=60):
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        value = check()
        if value:
            return time.monotonic() - start, value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_one_instance_scans_and_another_takes_over(tmp_path):
    database = fresh_postgres_database()
    if database is None:
        pytest.skip("no test PostgreSQL (scripts/with-postgres provides one)")
    node = DevNode(chain_id=1)
    node.mine(3)
    with DevNodeServer(node) as rpc:
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        a = Lodestone(tmp_path / "a", config(rpc.url), database=database)
        b = Lodestone(tmp_path / "b", config(rpc.url), database=database, init_keys=False)
        b.key = a.key
        instances = [a.start(), b.start()]
        try:
            head = node.head_number()
            _, holder = wait_for("one instance scanning", lambda: next((i for i in instances if scanned(i) == head), None))
            standby = b if holder is a else a
            node.mine(2)
            wait_for("the holder at the head", lambda: scanned(holder) == node.head_number())
            assert scanned(standby) is None, "the standby never scans while the lease is held"
            shown = next(n for n in standby.get("/v1/networks")["data"] if n["id"] == "ethereum")
            assert shown["lease"] == "standby" and shown["head_height"] is None, shown

            # SIGKILL: nothing is given up; the standby scans once the lease (10 s) has run out.
            holder.kill()
            node.mine(2)
            killed, _ = wait_for("the standby to take over", lambda: scanned(standby) == node.head_number(), seconds=40)
            # Graceful stop: the lease is released on the way out; a restarted instance takes it at once.
            holder.start()
            assert standby.stop() == 0
            node.mine(2)
            handed, _ = wait_for("the restarted instance to take over", lambda: scanned(holder) == node.head_number(), seconds=40)
            print(f"scan failover: after SIGKILL {killed:.1f} s (lease 10 s, standby poll 1 s); after a graceful stop {handed:.1f} s")
        finally:
            for i in instances:
                if i.process is not None and i.process.poll() is None:
                    i.kill()
