"""Lodestone in under a minute: a local EVM, a `serve` on a temporary SQLite, a customer paying a
USDT intent, and the signed webhook events printed as they arrive.

Run it as `scripts/demo` (which builds the binary and installs the Python peers first).
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "peers"))

from evm_devnode import DevNode, DevNodeServer  # noqa: E402
from lodestone_process import Lodestone  # noqa: E402
from peer_helpers import EVENT_TYPES, call_data  # noqa: E402
from webhook_receiver import WebhookReceiver  # noqa: E402

USDT = "0xdAC17F958D2ee523a2206206994597C13D831ec7"  # the mainnet contract Lodestone ships with
HERE = os.path.dirname(os.path.abspath(__file__))


def say(text):
    print(text, flush=True)


def main():
    started = time.monotonic()
    token = subprocess.run(["vyper", "-f", "bytecode_runtime", os.path.join(HERE, "..", "Tests", "peers", "contracts", "Token.vy")],
                           capture_output=True, text=True, check=True).stdout.strip()
    # A real EVM (py-evm) answering JSON-RPC, with an ERC-20 at USDT's address and chain id 1.
    node = DevNode(chain_id=1, contracts={USDT: bytes.fromhex(token[2:])})
    payer = 0
    node.send(payer, USDT, payload=call_data("mint(address,uint256)", node.senders[payer].address, 1_000 * 10**6))
    node.mine()
    with tempfile.TemporaryDirectory() as work, DevNodeServer(node) as rpc, WebhookReceiver() as receiver:
        config = f"""
networks:
  ethereum: {{enabled: true, rpc: ["{rpc.url}"], poll_seconds: 1, max_head_age_seconds: 86400}}
assets:
  USDT-Ethereum: {{confirmations: 3}}
webhooks: {{allow_private_urls: true}}
"""
        lodestone = Lodestone(work, config).start()
        say(f"1. serve is up at {lodestone.base} (SQLite in {work}), watching a local EVM at {rpc.url}")
        try:
            endpoint = lodestone.post("/v1/webhook_endpoints", {"url": receiver.url, "events": EVENT_TYPES})
            receiver.secret = endpoint["secret"]
            say(f"2. webhook endpoint {endpoint['id']} → {receiver.url} (every delivery's signature is checked)")
            customer = lodestone.post("/v1/customers", {"external_id": "demo-customer", "email": "ada@example.com"})
            address = lodestone.post(f"/v1/customers/{customer['id']}/addresses", {"network": "ethereum"})
            intent = lodestone.post("/v1/payment_intents", {"asset": "USDT-Ethereum", "amount": "25", "customer": customer["id"]})
            say(f"3. customer {customer['id']}, deposit address {address['address']} ({address['derivation_path']})")
            say(f"   payment intent {intent['id']}: 25 USDT, status {intent['status']}")
            _, tx = node.send(payer, USDT, payload=call_data("transfer(address,uint256)", address["address"], 25 * 10**6))
            node.mine()
            say(f"4. the customer pays 25 USDT: transaction {tx}, mined in block {node.head_number()}")
            shown = set()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                for event_id, event in sorted(receiver.received().items(), key=lambda e: e[1]["created"]):
                    if event_id not in shown:
                        shown.add(event_id)
                        data = event["data"]
                        subject = data.get("id") or data.get("payment_intent") or data.get("customer") or ""
                        detail = data.get("status") or (data.get("amount", "") + " " + data.get("asset", "")).strip()
                        say(f"   webhook {event['type']:<28} {subject} {detail}")
                status = lodestone.get(f"/v1/payment_intents/{intent['id']}")["status"]
                if status == "succeeded" and any(e["type"] == "payment_intent.succeeded" for e in receiver.received().values()):
                    break
                node.mine()  # a block a second, as a chain would make them
                time.sleep(1)
            final = lodestone.get(f"/v1/payment_intents/{intent['id']}")
            say(f"5. intent {final['id']}: {final['status']}, received {final['amount_received']} USDT "
                f"({time.monotonic() - started:.1f} s in all)")
            return 0 if final["status"] == "succeeded" else 1
        finally:
            lodestone.stop()


if __name__ == "__main__":
    sys.exit(main())
