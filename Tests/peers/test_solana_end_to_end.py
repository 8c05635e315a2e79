"""`lodestone serve` watching a real SVM (LiteSVM, via solders, running the real System, SPL Token,
Token-2022 and associated-token-account programs) over JSON-RPC, end to end: 20 customers; SOL
transfers; USDC `transferChecked` to associated token accounts created in the same transaction; a
transfer to a second token account a customer owns; a Token-2022 mint; a v0 transaction whose
recipient comes from a lookup table; a failed transaction; dust; skipped slots; a block seen at
`confirmed` and abandoned; a block not available yet; `serve` killed with SIGKILL mid-scan.
Afterwards every intent and balance equals what was sent on the finalized chain, each deposit is
credited once, and every event reached the merchant, signed."""
import json
import random
import struct
import subprocess
import urllib.request

import pytest
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.pubkey import Pubkey
from solders.system_program import CreateAccountParams, TransferParams, create_account, transfer

from peer_helpers import EVENT_TYPES, text, units, wait_for
from lodestone_process import BIN, Lodestone, free_port, fresh_postgres_database
from svm_devnode import ATA_PROGRAM, SYSTEM, TOKEN, TOKEN_2022, SvmNode, SvmNodeServer
from webhook_receiver import WebhookReceiver

USDC_MINT = Pubkey.from_string("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")
# The catalog's USDT mint, placed under Token-2022 on this test chain so both token programs are seen.
USDT_MINT = Pubkey.from_string("Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB")
SOL, USDC, USDT = "SOL-Solana", "USDC-Solana", "USDT-Solana"
DECIMALS = {SOL: 9, USDC: 6, USDT: 6}
MINIMUM = {SOL: 890_880, USDC: 10_000, USDT: 10_000}  # rent exemption; 0.01 of a stablecoin
PROGRAM = {USDC: TOKEN, USDT: TOKEN_2022}
MINT = {USDC: USDC_MINT, USDT: USDT_MINT}








def ata(owner, asset):
    return Pubkey.find_program_address([bytes(owner), bytes(PROGRAM[asset]), bytes(MINT[asset])], ATA_PROGRAM)[0]


def create_ata(payer, owner, asset):
    return Instruction(ATA_PROGRAM, bytes([1]), [
        AccountMeta(payer, True, True), AccountMeta(ata(owner, asset), False, True), AccountMeta(owner, False, False),
        AccountMeta(MINT[asset], False, False), AccountMeta(SYSTEM, False, False), AccountMeta(PROGRAM[asset], False, False)])


def transfer_checked(source, destination, authority, asset, amount):
    return Instruction(PROGRAM[asset], bytes([12]) + struct.pack("<Q", amount) + bytes([DECIMALS[asset]]), [
        AccountMeta(source, False, True), AccountMeta(MINT[asset], False, False), AccountMeta(destination, False, True),
        AccountMeta(authority, True, False)])


def config(url, genesis, metrics_port, pool=False):
    source = ", address_source: pool, pool_low_water: 5" if pool else ""
    return f"""
rate_limit: {{requests: 100000, window_seconds: 60}}
metrics: {{port: {metrics_port}}}
networks:
  solana: {{enabled: true, account: 0, rpc: ["{url}"], cluster: {genesis}, poll_seconds: 1, blocks_per_step: 8,
            max_head_age_seconds: 86400, rpc_requests_per_second: 20{source}}}
webhooks:
  allow_private_urls: true
"""


# On PostgreSQL the addresses come from a pool derived "offline" (a seedless Solana server).
@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_solana_deposits_survive_skips_forks_and_a_crash(tmp_path, store):
    database = None
    if store == "postgres":
        database = fresh_postgres_database()
        if database is None:
            pytest.skip("no test PostgreSQL (scripts/with-postgres provides one)")
    rng = random.Random(20261205)
    node = SvmNode()
    payer = node.payer.pubkey()
    for asset in (USDC, USDT):
        node.place_mint(str(MINT[asset]), DECIMALS[asset], PROGRAM[asset])
        mint_to = Instruction(PROGRAM[asset], bytes([7]) + struct.pack("<Q", 10**13), [
            AccountMeta(MINT[asset], False, True), AccountMeta(ata(payer, asset), False, True), AccountMeta(payer, True, False)])
        assert node.transact([create_ata(payer, payer, asset), mint_to])[1]
    node.produce()
    node.finalize()

    sent = []  # (customer, asset, base units, slot): what the test paid, set when its block is produced
    batch = []

    def pay(customer, asset, amount, instructions, signers=(), lookup_tables=None, expect_success=True):
        signature, ok = node.transact(instructions, signers, lookup_tables)
        assert ok == expect_success, signature
        if ok:
            batch.append((customer, asset, amount))
        return signature

    def produce(skip=0):
        slot = node.produce(skip)
        sent.extend((c, a, v, slot) for c, a, v in batch)
        batch.clear()
        return slot

    lodestone = None
    with SvmNodeServer(node) as server, WebhookReceiver() as receiver:
        try:
            pool = store == "postgres"
            metrics_port = free_port()
            lodestone = Lodestone(tmp_path, config(server.url, node.genesis, metrics_port, pool), database=database)
            if pool:
                offline = tmp_path / "offline.jsonl"
                mnemonic = tmp_path / "offline-mnemonic"
                mnemonic.write_text(subprocess.run([BIN, "mnemonic", "new"], capture_output=True, text=True, check=True).stdout)
                offline.write_text(subprocess.run([BIN, "derive", "--network", "solana", "--index", "0", "--count", "25", "--mnemonic-file",
                                                   str(mnemonic)], capture_output=True, text=True, check=True).stdout)
                imported = subprocess.run([BIN, "pool", "import", "--network", "solana", str(offline), "--database", lodestone.database],
                                          env=lodestone.env, capture_output=True, text=True, check=True).stdout
                assert '"imported":25' in imported, imported
                pooled = [json.loads(line)["address"] for line in offline.read_text().splitlines()]
            lodestone.start()
            endpoint = lodestone.post("/v1/webhook_endpoints", {"url": receiver.url, "events": EVENT_TYPES})
            receiver.secret = endpoint["secret"]
            C, address, intents = [], {}, {}
            for i in range(20):
                c = lodestone.post("/v1/customers", {"external_id": f"sol-{i}"})["id"]
                issued = lodestone.post(f"/v1/customers/{c}/addresses", {"network": "solana"})
                address[c] = Pubkey.from_string(issued["address"])
                if pool:
                    assert issued["address"] == pooled[i], "pooled addresses are issued in import order"
                assert {t["asset"]: t["address"] for t in issued["token_accounts"]} == {USDC: str(ata(address[c], USDC)),
                                                                                         USDT: str(Pubkey.find_program_address(
                                                                                             [bytes(address[c]), bytes(TOKEN), bytes(USDT_MINT)], ATA_PROGRAM)[0])}
                C.append(c)
            for i, c in enumerate(C):
                if i % 3 != 2:
                    asset = [SOL, USDC, USDT][i % 3 if i < 15 else 0]
                    amount = text(rng.randrange(1, 300) * 10**(DECIMALS[asset] - 2), DECIMALS[asset])
                    intents[c] = lodestone.post("/v1/payment_intents", {"asset": asset, "amount": amount, "customer": c, "expires_in": 86_400})
            wait_for("the scan anchored", lambda: any(n["id"] == "solana" and n["scanned_height"] is not None
                                                      for n in lodestone.get("/v1/networks")["data"]), lodestone)

            # Block 1: SOL to six customers; USDC to five, each creating its associated token account.
            for c in C[0:6]:
                v = rng.randrange(MINIMUM[SOL], 2 * 10**9)
                pay(c, SOL, v, [transfer(TransferParams(from_pubkey=payer, to_pubkey=address[c], lamports=v))])
            for c in C[6:11]:
                v = rng.randrange(MINIMUM[USDC], 500 * 10**6)
                pay(c, USDC, v, [create_ata(payer, address[c], USDC), transfer_checked(ata(payer, USDC), ata(address[c], USDC), payer, USDC, v)])
            produce()
            # Two skipped slots, then Token-2022 tokens to three customers and USDC to a second token
            # account (not the associated one) of another.
            for c in C[11:14]:
                v = rng.randrange(MINIMUM[USDT], 500 * 10**6)
                pay(c, USDT, v, [create_ata(payer, address[c], USDT), transfer_checked(ata(payer, USDT), ata(address[c], USDT), payer, USDT, v)])
            second = Keypair()
            rent = node.svm.minimum_balance_for_rent_exemption(165)
            v = 12_345_678
            pay(C[14], USDC, v, [
                create_account(CreateAccountParams(from_pubkey=payer, to_pubkey=second.pubkey(), lamports=rent, space=165, owner=TOKEN)),
                Instruction(TOKEN, bytes([18]) + bytes(address[C[14]]), [AccountMeta(second.pubkey(), False, True), AccountMeta(USDC_MINT, False, False)]),
                transfer_checked(ata(payer, USDC), second.pubkey(), payer, USDC, v)], signers=[second])
            produce(skip=2)
            # A v0 transaction paying a customer named only by a lookup table; a failed transfer; dust.
            table = node.place_lookup_table([address[C[15]]])
            from solders.address_lookup_table_account import AddressLookupTableAccount
            v = 3 * 10**9
            pay(C[15], SOL, v, [transfer(TransferParams(from_pubkey=payer, to_pubkey=address[C[15]], lamports=v))],
                lookup_tables=[AddressLookupTableAccount(table, [address[C[15]]])])
            poor = Keypair()
            node.svm.airdrop(poor.pubkey(), 10**7)
            pay(C[16], SOL, 10**9, [transfer(TransferParams(from_pubkey=poor.pubkey(), to_pubkey=address[C[16]], lamports=10**9))],
                signers=[poor], expect_success=False)
            node.transact([transfer(TransferParams(from_pubkey=payer, to_pubkey=address[C[0]], lamports=1_000))])  # dust
            produce(skip=1)

            def deposits(customer=None):
                return lodestone.every("/v1/deposits" + (f"?customer={customer}" if customer else ""))

            wait_for("every payment detected", lambda: len(deposits()) == len(sent) + 1, lodestone)
            assert [d["status"] for d in deposits(C[16])] == [], "a failed transaction pays nothing"
            assert sorted(d["status"] for d in deposits(C[0])) == ["ignored", "pending"], "dust is recorded, never credited"
            assert all(d["status"] == "pending" for d in deposits() if d["amount"] != "0.000001"), "nothing is credited before finalized"
            node.finalize()
            wait_for("everything finalized credited", lambda: all(d["status"] in ("confirmed", "ignored") for d in deposits()), lodestone)

            # A block at `confirmed` that the cluster abandons: its deposit is orphaned, never credited.
            v = 2 * 10**9
            pay(C[17], SOL, v, [transfer(TransferParams(from_pubkey=payer, to_pubkey=address[C[17]], lamports=v))])
            abandoned_slot = produce()
            wait_for("the deposit at confirmed", lambda: [d["status"] for d in deposits(C[17])] == ["pending"], lodestone)
            node.abandon(1)
            sent[:] = [s for s in sent if s[3] != abandoned_slot]
            produce()
            produce(skip=3)
            node.finalize()
            wait_for("the abandoned deposit orphaned", lambda: [d["status"] for d in deposits(C[17])] == ["orphaned"], lodestone)

            # Many blocks with skips and two payments among them; serve killed while it scans them,
            # and one block not available at the first ask.
            before = node.head()
            for i in range(120):
                if i == 40:
                    v = 1_500_000_000
                    pay(C[18], SOL, v, [transfer(TransferParams(from_pubkey=payer, to_pubkey=address[C[18]], lamports=v))])
                if i == 80:
                    v = 77 * 10**6
                    pay(C[19], USDC, v, [create_ata(payer, address[C[19]], USDC),
                                        transfer_checked(ata(payer, USDC), ata(address[C[19]], USDC), payer, USDC, v)])
                slot = produce(skip=rng.choice([0, 0, 0, 1, 2]))
                if i == 60:
                    node.unavailable_once.add(slot)
            head = node.head()
            under_way = wait_for("the scan under way", lambda: next(
                (n["scanned_height"] for n in lodestone.get("/v1/networks")["data"]
                 if n["id"] == "solana" and (n["scanned_height"] or 0) > before), None), lodestone)
            lodestone.kill()
            print(f"serve killed with the scan at slot {under_way} of {head}")
            lodestone.start()
            node.finalize()
            wait_for("the scan at the head", lambda: any(
                n["id"] == "solana" and n["scanned_height"] == head for n in lodestone.get("/v1/networks")["data"]), lodestone)
            wait_for("everything credited", lambda: all(d["status"] in ("confirmed", "ignored", "orphaned") for d in deposits()), lodestone)
            # The scan's gauges on /metrics say the same.
            def scraped():
                with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as answer:
                    return answer.read().decode()
            wait_for("the scan gauges at the head", lambda: f'lodestone_scan_scanned_height{{network="solana"}} {head}' in scraped(), lodestone)
            assert 'lodestone_scan_lag_blocks{network="solana"} 0' in scraped()
            if pool:
                assert 'lodestone_address_pool_remaining{network="solana"} 5' in scraped()

            # What the merchant sees equals what was sent on the finalized chain.
            finalized = {s for s in node.chain if s <= node.finalized}
            paid = {}
            for c, asset, v, slot in sent:
                if slot in finalized and v >= MINIMUM[asset]:
                    paid[(c, asset)] = paid.get((c, asset), 0) + v
            for c in C:
                balances = {b["asset"]: units(b["amount"], DECIMALS[b["asset"]]) for b in lodestone.get(f"/v1/customers/{c}/balances")["data"]}
                for asset in (SOL, USDC, USDT):
                    held = balances.get(asset, 0)
                    intent = intents.get(c)
                    if intent and intent["asset"] == asset:
                        got = lodestone.get(f"/v1/payment_intents/{intent['id']}")
                        want, received = units(got["amount"], DECIMALS[asset]), units(got["amount_received"], DECIMALS[asset])
                        assert received == min(want, paid.get((c, asset), 0)), (c, got)
                        assert got["status"] == ("succeeded" if received >= want else "requires_payment"), got
                        held += received
                    assert held == paid.get((c, asset), 0), (c, asset, held, paid.get((c, asset), 0))
            every = deposits()
            keys = [(d["tx_hash"], d["position"]) for d in every]
            assert len(keys) == len(set(keys)), "a deposit recorded twice"
            lookup = [d for d in deposits(C[15])]
            assert [d["amount"] for d in lookup] == ["3"], "the lookup-table recipient was seen"

            events = lodestone.every("/v1/events")
            wait_for("every event delivered", lambda: set(receiver.received()) >= {e["id"] for e in events}, lodestone)
            assert receiver.rejected == 0
            received = receiver.received()
            for event in events:
                assert received[event["id"]] == event, "the webhook body is the event as the API lists it"
            confirmed = [e["data"]["id"] for e in events if e["type"] == "deposit.confirmed"]
            assert len(confirmed) == len(set(confirmed)) == len([d for d in every if d["status"] == "confirmed"]), "each credited once"
            assert [e["data"]["customer"] for e in events if e["type"] == "deposit.orphaned"] == [C[17]]
            assert node.calls.get("getBlock", 0) > 0 and lodestone.stop() == 0
        finally:
            if lodestone is not None and lodestone.process is not None and lodestone.process.poll() is None:
                lodestone.kill()
