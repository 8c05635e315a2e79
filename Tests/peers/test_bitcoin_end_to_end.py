"""`lodestone serve` against a real Bitcoin Core v29.3 on regtest, end to end: 20 customers with
P2WPKH, P2TR and P2SH-P2WPKH addresses (the network's script changed between restarts); deposits of
every shape (one output, many outputs of one transaction, one address paid twice in a transaction,
dust, a coinbase output); a fee bump that re-pays and a replacement that withdraws a detection; a
reorg of depth 1 that re-mines a deposit and one of depth 2 that double-spends a credited one; and
`serve` killed with SIGKILL mid-scan. Afterwards every intent and balance equals what the node's
UTXO set says was paid on the active chain, each output is credited once, and every event reached
the merchant, signed. Skipped, loudly, where no bitcoind is available."""
import json
import random
from decimal import Decimal

import pytest

from peer_helpers import EVENT_TYPES, wait_for
from lodestone_process import Lodestone, fresh_postgres_database
from test_bitcoin_serve import CORE, Regtest
from webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.skipif(CORE is None, reason="!! Bitcoin Core not found: the Bitcoin end-to-end test is SKIPPED")

CONFIRMATIONS = 2
COINBASE_MATURITY = 100
MINIMUM = Decimal("0.0001")


def sats(text):
    value = Decimal(str(text)) * 100_000_000
    assert value == value.to_integral_value(), text
    return int(value)


def btc(units):
    return str(Decimal(units) / 100_000_000)




class Wallet:
    """What the test does with the node's wallet: payments in every shape, replacements, blocks."""

    def __init__(self, node):
        self.node = node

    def w(self, *args):
        return self.node.cli("-rpcwallet=w", *args)

    def pay(self, address, amount):
        return self.w("sendtoaddress", address, amount)

    def pay_many(self, outputs):
        return self.w("sendmany", "", json.dumps(outputs))

    def pay_twice(self, address, first, second):
        """One transaction paying `address` twice. The node refuses a repeated address, so a stand-in
        wallet address (same script length) is paid and its script swapped before signing."""
        stand_in = self.w("getnewaddress", "", "bech32")
        raw = self.w("createrawtransaction", "[]", json.dumps([{address: first}, {stand_in: second}]))
        funded = json.loads(self.w("fundrawtransaction", raw, json.dumps({"changePosition": 2})))["hex"]
        target = json.loads(self.node.cli("validateaddress", address))["scriptPubKey"]
        other = json.loads(self.node.cli("validateaddress", stand_in))["scriptPubKey"]
        assert len(target) == len(other) == 44 and funded.count("16" + other) == 1
        signed = json.loads(self.w("signrawtransactionwithwallet", funded.replace("16" + other, "16" + target)))
        return self.node.cli("sendrawtransaction", signed["hex"])

    def double_spend(self, txid, fee=Decimal("0.001")):
        """The inputs of the wallet's `txid` spent again to the wallet, with a higher fee."""
        tx = json.loads(self.node.cli("decoderawtransaction", json.loads(self.w("gettransaction", txid))["hex"]))
        total = Decimal(0)
        inputs = []
        for i in tx["vin"]:
            prev = json.loads(self.node.cli("decoderawtransaction", json.loads(self.w("gettransaction", i["txid"]))["hex"]))
            total += Decimal(str(prev["vout"][i["vout"]]["value"]))
            inputs.append({"txid": i["txid"], "vout": i["vout"]})
        raw = self.w("createrawtransaction", json.dumps(inputs), json.dumps([{self.w("getnewaddress"): str(total - fee)}]))
        return self.node.cli("sendrawtransaction", json.loads(self.w("signrawtransactionwithwallet", raw))["hex"])

    def block(self, txids=()):
        return json.loads(self.node.cli("generateblock", self.w("getnewaddress"), json.dumps(list(txids))))["hash"]

    def height(self):
        return int(self.node.cli("getblockcount"))


def config(node, script, store_config=""):
    return f"""
rate_limit: {{requests: 100000, window_seconds: 60}}
networks:
  bitcoin-regtest:
    enabled: true
    script: {script}
    rpc: ["http://127.0.0.1:{node.port}/"]
    rpc_cookie_file: {node.cookie}
    poll_seconds: 1
    blocks_per_step: 5
    rpc_requests_per_second: 40
assets:
  BTC-BitcoinRegtest: {{confirmations: {CONFIRMATIONS}, minimum: "{MINIMUM}"}}
webhooks:
  allow_private_urls: true
{store_config}"""


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_bitcoin_deposits_of_every_shape_survive_replacements_reorgs_and_a_crash(tmp_path, store):
    database = None
    if store == "postgres":
        database = fresh_postgres_database()
        if database is None:
            pytest.skip("no test PostgreSQL (scripts/with-postgres provides one)")
    rng = random.Random(20261204)
    node = Regtest()
    node.mine(20)  # mature coins, so that payments do not all chain on one unconfirmed change output
    wallet = Wallet(node)
    lodestone = None
    try:
        with WebhookReceiver() as receiver:
            # Phase 1: twenty customers, their addresses issued under three script settings in turn.
            lodestone = Lodestone(tmp_path, config(node, "p2wpkh"), database=database, environment="sandbox").start()
            asset = next(a for a in lodestone.get("/v1/assets")["data"] if a["network"] == "bitcoin-regtest")
            assert asset["id"] == "BTC-BitcoinRegtest" and asset["confirmations"] == CONFIRMATIONS
            endpoint = lodestone.post("/v1/webhook_endpoints", {"url": receiver.url, "events": EVENT_TYPES})
            receiver.secret = endpoint["secret"]
            customers, addresses = [], {}
            for script, prefix, count in (("p2wpkh", "bcrt1q", 8), ("p2tr", "bcrt1p", 6), ("p2sh-p2wpkh", "2", 6)):
                if script != "p2wpkh":
                    assert lodestone.stop() == 0
                    lodestone.write_config(config(node, script))
                    lodestone.start()
                for _ in range(count):
                    c = lodestone.post("/v1/customers", {"external_id": f"btc-{len(customers)}"})["id"]
                    a = lodestone.post(f"/v1/customers/{c}/addresses", {"network": "bitcoin-regtest"})["address"]
                    assert a.startswith(prefix), (script, a)
                    customers.append(c)
                    addresses[c] = a
            # Every earlier address is still watched, whatever the network issues now.
            intents = {}
            for i, c in enumerate(customers):
                if i % 3 != 2:
                    amount = btc(rng.randrange(1_000_000, 50_000_000))
                    intents[c] = lodestone.post("/v1/payment_intents", {"asset": asset["id"], "amount": amount, "customer": c,
                                                                          "expires_in": 86_400})
            C = customers

            # Phase 2: payments of every shape, detected in the mempool before a block holds them.
            one_output = {c: wallet.pay(addresses[c], btc(rng.randrange(100_000, 40_000_000))) for c in C[0:5] + C[8:11] + C[14:16]}
            many = wallet.pay_many({addresses[c]: btc(rng.randrange(100_000, 20_000_000)) for c in C[11:14] + C[16:18]})
            twice = wallet.pay_twice(addresses[C[5]], "0.011", "0.022")
            dust = wallet.pay(addresses[C[6]], "0.00005")

            def deposits(customer=None):
                return lodestone.every("/v1/deposits" + (f"?customer={customer}" if customer else ""))

            def in_mempool():
                return {(d["tx_hash"], d["position"]) for d in deposits() if d["block_number"] is None and d["status"] in ("pending", "ignored")}

            expected_unmined = len(one_output) + 5 + 2 + 1
            wait_for("every payment detected from the mempool", lambda: len(in_mempool()) == expected_unmined, lodestone)
            for c in (C[0], C[8], C[14]):
                if c in intents:
                    assert lodestone.get(f"/v1/payment_intents/{intents[c]['id']}")["status"] == "processing"
            assert [d["status"] for d in deposits(C[6])] == ["ignored"], "dust is recorded, never credited"
            assert sorted(d["amount"] for d in deposits(C[5])) == ["0.011", "0.022"], "one address paid twice: two deposits"

            # Phase 3: mined. The same deposits move into their blocks and are credited.
            wallet.block([t for t in list(one_output.values()) + [many, twice, dust]])
            wallet.block()
            wait_for("everything mined credited", lambda: all(
                d["status"] in ("confirmed", "ignored", "orphaned") for d in deposits()), lodestone)
            assert not in_mempool()

            # Phase 4: a replacement that withdraws a detection, and a fee bump that re-pays.
            withdrawn_tx = wallet.pay(addresses[C[18]], "0.3")
            bumped_tx = wallet.pay(addresses[C[19]], "0.2")
            wait_for("both detected", lambda: {withdrawn_tx, bumped_tx} <= {t for t, _ in in_mempool()}, lodestone)
            wallet.double_spend(withdrawn_tx)
            rebumped_tx = json.loads(wallet.w("bumpfee", bumped_tx))["txid"]

            def settled_replacements():
                d18 = deposits(C[18])
                d19 = {d["tx_hash"]: d for d in deposits(C[19])}
                return (d18 and d18[0]["status"] == "orphaned" and d19.get(bumped_tx, {}).get("status") == "orphaned"
                        and d19.get(rebumped_tx, {}).get("status") == "pending")
            wait_for("the replaced detections withdrawn and the bump detected", settled_replacements, lodestone)
            orphan = deposits(C[18])[0]
            assert "left the mempool" in orphan["orphaned_reason"] and orphan["block_number"] is None
            if C[18] in intents:
                assert lodestone.get(f"/v1/payment_intents/{intents[C[18]]['id']}")["status"] == "requires_payment"
            wallet.block([rebumped_tx])
            wallet.block()
            wait_for("the fee bump credited", lambda: any(
                d["tx_hash"] == rebumped_tx and d["status"] == "confirmed" for d in deposits(C[19])), lodestone)

            # Phase 5: a reorg of depth 1 re-mines a deposit; one of depth 2 double-spends a credited one.
            remined = wallet.pay(addresses[C[7]], "0.15")
            x = wallet.block([remined])
            wait_for("the deposit in its block", lambda: any(d["tx_hash"] == remined and d["block_number"] for d in deposits(C[7])), lodestone)
            node.cli("invalidateblock", x)
            wallet.block()
            wallet.block()
            wait_for("the reorged deposit back in the mempool", lambda: any(
                d["tx_hash"] == remined and d["block_number"] is None and d["status"] == "pending" for d in deposits(C[7])), lodestone)
            wallet.block([remined])
            wallet.block()

            spent = wallet.pay(addresses[C[9]], "0.25")
            y = wallet.block([spent])
            wallet.block()
            wait_for("the deposit credited", lambda: any(d["tx_hash"] == spent and d["status"] == "confirmed" for d in deposits(C[9])),
                     lodestone)
            node.cli("invalidateblock", y)
            conflict = wallet.double_spend(spent)
            wallet.block([conflict])
            wallet.block()
            wallet.block()
            # Reversed when the scan follows the new branch. Had a poll seen the transaction back in
            # the mempool in between, it was restored first and withdrawn when replaced: orphaned.
            wait_for("the double-spent credit taken back", lambda: any(
                d["tx_hash"] == spent and d["status"] in ("reversed", "orphaned") for d in deposits(C[9])), lodestone)

            # Phase 6: a coinbase output to a customer, and serve killed with SIGKILL while it
            # scans the hundred blocks that make it spendable.
            node.cli("generatetoaddress", "1", addresses[C[12]])
            wallet.node.mine(60)
            tip = wallet.height()
            under_way = wait_for("the scan under way", lambda: next(
                (n["scanned_height"] for n in lodestone.get("/v1/networks")["data"]
                 if n["id"] == "bitcoin-regtest" and (n["scanned_height"] or 0) > tip - 60), None), lodestone)
            lodestone.kill()
            print(f"serve killed with the scan at {under_way} of {tip}")
            wallet.node.mine(COINBASE_MATURITY - 60)
            lodestone.start()
            height = wallet.height()
            wait_for("the scan at the tip", lambda: any(
                n["id"] == "bitcoin-regtest" and n["scanned_height"] == height for n in lodestone.get("/v1/networks")["data"]), lodestone)
            wait_for("the coinbase output credited", lambda: any(
                d["status"] == "confirmed" and d["amount"] not in ("0",) and d["confirmations"] >= COINBASE_MATURITY
                for d in deposits(C[12])), lodestone)

            # Phase 7: what the merchant sees equals what the node's UTXO set says each customer was
            # paid on the active chain (the wallet never spends them): confirmed and not dust.
            paid = {}
            for c in C:
                scan = json.loads(node.cli("scantxoutset", "start", json.dumps([f"addr({addresses[c]})"])))
                total = 0
                for u in scan["unspents"]:
                    confirmations = height - u["height"] + 1
                    if sats(u["amount"]) >= sats(MINIMUM) and confirmations >= (COINBASE_MATURITY if u["coinbase"] else CONFIRMATIONS):
                        total += sats(u["amount"])
                paid[c] = total
            assert paid[C[18]] == 0 and paid[C[6]] == 0 and paid[C[12]] > 2_500_000_000
            for c in C:
                held = 0
                if c in intents:
                    got = lodestone.get(f"/v1/payment_intents/{intents[c]['id']}")
                    want = sats(got["amount"])
                    received = sats(got["amount_received"])
                    held += received
                    # An intent keeps what a later-reversed credit gave it (the sale stands); the
                    # reversal is charged to the balance instead.
                    if c != C[9]:
                        assert received == min(want, paid[c]), (c, got, paid[c])
                    assert got["status"] == ("succeeded" if received >= want else "requires_payment"), got
                balances = {b["asset"]: sats(b["amount"]) for b in lodestone.get(f"/v1/customers/{c}/balances")["data"]}
                balance = balances.get(asset["id"], 0)
                assert held + balance == paid[c], (c, held, balance, paid[c])
            every = deposits()
            keys = [(d["tx_hash"], d["position"]) for d in every]
            assert len(keys) == len(set(keys)), "an output recorded twice"

            # Every event reached the merchant, signed; each output credited once per inclusion.
            events = lodestone.every("/v1/events")
            wait_for("every event delivered", lambda: set(receiver.received()) >= {e["id"] for e in events}, lodestone)
            assert receiver.rejected == 0
            received = receiver.received()
            for event in events:
                assert received[event["id"]] == event, "the webhook body is the event as the API lists it"
            by_type = {}
            for event in events:
                by_type.setdefault(event["type"], []).append(event["data"])
            confirmed = [e["id"] for e in by_type["deposit.confirmed"]]
            assert len(confirmed) == len(set(confirmed)), "a deposit credited twice"
            spent_id = next(d["id"] for d in every if d["tx_hash"] == spent)
            assert set(confirmed) == {d["id"] for d in every if d["status"] == "confirmed"} | {spent_id}
            assert [e["tx_hash"] for e in by_type["deposit.reversed"]] == [spent]
            assert [e["tx_hash"] for e in by_type.get("deposit.restored", [])] in ([], [spent])
            orphaned = {e["tx_hash"] for e in by_type["deposit.orphaned"]}
            assert orphaned - {spent} == {withdrawn_tx, bumped_tx, remined}, orphaned
            assert lodestone.stop() == 0
            with open(lodestone.log_path) as log:
                log_text = log.read()
            for secret in (lodestone.key, receiver.secret, lodestone.mnemonic, open(node.cookie).read().strip().split(":", 1)[1]):
                assert secret not in log_text
    finally:
        if lodestone is not None and lodestone.process is not None and lodestone.process.poll() is None:
            lodestone.kill()
        node.stop()
