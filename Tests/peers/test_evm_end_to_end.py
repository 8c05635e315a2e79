"""`lodestone serve` watching a real EVM: py-evm served over HTTP JSON-RPC, ERC-20 tokens compiled by vyper.

The token's runtime code sits in the devnet's genesis at the mainnet USDT and USDC addresses, so
Lodestone watches exactly the contracts it ships with (the devnet answers `eth_chainId` 1).

The same story runs again on Sepolia (the devnet answers 11155111) in the sandbox environment:
USDC at Circle's Sepolia address (built in), USDT defined by the operator in `assets:` at an
address of the test's choosing, and a third token defined with the wrong decimals, which is
refused at start and of which nothing is ever recorded or credited.

The story: 50 customers with payment intents in ETH, USDT and USDC; 100 deposits that pay them
exactly, short, over, in two parts, or with no intent at all, plus dust, zero-value poisoning
transfers and a reverted transfer. `serve` is killed (SIGKILL) in the middle of the scan and
restarted. Then a reorg: a branch with two deposits is seen, reverted, and replaced by a longer
branch in which one of those transactions is mined again in another block and the other never
returns. Afterwards every intent and balance must equal what an independent model of the rules
says, each deposit must be credited once, and every event must have reached a receiver that
checks signatures.
"""
import os
import random
import re
import subprocess
import time

import pytest
from eth_utils import to_checksum_address

from evm_devnode import DevNode, DevNodeServer
from lodestone_process import BIN, Lodestone, fresh_postgres_database
from peer_helpers import EVENT_TYPES, Ledger, call_data, text, token_runtime, units, wait_for
from webhook_receiver import WebhookReceiver

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIRMATIONS = 3
NETWORKS = {
    "ethereum": {
        "chain_id": 1, "environment": "production", "assets": ("ETH-Ethereum", "USDT-Ethereum", "USDC-Ethereum"),
        "contracts": {"USDT-Ethereum": "0xdAC17F958D2ee523a2206206994597C13D831ec7",
                      "USDC-Ethereum": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"},
        "tokens": "",
    },
    "ethereum-sepolia": {
        "chain_id": 11155111, "environment": "sandbox", "assets": ("ETH-Sepolia", "USDT-Sepolia", "USDC-Sepolia"),
        # USDC: Circle's Sepolia deployment, built in. USDT: the operator's, wherever the test puts it.
        "contracts": {"USDT-Sepolia": to_checksum_address("0x00000000000000000000000000000000005e9011"),
                      "USDC-Sepolia": "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238"},
        # EURX's contract says 6 decimals; the operator wrote 18: a typo that would credit 10^12 too little.
        "wrong": ("EURX-Sepolia", to_checksum_address("0x0000000000000000000000000000000000e0e0e0")),
    },
}


def config(net, rpc_url=None, operator=None):
    name = net["name"]
    ETH, USDT, USDC = net["assets"]
    watch = ""
    if rpc_url:
        # Small steps and a request budget make the scan take long enough to be interrupted.
        watch = (f", rpc: [\"{rpc_url}\"], start_block: 1, poll_seconds: 1, blocks_per_step: 4,"
                 f" rpc_requests_per_second: 40, max_head_age_seconds: 86400")
    if operator:
        # The operator's gas wallet: what it sends to deposit addresses is never a customer's money.
        watch += f", internal_senders: [\"{operator}\"]"
    return f"""
rate_limit: {{requests: 100000, window_seconds: 60}}
networks:
  {name}: {{enabled: true, account: 0{watch}}}
assets:
  {ETH}: {{confirmations: {CONFIRMATIONS}}}
  {USDT}: {{confirmations: {CONFIRMATIONS}{defined(net, USDT, "USDT", 6)}}}
  {USDC}: {{confirmations: {CONFIRMATIONS}}}
{wrong(net)}webhooks:
  allow_private_urls: true
"""


def defined(net, asset, symbol, decimals):
    """The definition of a token the catalog does not ship (none on mainnet here)."""
    if net["environment"] == "production":
        return ""
    return f", network: {net['name']}, symbol: {symbol}, contract: \"{net['contracts'][asset]}\", decimals: {decimals}"


def wrong(net):
    if "wrong" not in net:
        return ""
    asset, contract = net["wrong"]
    return f"  {asset}: {{network: {net['name']}, symbol: EURX, contract: \"{contract}\", decimals: 18, confirmations: 1}}\n"


@pytest.mark.parametrize("store,network", [("sqlite", "ethereum"), ("postgres", "ethereum"), ("sqlite", "ethereum-sepolia")])
def test_real_evm_deposits_are_credited_once_through_a_crash_and_a_reorg(tmp_path, store, network):
    net = dict(NETWORKS[network], name=network)
    ETH, USDT, USDC = net["assets"]
    database = None
    if store == "postgres":
        database = fresh_postgres_database()
        if database is None:
            pytest.skip("no test PostgreSQL (scripts/with-postgres provides one)")
    rng = random.Random(20261121)
    # The devnet carries the tokens at the addresses Lodestone watches.
    contracts = net["contracts"]
    code = {contracts[USDT]: token_runtime("USDT"), contracts[USDC]: token_runtime("USDC")}
    if "wrong" in net:
        code[net["wrong"][1]] = token_runtime("EURX", decimals=6)
    node = DevNode(chain_id=net["chain_id"], contracts=code)

    with WebhookReceiver() as receiver:
        # Phase 1: the merchant sets up customers, addresses, intents and a webhook endpoint. The
        # network is watched (intents on an unwatched one are refused), but nothing is mined yet.
        first_rpc = DevNodeServer(node).__enter__()
        operator = len(node.senders) - 1  # the last funded account is the operator's, never a customer's payer
        operator_address = node.senders[operator].address
        lodestone = Lodestone(tmp_path, config(net, first_rpc.url, operator_address), database=database,
                              environment=net["environment"]).start()
        if "wrong" in net:
            # Refused once the endpoint has been asked, before the first block is scanned.
            wait_for("the wrong token refused", lambda: net["wrong"][0] not in {a["id"] for a in lodestone.get("/v1/assets")["data"]},
                     lodestone)
        assets = {a["id"]: a for a in lodestone.get("/v1/assets")["data"]}
        decimals = {a: assets[a]["decimals"] for a in (ETH, USDT, USDC)}
        assert contracts == {USDT: assets[USDT]["contract"], USDC: assets[USDC]["contract"]}
        assert {i for i, a in assets.items() if a["network"] == network} == {ETH, USDT, USDC}
        if "wrong" in net:
            refused = lodestone.call("POST", "/v1/payment_intents", {"asset": net["wrong"][0], "amount": "1", "customer": "cus_x"})
            assert refused[0] == 422 and "reports 6 decimals" in refused[1]["error"]["message"], refused
            shown = next(n for n in lodestone.get("/v1/networks")["data"] if n["id"] == network)["refused_assets"]
            assert [r["asset"] for r in shown] == [net["wrong"][0]] and "says 18" in shown[0]["reason"], shown
        endpoint = lodestone.post("/v1/webhook_endpoints", {"url": receiver.url, "events": EVENT_TYPES})
        receiver.secret = endpoint["secret"]

        ledger = Ledger()
        customers, addresses, plan = [], {}, []
        kinds = ["exact", "under", "over", "split", "none"]
        for i in range(50):
            customer = lodestone.post("/v1/customers", {"external_id": f"customer-{i}"})["id"]
            customers.append(customer)
            addresses[customer] = lodestone.post(f"/v1/customers/{customer}/addresses", {"network": network})["address"]
            asset, other = [(ETH, USDT), (USDT, USDC), (USDC, ETH)][i % 3]
            kind = kinds[i % 5]

            def amount(a):
                return rng.randint(10_000, 2_000_000) * 10**12 if a == ETH else rng.randint(100, 50_000) * 10**4

            owed = 0
            for _ in range(2 if i % 7 == 0 and kind != "none" else 1):
                if kind == "none":
                    break
                value = amount(asset)
                intent = lodestone.post("/v1/payment_intents", {
                    "asset": asset, "amount": text(value, decimals[asset]), "customer": customer,
                    "merchant_order_id": f"order-{i}-{len(ledger.order)}", "expires_in": 86400})
                assert intent["status"] == "requires_payment"
                ledger.open(intent["id"], customer, asset, value)
                owed += value
            if kind == "exact":
                payments = [owed]
            elif kind == "under":
                payments = [owed * 3 // 5]
            elif kind == "over":
                payments = [owed * 3 // 2]
            elif kind == "split":
                payments = [owed * 2 // 5, owed - owed * 2 // 5]
            else:
                payments = [amount(asset)]
            plan += [(customer, asset, p) for p in payments]
            if kind != "split":
                plan.append((customer, other, amount(other)))
        assert len(plan) == 100
        assert lodestone.stop() == 0
        first_rpc.__exit__(None, None, None)

        # Phase 2: the deposits are mined on a real EVM, with noise that must never be credited.
        minted = [contracts[USDT], contracts[USDC]] + ([net["wrong"][1]] if "wrong" in net else [])
        for sender in range(len(node.senders)):
            for contract in minted:
                node.send(sender, contract, payload=call_data("mint(address,uint256)", node.senders[sender].address, 10**12))
        node.mine()

        def pay(sender, customer, asset, value):
            to = addresses[customer]
            if asset == ETH:
                return node.send(sender, to, value=value)
            return node.send(sender, contracts[asset], payload=call_data("transfer(address,uint256)", to, value))

        noise = [("dust", customers[1], ETH, 999), ("dust", customers[2], ETH, 10**12 - 1),
                 ("zero", customers[3], USDT, 0), ("zero", customers[4], USDC, 0),
                 ("reverts", customers[5], USDT, 10**15), ("topup", customers[6], ETH, 10**16)]
        refused_token = []  # transfers of the refused token: nothing of them may ever be recorded
        if "wrong" in net:
            refused_token = [("refused", customers[i], None, 5 * 10**6) for i in range(0, 20, 4)]
        schedule = [("pay",) + p for p in plan] + noise + refused_token
        rng.shuffle(schedule)
        sent = {}  # tx hash -> (customer, asset, value)
        ignored, reverted, topups = set(), set(), set()
        refused_txs = set()
        while schedule:
            for _ in range(min(len(schedule), rng.randint(0, 4))):
                kind, customer, asset, value = schedule.pop()
                if kind == "refused":
                    _, tx_hash = node.send(rng.randrange(operator), net["wrong"][1],
                                           payload=call_data("transfer(address,uint256)", addresses[customer], value))
                    refused_txs.add(tx_hash)
                    continue
                _, tx_hash = pay(operator if kind == "topup" else rng.randrange(operator), customer, asset, value)
                if kind == "topup":
                    ignored.add(tx_hash)
                    topups.add(tx_hash)
                elif kind == "pay":
                    sent[tx_hash] = (customer, asset, value)
                elif kind == "reverts":
                    reverted.add(tx_hash)
                else:
                    ignored.add(tx_hash)
            node.mine()
        node.mine(CONFIRMATIONS)
        for tx_hash in sent:
            assert node.receipt_status(tx_hash) == 1
        for tx_hash in reverted:
            assert node.receipt_status(tx_hash) == 0
        for customer, asset, value in plan:
            ledger.credit(customer, asset, value)

        with DevNodeServer(node) as rpc:
            # A provider-style URL: the key in the path and the query must never reach a log line.
            lodestone.write_config(config(net, rpc.url + "/v3/path-secret-4f1c?apikey=query-secret-9a7e", operator_address))

            def deposits():
                return lodestone.every("/v1/deposits")

            def seen():
                return lodestone.get("/v1/deposits?page_size=1")["total"]

            # Phase 3: serve scans from block 1 and is killed in the middle of it.
            lodestone.start()
            at_kill = wait_for("a scan in progress", lambda: (n := seen()) >= 25 and n, lodestone)
            lodestone.kill()
            print(f"killed with {at_kill} deposits recorded")
            assert at_kill < len(sent) + len(ignored), f"the scan finished before the kill ({at_kill} deposits)"
            lodestone.start()

            def all_settled():
                rows = deposits()
                confirmed = [d for d in rows if d["status"] == "confirmed"]
                return rows if len(confirmed) == len(sent) else None

            rows = wait_for("every deposit confirmed", all_settled, lodestone)
            assert sorted(d["tx_hash"] for d in rows) == sorted(list(sent) + list(ignored)), "each transfer is one deposit"
            for tx_hash in refused_txs:
                assert node.receipt_status(tx_hash) == 1, "the refused token's transfers succeeded on chain"
            assert not refused_txs & {d["tx_hash"] for d in rows}, "a transfer of the refused token was recorded"
            for d in rows:
                if d["tx_hash"] in ignored:
                    assert d["status"] == "ignored", d
                    if d["tx_hash"] in topups:
                        assert d["sender"] == operator_address and "internal_senders" in d["ignored_reason"], d
                else:
                    customer, asset, value = sent[d["tx_hash"]]
                    assert (d["customer"], d["asset"], units(d["amount"], decimals[asset])) == (customer, asset, value)
                    assert d["address"] == addresses[customer] and d["network"] == network
                    assert d["position"] == (-1 if asset == ETH else 0), "native: -1; a token: its log's place in the transaction"

            # Phase 4: a reorg. Branch A carries two deposits; B drops one and re-mines the other later.
            k1, k2 = customers[4], customers[9]
            intent = lodestone.post("/v1/payment_intents", {"asset": USDT, "amount": "40", "customer": k1,
                                                            "expires_in": 86400})
            ledger.open(intent["id"], k1, USDT, 40 * 10**6)
            fork = node.snapshot()
            _, dropped = pay(7, k1, USDT, 40 * 10**6)
            replayed_raw, replayed = pay(8, k2, ETH, 3 * 10**17)
            node.mine(CONFIRMATIONS - 1)

            def pending_pair():
                rows = {d["tx_hash"]: d for d in lodestone.every("/v1/deposits?status=pending")}
                return rows if dropped in rows and replayed in rows else None

            before = wait_for("branch A's deposits pending", pending_pair, lodestone)
            assert lodestone.get(f"/v1/payment_intents/{intent['id']}")["status"] == "processing"
            node.revert(fork)
            node.mine()
            node.submit(replayed_raw)
            _, late = pay(6, k1, USDT, 15 * 10**6)
            node.mine(CONFIRMATIONS + 2)
            sent[replayed] = (k2, ETH, 3 * 10**17)
            sent[late] = (k1, USDT, 15 * 10**6)
            ledger.credit(k2, ETH, 3 * 10**17)
            ledger.credit(k1, USDT, 15 * 10**6)

            def reorg_settled():
                rows = {d["tx_hash"]: d for d in deposits()}
                done = rows.get(dropped, {}).get("status") == "orphaned" and all(
                    rows.get(h, {}).get("status") == "confirmed" for h in (replayed, late))
                return rows if done else None

            after = wait_for("the reorg resolved", reorg_settled, lodestone)
            assert after[replayed]["id"] == before[replayed]["id"], "a re-mined transaction is the same deposit"
            assert after[replayed]["block_number"] == before[replayed]["block_number"] + 1
            assert after[replayed]["block_hash"] != before[replayed]["block_hash"]
            assert after[dropped]["id"] == before[dropped]["id"]
            assert len(after) == len(sent) + len(ignored) + 1

            # Phase 4b: a credited deposit leaves the chain (A → B) and its transaction returns (B → A).
            k3 = customers[11]
            fork = node.snapshot()
            returning_raw, returning = pay(5, k3, USDC, 7 * 10**6)
            node.mine(CONFIRMATIONS + 1)
            credited_once = wait_for("the deposit credited", lambda: next(
                (d for d in deposits() if d["tx_hash"] == returning and d["status"] == "confirmed"), None), lodestone)
            node.revert(fork)
            node.mine(CONFIRMATIONS + 3)
            wait_for("the credited deposit reversed", lambda: any(
                d["tx_hash"] == returning and d["status"] == "reversed" for d in deposits()), lodestone)
            node.submit(returning_raw)
            node.mine(CONFIRMATIONS + 1)
            restored = wait_for("the transaction back and credited once more", lambda: next(
                (d for d in deposits() if d["tx_hash"] == returning and d["status"] == "confirmed"), None), lodestone)
            assert restored["id"] == credited_once["id"]
            sent[returning] = (k3, USDC, 7 * 10**6)
            ledger.credit(k3, USDC, 7 * 10**6)  # credited twice, reversed once: once

            # Phase 4c: an intent paid in two parts that are still confirming when it expires.
            k4 = customers[13]
            short = lodestone.post("/v1/payment_intents", {"asset": ETH, "amount": "0.5", "customer": k4, "expires_in": 60})
            expiry = time.monotonic() + 61
            ledger.open(short["id"], k4, ETH, 5 * 10**17)
            _, part1 = pay(3, k4, ETH, 2 * 10**17)
            _, part2 = pay(4, k4, ETH, 3 * 10**17)
            node.mine()
            wait_for("both parts pending", lambda: {d["tx_hash"] for d in lodestone.every("/v1/deposits?status=pending")}
                     >= {part1, part2}, lodestone)
            time.sleep(max(0.0, expiry - time.monotonic()))
            assert lodestone.get(f"/v1/payment_intents/{short['id']}")["status"] == "processing", "expired with money on its way"
            node.mine(CONFIRMATIONS + 1)
            sent[part1] = (k4, ETH, 2 * 10**17)
            sent[part2] = (k4, ETH, 3 * 10**17)
            ledger.credit(k4, ETH, 2 * 10**17)
            ledger.credit(k4, ETH, 3 * 10**17)
            wait_for("the intent completed after its expiry", lambda: lodestone.get(
                f"/v1/payment_intents/{short['id']}")["status"] == "succeeded", lodestone)

            # Phase 5: what the merchant sees equals the model, and every event reached the receiver.
            for intent_id, expected in ledger.intents.items():
                got = lodestone.get(f"/v1/payment_intents/{intent_id}")
                want = "succeeded" if expected["received"] >= expected["amount"] else "requires_payment"
                assert got["status"] == want, (got, expected)
                assert units(got["amount_received"], decimals[expected["asset"]]) == expected["received"], (got, expected)
            held = {ETH: 0, USDT: 0, USDC: 0}
            for intent_id in ledger.intents:
                got = lodestone.get(f"/v1/payment_intents/{intent_id}")
                held[got["asset"]] += units(got["amount_received"], decimals[got["asset"]])
            for customer in customers:
                got = {b["asset"]: units(b["amount"], decimals[b["asset"]])
                       for b in lodestone.get(f"/v1/customers/{customer}/balances")["data"]}
                want = {asset: v for (c, asset), v in ledger.balances.items() if c == customer and v}
                assert {a: v for a, v in got.items() if v} == want, customer
                for asset, v in got.items():
                    held[asset] += v
            for asset in held:
                assert held[asset] == sum(v for _, a, v in sent.values() if a == asset), f"{asset}: money appeared or vanished"

            events = lodestone.every("/v1/events")
            wait_for("every event delivered", lambda: set(receiver.received()) >= {e["id"] for e in events}, lodestone)
            assert receiver.rejected == 0
            received = receiver.received()
            for event in events:
                assert received[event["id"]]["type"] == event["type"]
                assert received[event["id"]] == event, "the webhook body is the event as the API lists it"
            by_type = {}
            for event in events:
                by_type.setdefault(event["type"], []).append(event["data"])
            confirmed_ids = [e["id"] for e in by_type["deposit.confirmed"]]
            # One confirmation per deposit and inclusion: the returning one was credited twice, reversed once.
            assert len(set(confirmed_ids)) == len(sent) and len(confirmed_ids) == len(sent) + 1, "one confirmation per deposit"
            assert [i for i in confirmed_ids if confirmed_ids.count(i) > 1] == [credited_once["id"]] * 2
            assert {e["id"] for e in by_type["deposit.orphaned"]} == {before[dropped]["id"], before[replayed]["id"]}
            assert [e["id"] for e in by_type["deposit.reversed"]] == [credited_once["id"]]
            assert [e["id"] for e in by_type["deposit.restored"]] == [credited_once["id"]]
            assert intent["id"] in [e["payment_intent"] for e in by_type["payment_intent.processing"]]
            succeeded = [e["payment_intent"] for e in by_type["payment_intent.succeeded"]]
            assert sorted(succeeded) == sorted(i for i, x in ledger.intents.items() if x["received"] >= x["amount"])
            credited = {}
            for e in by_type["customer.balance_credited"]:
                key = (e["customer"], e["asset"])
                credited[key] = credited.get(key, 0) + units(e["amount"], decimals[e["asset"]])
            # The reversal took one USDC credit of k3's back from the balance.
            credited[(k3, USDC)] = credited.get((k3, USDC), 0) - 7 * 10**6
            assert {k: v for k, v in credited.items() if v} == {k: v for k, v in ledger.balances.items() if v}
            for event in events:
                detail = lodestone.get(f"/v1/events/{event['id']}")
                assert [d["status"] for d in detail["deliveries"]] == ["delivered"], detail

            assert lodestone.stop() == 0, "serve did not shut down cleanly on SIGTERM"
            # The auditor's own reconciliation agrees after crashes, reorgs, a reversal and a restore.
            audit = subprocess.run([BIN, "audit", "ledger", "--database", lodestone.database, "--config", lodestone.config_path],
                                   env=lodestone.env, capture_output=True, text=True, timeout=300)
            assert audit.returncode == 0, audit.stdout + audit.stderr
            assert '"findings":0' in audit.stdout and f'"intents":{len(ledger.intents)}' in audit.stdout, audit.stdout
            with open(lodestone.log_path) as log:
                errors = [line for line in log if re.match(r"\S+ (error|critical) ", line)]
            # The one error is the operator's alert about the reversal of phase 4b; nothing else went wrong.
            alerts = [line for line in errors if "a credited deposit left the chain" in line]
            assert len(alerts) == 1 and credited_once["id"] in alerts[0], "".join(errors[:10])
            refusals = [line for line in errors if "is refused and nothing of it is credited" in line]
            if "wrong" in net:
                # Said at every start, naming the key and both decimals.
                assert len(refusals) >= 2 and all(f"assets.{net['wrong'][0]}:" in r and "reports 6 decimals" in r
                                                  and "says 18" in r for r in refusals), refusals
            assert len(errors) == 1 + len(refusals), "".join(errors[:10])
            with open(lodestone.log_path) as log:
                log_text = log.read()
            secrets = {
                "operator API key": lodestone.key, "webhook secret": receiver.secret, "mnemonic": lodestone.mnemonic,
                "seed passphrase": lodestone.env["LODESTONE_SEED_PASSPHRASE"], "data key": lodestone.env["LODESTONE_DATA_KEY"],
                "RPC URL path": "path-secret-4f1c", "RPC URL query": "query-secret-9a7e", "any API key": "lsk_",
                "any webhook secret": "whsec_",
            }
            assert len(log_text.splitlines()) > 20, "the log is too short to mean anything"
            for what, secret in secrets.items():
                assert secret and secret not in log_text, f"the {what} appears in the serve log"
            words = lodestone.mnemonic.split()
            assert len(words) == 24
            for i in range(len(words) - 2):
                assert " ".join(words[i:i + 3]) not in log_text, "three words of the mnemonic appear in the serve log"
