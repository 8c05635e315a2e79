"""`lodestone serve` watching a real Bitcoin Core v29.3 on regtest, as an operator would set it up:
cookie authentication, an intent paid by a wallet transaction and credited, the network's progress
in `GET /v1/networks`. Skipped, loudly, where no bitcoind is available."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from peer_helpers import wait_for
from lodestone_process import Lodestone

CORE = os.environ.get("LODESTONE_BITCOIN_CORE")
if not CORE or not os.path.exists(os.path.join(CORE, "bitcoind")):
    here = os.path.dirname(os.path.abspath(__file__))
    candidate = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "tools", "bitcoin-core", "bin"))
    CORE = candidate if os.path.exists(os.path.join(candidate, "bitcoind")) else None

pytestmark = pytest.mark.skipif(CORE is None, reason="!! Bitcoin Core not found: the serve-on-regtest test is SKIPPED")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Regtest:
    """A throwaway regtest bitcoind with cookie authentication and a funded wallet."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="lodestone-regtest-")
        self.port = free_port()
        self.process = subprocess.Popen(
            [os.path.join(CORE, "bitcoind"), "-regtest", f"-datadir={self.dir}", f"-rpcport={self.port}", f"-port={free_port()}",
             "-listen=0", "-connect=0", "-dnsseed=0", "-fallbackfee=0.0002", "-rpcbind=127.0.0.1", "-rpcallowip=127.0.0.1",
             "-printtoconsole=0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.cookie = os.path.join(self.dir, "regtest", ".cookie")
        deadline = time.monotonic() + 30
        while True:
            try:
                self.cli("getblockchaininfo")
                break
            except subprocess.CalledProcessError:
                assert time.monotonic() < deadline, "bitcoind did not answer within 30 s"
                time.sleep(0.2)
        self.cli("createwallet", "w")
        self.cli("generatetoaddress", "101", self.cli("-rpcwallet=w", "getnewaddress"))

    def cli(self, *args):
        return subprocess.run([os.path.join(CORE, "bitcoin-cli"), "-regtest", f"-datadir={self.dir}", f"-rpcport={self.port}", *args],
                              check=True, capture_output=True, text=True).stdout.strip()

    def mine(self, n=1):
        self.cli("generatetoaddress", str(n), self.cli("-rpcwallet=w", "getnewaddress"))

    def stop(self):
        try:
            self.cli("stop")
            self.process.wait(timeout=30)
        except Exception:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)




def test_serve_credits_a_bitcoin_deposit_from_a_real_node_with_cookie_authentication(tmp_path):
    node = Regtest()
    try:
        config = ("networks:\n"
                  "  bitcoin-regtest:\n"
                  "    enabled: true\n"
                  f"    rpc: [\"http://127.0.0.1:{node.port}/\"]\n"
                  f"    rpc_cookie_file: {node.cookie}\n"
                  "    poll_seconds: 1\n")
        lodestone = Lodestone(tmp_path, config, environment="sandbox").start()
        try:
            asset = next(a for a in lodestone.get("/v1/assets")["data"] if a["network"] == "bitcoin-regtest")
            customer = lodestone.post("/v1/customers", {"external_id": "btc-1"})["id"]
            address = lodestone.post(f"/v1/customers/{customer}/addresses", {"network": "bitcoin-regtest"})["address"]
            assert address.startswith("bcrt1")
            intent = lodestone.post("/v1/payment_intents", {"asset": asset["id"], "amount": "0.5", "customer": customer})
            assert intent["status"] == "requires_payment"

            txid = node.cli("-rpcwallet=w", "sendtoaddress", address, "0.5")
            node.mine(asset["confirmations"])
            paid = wait_for("the intent to succeed",
                            lambda: (lambda i: i if i["status"] == "succeeded" else None)(lodestone.get(f"/v1/payment_intents/{intent['id']}")))
            assert paid["amount_received"] == "0.5"
            deposits = lodestone.get(f"/v1/deposits?customer={customer}")["data"]
            assert [(d["tx_hash"], d["amount"], d["status"]) for d in deposits] == [(txid, "0.5", "confirmed")]

            height = int(node.cli("getblockcount"))
            network = wait_for("the scanner to report the tip", lambda: next(
                (n for n in lodestone.get("/v1/networks")["data"] if n["id"] == "bitcoin-regtest" and n["scanned_height"] == height), None))
            assert network["watched"] and network["head_height"] == height and network["lag"] == 0
            assert [e["healthy"] for e in network["endpoints"]] == [True]
            assert network["endpoints"][0]["label"] == f"http://127.0.0.1:{node.port}"
            assert lodestone.stop() == 0
            with open(node.cookie) as f:
                secret = f.read().strip().split(":", 1)[1]
            assert secret not in lodestone.log_tail(100000), "the cookie reached the log"
        finally:
            if lodestone.process.poll() is None:
                lodestone.kill()
    finally:
        node.stop()
