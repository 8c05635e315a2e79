"""Three `serve` instances on one PostgreSQL, a real EVM, 200 deposits, and the scan lease holder
SIGKILLed again and again (and PostgreSQL restarted once). Afterwards every intent and balance
equals what was sent, no deposit is credited twice, and every event was delivered and is recorded
delivered once. Prints the failover times it saw.
"""
import os
import random
import statistics
import subprocess
import time
import urllib.error

import pytest

from evm_devnode import DevNode, DevNodeServer
from lodestone_process import Lodestone, fresh_postgres_database
from peer_helpers import EVENT_TYPES, Ledger, call_data, text, units
from webhook_receiver import WebhookReceiver

HERE = os.path.dirname(os.path.abspath(__file__))
ETH, USDT = "ETH-Ethereum", "USDT-Ethereum"
TOKEN = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
CONFIRMATIONS = 2
KILLS = 20
ROUNDS = 20
PAYMENTS_PER_ROUND = 10


def config(rpc_url):
    return f"""
rate_limit: {{requests: 1000000, window_seconds: 60}}
networks:
  ethereum: {{enabled: true, account: 0, rpc: ["{rpc_url}"], start_block: 1, poll_seconds: 1, blocks_per_step: 5,
             max_head_age_seconds: 86400}}
assets:
  {ETH}: {{confirmations: {CONFIRMATIONS}}}
  {USDT}: {{confirmations: {CONFIRMATIONS}}}
webhooks:
  allow_private_urls: true
"""


def ask(instance, path):
    """GET through a live instance, riding out a moment without the database."""
    for _ in range(100):
        try:
            status, body = instance.call("GET", path)
            if status == 200:
                return body
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"GET {path} kept failing\n{instance.log_tail()}")


def network(instance):
    try:
        status, body = instance.call("GET", "/v1/networks")
    except (OSError, urllib.error.URLError):
        return None
    return next((n for n in body["data"] if n["id"] == "ethereum"), None) if status == 200 else None


def holder(instances):
    for i in instances:
        if i.process is not None and i.process.poll() is None:
            n = network(i)
            if n and n["lease"] == "held":
                return i
    return None


def wait(what, check, timeout=120, instances=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    tails = "\n".join(f"--- {i.workdir} ---\n{i.log_tail(20)}" for i in instances)
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


def restart_postgres():
    pgctl, data = os.environ["LODESTONE_TEST_POSTGRES_PGCTL"], os.environ["LODESTONE_TEST_POSTGRES_DATA"]
    # The server's log goes to its own file: a server holding this process's pipes would never let it return.
    command = [pgctl, "-D", data, "restart", "-m", "fast", "-w", "-l", os.path.join(os.path.dirname(data), "log")]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--"] + command
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


def test_three_instances_under_repeated_sigkills_credit_every_deposit_once(tmp_path):
    database = fresh_postgres_database()
    if database is None:
        pytest.skip("no test PostgreSQL (scripts/with-postgres provides one)")
    if not os.environ.get("LODESTONE_TEST_POSTGRES_PGCTL"):
        pytest.skip("the test PostgreSQL cannot be restarted from here (scripts/with-postgres provides it)")
    rng = random.Random(20261205)
    runtime = subprocess.run(["vyper", "-f", "bytecode_runtime", os.path.join(HERE, "contracts", "Token.vy")],
                             capture_output=True, text=True, check=True).stdout.strip()
    node = DevNode(chain_id=1, contracts={TOKEN: bytes.fromhex(runtime[2:])}, funded_accounts=10)
    for sender in range(len(node.senders)):
        node.send(sender, TOKEN, payload=call_data("mint(address,uint256)", node.senders[sender].address, 10**15))
    node.mine()

    with DevNodeServer(node) as rpc, WebhookReceiver() as receiver:
        instances = []
        for n in range(3):
            (tmp_path / f"i{n}").mkdir()
            instance = Lodestone(tmp_path / f"i{n}", config(rpc.url), database=database, init_keys=(n == 0))
            if n:
                instance.key, instance.mnemonic = instances[0].key, instances[0].mnemonic
            instances.append(instance.start())
        first = instances[0]
        receiver.secret = first.post("/v1/webhook_endpoints", {"url": receiver.url, "events": EVENT_TYPES})["secret"]

        ledger = Ledger()
        customers, addresses = [], {}
        for i in range(40):
            api = instances[i % 3]  # the API is stateless: any instance serves any request
            customer = api.post("/v1/customers", {"external_id": f"three-{i}"})["id"]
            addresses[customer] = api.post(f"/v1/customers/{customer}/addresses", {"network": "ethereum"})["address"]
            asset = USDT if i % 2 else ETH
            value = rng.randint(100, 5_000) * (10**4 if asset == USDT else 10**13)
            intent = api.post("/v1/payment_intents", {"asset": asset, "amount": text(value, 6 if asset == USDT else 18),
                                                      "customer": customer, "expires_in": 86400})
            ledger.open(intent["id"], customer, asset, value)
            customers.append(customer)

        sent = {}
        failovers = []
        kills = 0
        for round_ in range(ROUNDS):
            for _ in range(PAYMENTS_PER_ROUND):
                customer = rng.choice(customers)
                asset = rng.choice([ETH, USDT])
                value = rng.randint(50, 4_000) * (10**4 if asset == USDT else 10**13)
                sender = rng.randrange(len(node.senders))
                if asset == ETH:
                    _, tx = node.send(sender, addresses[customer], value=value)
                else:
                    _, tx = node.send(sender, TOKEN, payload=call_data("transfer(address,uint256)", addresses[customer], value))
                sent[tx] = (customer, asset, value)
            node.mine()
            if round_ == ROUNDS // 2:
                restart_postgres()
            time.sleep(rng.uniform(0, 2))
            victim = wait("a lease holder", lambda: holder(instances), instances=instances)
            victim.kill()
            kills += 1
            killed_at = time.monotonic()
            node.mine()
            head = node.head_number()
            wait("another instance scanning to the head", lambda: (h := holder(instances)) is not None
                 and (n := network(h)) is not None and n["scanned_height"] == head, timeout=60, instances=instances)
            failovers.append(time.monotonic() - killed_at)
            victim.start()
        assert kills >= KILLS and len(sent) == ROUNDS * PAYMENTS_PER_ROUND == 200
        print(f"\nfailover after SIGKILL of the lease holder ({kills} times): "
              f"median {statistics.median(failovers):.1f} s, worst {max(failovers):.1f} s")

        node.mine(CONFIRMATIONS + 1)
        for customer, asset, value in sent.values():
            ledger.credit(customer, asset, value)

        def settled():
            rows = []
            page = 1
            while True:
                body = ask(first, f"/v1/deposits?page={page}&page_size=100")
                rows += body["data"]
                if page * 100 >= body["total"]:
                    break
                page += 1
            return rows if sum(1 for d in rows if d["status"] == "confirmed") == len(sent) else None

        rows = wait("every deposit confirmed", settled, timeout=180, instances=instances)
        assert sorted(d["tx_hash"] for d in rows) == sorted(sent), "each transfer is exactly one deposit"
        for intent_id, expected in ledger.intents.items():
            got = ask(first, f"/v1/payment_intents/{intent_id}")
            decimals = 6 if expected["asset"] == USDT else 18
            assert units(got["amount_received"], decimals) == expected["received"], (got, expected)
        for customer in customers:
            got = {b["asset"]: units(b["amount"], 6 if b["asset"] == USDT else 18)
                   for b in ask(first, f"/v1/customers/{customer}/balances")["data"]}
            want = {asset: v for (c, asset), v in ledger.balances.items() if c == customer and v}
            assert {a: v for a, v in got.items() if v} == want, customer

        events = []
        page = 1
        while True:
            body = ask(first, f"/v1/events?page={page}&page_size=100")
            events += body["data"]
            if page * 100 >= body["total"]:
                break
            page += 1
        confirmed = [e["data"]["id"] for e in events if e["type"] == "deposit.confirmed"]
        assert len(confirmed) == len(set(confirmed)) == len(sent), "one confirmation per deposit"
        wait("every event delivered", lambda: set(receiver.received()) >= {e["id"] for e in events}, timeout=120, instances=instances)
        assert receiver.rejected == 0
        for event in events:
            detail = ask(first, f"/v1/events/{event['id']}")
            assert [d["status"] for d in detail["deliveries"]] == ["delivered"], detail
            attempts = detail["deliveries"][0]["attempts"]
            assert len([a for a in attempts if a.get("error") is None]) == 1, f"recorded delivered once: {detail}"
            assert len({a["attempt"] for a in attempts}) == len(attempts), f"every attempt recorded once: {detail}"
        for i in instances:
            if i.process.poll() is None:
                assert i.stop() == 0
