"""`lodestone check-tx`, `POST /v1/deposits/check` and `lodestone rescan` recover deposits a scan missed;
`/metrics`, read by prometheus_client's parser, moves with the chain through the same run.

A real EVM (py-evm behind the devnode) whose `eth_getLogs` withholds the Transfer logs of chosen
transactions, as a provider with a lagging log index does; receipts still hold them. The back-up
pass is turned off (`recheck_depth: 0`), so only the repair tools can find them. `serve` runs the
whole time: the tools work beside the scan, and nothing is credited twice.
"""
import os
import subprocess
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from evm_devnode import DevNode, DevNodeServer
from lodestone_process import BIN, Lodestone, free_port, fresh_postgres_database
from peer_helpers import EVENT_TYPES, call_data, wait_for
from webhook_receiver import WebhookReceiver

HERE = os.path.dirname(os.path.abspath(__file__))
USDT = "USDT-Ethereum"
TOKEN = "0xdAC17F958D2ee523a2206206994597C13D831ec7"


def config(rpc_url, metrics_port):
    return f"""
metrics: {{port: {metrics_port}}}
webhooks: {{allow_private_urls: true}}
networks:
  ethereum: {{enabled: true, account: 0, rpc: ["{rpc_url}"], start_block: 1, poll_seconds: 1, blocks_per_step: 5,
             max_head_age_seconds: 86400, recheck_depth: 0}}
assets:
  {USDT}: {{confirmations: 2}}
"""


def scrape(port):
    """{(name, sorted labels): value} of every sample, as Prometheus' own client library reads the text."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def sample(samples, name, **labels):
    """The sum of the samples of `name` whose labels include `labels`."""
    return sum(v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= set(ls))


def cli(lodestone, *args):
    return subprocess.run([BIN, *args, "--database", lodestone.database, "--config", lodestone.config_path],
                          env=lodestone.env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_withheld_logs_are_recovered_by_check_tx_and_rescan_once(tmp_path, store):
    database = None
    if store == "postgres":
        database = fresh_postgres_database()
        if database is None:
            pytest.skip("no test PostgreSQL (scripts/with-postgres provides one)")
    runtime = subprocess.run(["vyper", "-f", "bytecode_runtime", os.path.join(HERE, "contracts", "Token.vy")],
                             capture_output=True, text=True, check=True).stdout.strip()
    node = DevNode(chain_id=1, contracts={TOKEN: bytes.fromhex(runtime[2:])})
    for sender in range(3):
        node.send(sender, TOKEN, payload=call_data("mint(address,uint256)", node.senders[sender].address, 10**12))
    node.mine()

    metrics_port = free_port()
    with DevNodeServer(node) as rpc, WebhookReceiver() as receiver:
        lodestone = Lodestone(tmp_path, config(rpc.url, metrics_port), database=database).start()
        try:
            receiver.secret = lodestone.post("/v1/webhook_endpoints", {"url": receiver.url, "events": EVENT_TYPES})["secret"]
            before = scrape(metrics_port)
            customers, intents = [], []
            for i in range(3):
                customer = lodestone.post("/v1/customers", {"external_id": f"repair-{i}"})["id"]
                address = lodestone.post(f"/v1/customers/{customer}/addresses", {"network": "ethereum"})["address"]
                intent = lodestone.post("/v1/payment_intents", {"asset": USDT, "amount": "25", "customer": customer,
                                                                "expires_in": 86400})
                customers.append((customer, address))
                intents.append(intent["id"])

            def pay(sender, address):
                return node.send(sender, TOKEN, payload=call_data("transfer(address,uint256)", address, 25 * 10**6))[1]

            hidden_a = pay(0, customers[0][1])
            hidden_b = pay(1, customers[1][1])
            seen = pay(2, customers[2][1])
            node.withheld |= {hidden_a, hidden_b}
            node.mine()
            paid_block = node.head_number()
            node.mine(3)
            head = node.head_number()

            def scanned_to_head():
                networks = {n["id"]: n for n in lodestone.get("/v1/networks")["data"]}
                return (networks["ethereum"].get("scanned_height") or 0) >= head

            wait_for("the scan at the head", scanned_to_head, lodestone)
            wait_for("the scanned-height gauge at the head", lambda: sample(
                scrape(metrics_port), "lodestone_scan_scanned_height", network="ethereum") >= head, lodestone)
            assert sample(before, "lodestone_scan_scanned_height", network="ethereum") < head, "the gauge moved with the chain"
            wait_for("the visible payment credited",
                     lambda: lodestone.get(f"/v1/payment_intents/{intents[2]}")["status"] == "succeeded", lodestone)
            deposits = lodestone.every("/v1/deposits")
            assert [d["tx_hash"] for d in deposits] == [seen], "the scan missed the withheld transfers"

            # check-tx through the API, while the log index still withholds: the receipt has it.
            status, check = lodestone.call("POST", "/v1/deposits/check", {"network": "ethereum", "tx_hash": hidden_a.upper().replace("0X", "0x")})
            assert status == 200, check
            assert check["status"] == "mined" and check["block_number"] == paid_block and check["succeeded"] is True
            assert [t["outcome"] for t in check["transfers"]] == ["recorded"], check
            assert check["transfers"][0]["amount"] == "25" and check["transfers"][0]["deposit"]["customer"] == customers[0][0]
            again = lodestone.post("/v1/deposits/check", {"network": "ethereum", "tx_hash": hidden_a})
            assert [t["outcome"] for t in again["transfers"]] == ["already_recorded"]
            assert again["transfers"][0]["deposit"]["id"] == check["transfers"][0]["deposit"]["id"]
            nothing = lodestone.post("/v1/deposits/check", {"network": "ethereum", "tx_hash": "0x" + "ab" * 32})
            assert nothing["status"] == "not_found" and nothing["transfers"] == []

            # rescan from the command line beside serve: while the index withholds, it finds nothing new.
            run = cli(lodestone, "rescan", "--network", "ethereum", "--from", str(paid_block - 1))
            assert run.returncode == 0, run.stderr
            assert '"recorded":[]' in run.stdout and '"already_recorded":1' in run.stdout, "only the visible one: " + run.stdout
            node.withheld.clear()  # the provider's index caught up
            run = cli(lodestone, "rescan", "--network", "ethereum", "--from", str(paid_block - 1), "--to", str(paid_block))
            assert run.returncode == 0, run.stderr
            assert '"already_recorded":2' in run.stdout and '"blocks_read":2' in run.stdout, run.stdout
            recovered = [d for d in lodestone.every("/v1/deposits") if d["tx_hash"] == hidden_b]
            assert len(recovered) == 1 and recovered[0]["customer"] == customers[1][0], run.stdout
            assert f'"recorded":["{recovered[0]["id"]}"]' in run.stdout
            run = cli(lodestone, "rescan", "--network", "ethereum", "--from", "1")
            assert run.returncode == 0 and '"recorded":[]' in run.stdout and '"already_recorded":3' in run.stdout, run.stdout

            # The running serve credits what the tools recorded, once.
            node.mine(2)
            wait_for("every intent succeeded", lambda: all(
                lodestone.get(f"/v1/payment_intents/{i}")["status"] == "succeeded" for i in intents), lodestone)
            rows = lodestone.every("/v1/deposits")
            assert sorted(d["tx_hash"] for d in rows) == sorted([hidden_a, hidden_b, seen])
            assert all(d["status"] == "confirmed" for d in rows)
            # The metrics say what happened: three credited, one detected by the scan, events delivered.
            events = lodestone.every("/v1/events")
            wait_for("every event delivered", lambda: set(receiver.received()) >= {e["id"] for e in events}, lodestone)
            wait_for("the gauges updated", lambda: (m := scrape(metrics_port)) and sample(
                m, "lodestone_deposits", network="ethereum", status="confirmed") == 3 and sample(m, "lodestone_webhook_outbox_pending") == 0,
                lodestone)
            after = scrape(metrics_port)
            assert sample(after, "lodestone_scan_lag_blocks", network="ethereum") <= 1
            assert sample(after, "lodestone_scan_lease_held", network="ethereum") == 1
            assert sample(after, "lodestone_deposits_credited_total", network="ethereum") == 3
            assert sample(after, "lodestone_deposit_crediting_seconds_count", network="ethereum") == 3
            assert sample(after, "lodestone_deposit_detection_seconds_count", network="ethereum") == 1, "the scan detected one"
            assert sample(after, "lodestone_webhook_attempts_total", result="delivered") >= len(events)
            assert sample(after, "lodestone_rpc_request_duration_seconds_count", network="ethereum", method="eth_getTransactionReceipt") >= 1
            assert sample(after, "lodestone_rpc_request_duration_seconds_count", network="ethereum", method="eth_getLogs") >= 1
            assert sample(after, "lodestone_api_request_duration_seconds_count", route="/v1/deposits/check", method="POST", status="200") == 3
            assert sample(after, "lodestone_api_requests_total", route="/v1/payment_intents/{id}", status="200") >= 1
            for customer, _ in customers:
                balances = lodestone.get(f"/v1/customers/{customer}/balances")
                assert all(b["amount"] == "0" for b in balances["data"]), f"each paid exactly its intent: {balances}"

            # What an operator mistypes gets a message and a non-zero exit.
            bad = cli(lodestone, "check-tx", "--network", "ethereum", "0x1234")
            assert bad.returncode != 0 and "is not a transaction id on ethereum" in bad.stderr, bad.stderr
            ahead = cli(lodestone, "rescan", "--network", "ethereum", "--from", str(node.head_number() + 50))
            assert ahead.returncode != 0 and "not scanned yet" in ahead.stderr, ahead.stderr
            found = cli(lodestone, "check-tx", "--network", "ethereum", hidden_b)
            assert found.returncode == 0 and '"outcome":"already_recorded"' in found.stdout, found.stdout + found.stderr
        finally:
            lodestone.stop()
