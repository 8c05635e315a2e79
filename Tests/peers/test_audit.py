"""`lodestone audit addresses` re-derives every issued address and reports a row altered in the database."""
import glob
import os
import sqlite3
import subprocess
import urllib.parse

import pytest
from eth_utils import to_checksum_address

from evm_devnode import DevNode, DevNodeServer
from lodestone_process import BIN, Lodestone, fresh_postgres_database
from peer_helpers import call_data, wait_for

CONFIG = """
networks:
  ethereum: {enabled: true, account: 0}
  tron: {enabled: true, account: 0}
  solana: {enabled: true, account: 0}
  bitcoin: {enabled: true, account: 0, script: p2tr}
"""
NETWORKS = ["ethereum", "tron", "solana", "bitcoin"]


def audit(lodestone, *extra):
    return subprocess.run([BIN, "audit", "addresses", "--database", lodestone.database, "--config", lodestone.config_path, *extra],
                          env=lodestone.env, capture_output=True, text=True, timeout=120)


def execute(database, sql, params):
    """Runs one statement on the store's database, as someone with database access would."""
    if database.startswith("sqlite://"):
        with sqlite3.connect(database[len("sqlite://"):]) as db:
            assert db.execute(sql.replace("%s", "?"), params).rowcount == 1
        return
    parts = urllib.parse.urlsplit(database)
    psql = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
    literal = sql
    for p in params:
        literal = literal.replace("%s", "'" + p.replace("'", "''") + "'", 1)
    out = subprocess.run([psql, "-h", parts.hostname, "-p", str(parts.port), "-U", parts.username, "-d", parts.path[1:],
                          "-v", "ON_ERROR_STOP=1", "-c", literal], env=dict(os.environ, PGPASSWORD=parts.password or ""),
                         capture_output=True, text=True, check=True)
    assert "UPDATE 1" in out.stdout, out.stdout


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_audit_verifies_every_address_and_reports_an_altered_row(tmp_path, store):
    database = None
    if store == "postgres":
        database = fresh_postgres_database()
        if database is None:
            pytest.skip("no test PostgreSQL (scripts/with-postgres provides one)")
    lodestone = Lodestone(tmp_path, CONFIG, database=database).start()
    customers = []
    try:
        for i in range(3):
            customer = lodestone.post("/v1/customers", {"external_id": f"audit-{i}"})["id"]
            for network in NETWORKS:
                lodestone.post(f"/v1/customers/{customer}/addresses", {"network": network})
            customers.append(customer)
    finally:
        assert lodestone.stop() == 0

    clean = audit(lodestone)
    assert clean.returncode == 0, clean.stderr
    assert '"checked":12' in clean.stdout and '"verified":12' in clean.stdout and '"seed":"database"' in clean.stdout, clean.stdout

    mnemonic = tmp_path / "mnemonic.txt"
    mnemonic.write_text(lodestone.mnemonic + "\n")
    offline = audit(lodestone, "--mnemonic-file", str(mnemonic))
    assert offline.returncode == 0 and '"verified":12' in offline.stdout and '"seed":"mnemonic"' in offline.stdout, offline.stdout

    # Someone with database access points a customer's Ethereum address at their own account, match key included.
    attacker = bytes.fromhex("5a" * 20)
    execute(lodestone.database, "UPDATE addresses SET address = %s, match_key = %s WHERE customer_id = %s AND network = %s",
            [to_checksum_address(attacker), attacker.hex(), customers[1], "ethereum"])
    tampered = audit(lodestone)
    assert tampered.returncode != 0, tampered.stdout
    assert "1 issued address(es) differ" in tampered.stderr, tampered.stderr
    lines = [line for line in tampered.stdout.splitlines() if '"finding":"differs"' in line]
    assert len(lines) == 1 and customers[1] in lines[0] and '"network":"ethereum"' in lines[0], tampered.stdout
    assert '"verified":11' in tampered.stdout


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_audit_ledger_reports_an_intent_whose_received_amount_was_altered(tmp_path, store):
    database = None
    if store == "postgres":
        database = fresh_postgres_database()
        if database is None:
            pytest.skip("no test PostgreSQL (scripts/with-postgres provides one)")
    rpc = DevNodeServer(DevNode(chain_id=1)).__enter__()
    watched = CONFIG.replace("ethereum: {enabled: true, account: 0}",
                             f'ethereum: {{enabled: true, account: 0, rpc: ["{rpc.url}"], max_head_age_seconds: 86400}}')
    lodestone = Lodestone(tmp_path, watched, database=database).start()
    try:
        customer = lodestone.post("/v1/customers", {"external_id": "ledger-audit"})["id"]
        lodestone.post(f"/v1/customers/{customer}/addresses", {"network": "ethereum"})
        intent = lodestone.post("/v1/payment_intents", {"asset": "USDT-Ethereum", "amount": "10", "customer": customer,
                                                        "expires_in": 3600})
    finally:
        assert lodestone.stop() == 0
        rpc.__exit__(None, None, None)
    ledger = lambda: subprocess.run([BIN, "audit", "ledger", "--database", lodestone.database, "--config", lodestone.config_path],
                                    env=lodestone.env, capture_output=True, text=True, timeout=120)
    clean = ledger()
    assert clean.returncode == 0 and '"findings":0' in clean.stdout and '"intents":1' in clean.stdout, clean.stdout + clean.stderr
    # Money written into an intent without a deposit behind it.
    execute(lodestone.database, "UPDATE payment_intents SET amount_received = %s WHERE id = %s", ["10000000", intent["id"]])
    tampered = ledger()
    assert tampered.returncode != 0 and "does not reconcile" in tampered.stderr, tampered.stdout + tampered.stderr
    assert intent["id"] in tampered.stdout and "by the ledger" in tampered.stdout, tampered.stdout


def test_audit_ledger_on_chain_finds_money_the_scan_did_not_record(tmp_path):
    """A token transfer whose log the node withheld from the scan shows as more on chain than recorded."""
    runtime = subprocess.run(["vyper", "-f", "bytecode_runtime", os.path.join(os.path.dirname(__file__), "contracts", "Token.vy")],
                             capture_output=True, text=True, check=True).stdout.strip()
    token = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
    node = DevNode(chain_id=1, contracts={token: bytes.fromhex(runtime[2:])})
    node.send(0, token, payload=call_data("mint(address,uint256)", node.senders[0].address, 10**12))
    node.mine()
    with DevNodeServer(node) as rpc:
        config = f"""
networks:
  ethereum: {{enabled: true, account: 0, rpc: ["{rpc.url}"], poll_seconds: 1, max_head_age_seconds: 86400, recheck_depth: 0}}
assets:
  USDT-Ethereum: {{confirmations: 2}}
  ETH-Ethereum: {{confirmations: 2}}
"""
        lodestone = Lodestone(tmp_path, config).start()
        try:
            addresses = []
            for i in range(2):
                customer = lodestone.post("/v1/customers", {"external_id": f"onchain-{i}"})["id"]
                addresses.append(lodestone.post(f"/v1/customers/{customer}/addresses", {"network": "ethereum"})["address"])
            node.send(1, addresses[0], value=3 * 10**15)
            node.send(0, token, payload=call_data("transfer(address,uint256)", addresses[0], 7_000_000))
            _, hidden = node.send(0, token, payload=call_data("transfer(address,uint256)", addresses[1], 9_000_000))
            node.withheld.add(hidden)
            node.mine(3)
            head = node.head_number()
            wait_for("the scan at the head", lambda: any(
                n["id"] == "ethereum" and n["scanned_height"] == head for n in lodestone.get("/v1/networks")["data"]), lodestone)

            def audit():
                return subprocess.run([BIN, "audit", "ledger", "--on-chain", "--database", lodestone.database, "--config",
                                       lodestone.config_path], env=lodestone.env, capture_output=True, text=True, timeout=120)
            found = audit()
            assert found.returncode != 0, found.stdout
            lines = [line for line in found.stdout.splitlines() if '"on_chain"' in line]
            assert len(lines) == 1 and addresses[1] in lines[0] and "\"asset\":\"USDT-Ethereum\"" in lines[0], found.stdout + found.stderr
            assert '"on_chain":"9000000"' in lines[0] and '"recorded":"0"' in lines[0] and "more than the recorded" in lines[0]
            assert '"on_chain_checked":2' in found.stdout and '"on_chain_networks":["ethereum"]' in found.stdout, found.stdout
            # The devnode has no USDC contract: said, not guessed as zero.
            assert '"on_chain_skipped":["USDC-Ethereum"]' in found.stdout, found.stdout

            check = lodestone.post("/v1/deposits/check", {"network": "ethereum", "tx_hash": hidden})
            assert [t["outcome"] for t in check["transfers"]] == ["recorded"], check
            clean = audit()
            assert clean.returncode == 0, clean.stdout + clean.stderr
            assert '"findings":0' in clean.stdout and '"on_chain_checked":2' in clean.stdout, clean.stdout
        finally:
            lodestone.stop()
