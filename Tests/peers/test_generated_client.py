"""A client generated from the served OpenAPI document by openapi-python-client drives the main flows
(customer, address, intent, deposits, events) against `serve` watching a real EVM. A response the
document does not describe raises in the generated client (raise_on_unexpected_status)."""
import importlib
import os
import subprocess
import sys
import time
import urllib.request

from evm_devnode import DevNode, DevNodeServer
from lodestone_process import Lodestone
from peer_helpers import call_data

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = "0xdAC17F958D2ee523a2206206994597C13D831ec7"


def generate(lodestone, into):
    with urllib.request.urlopen(lodestone.base + "/openapi.yaml", timeout=30) as answer:
        (into / "openapi.yaml").write_bytes(answer.read())
    run = subprocess.run(["openapi-python-client", "generate", "--path", str(into / "openapi.yaml"),
                          "--output-path", str(into / "lodestone_client"), "--meta", "none"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(into))
    return importlib.import_module("lodestone_client")


def test_a_generated_client_drives_the_main_flows(tmp_path):
    runtime = subprocess.run(["vyper", "-f", "bytecode_runtime", os.path.join(HERE, "contracts", "Token.vy")],
                             capture_output=True, text=True, check=True).stdout.strip()
    node = DevNode(chain_id=1, contracts={TOKEN: bytes.fromhex(runtime[2:])})
    node.send(0, TOKEN, payload=call_data("mint(address,uint256)", node.senders[0].address, 10**12))
    node.mine()
    with DevNodeServer(node) as rpc:
        config = f"""
networks:
  ethereum: {{enabled: true, rpc: ["{rpc.url}"], poll_seconds: 1, max_head_age_seconds: 86400}}
assets:
  USDT-Ethereum: {{confirmations: 2}}
"""
        lodestone = Lodestone(tmp_path, config).start()
        try:
            package = generate(lodestone, tmp_path)
            client_module = importlib.import_module("lodestone_client.client")
            api = lambda name: importlib.import_module(f"lodestone_client.api.default.{name}")  # noqa: E731
            models = importlib.import_module("lodestone_client.models")
            client = client_module.AuthenticatedClient(base_url=lodestone.base, token=lodestone.key, raise_on_unexpected_status=True)

            customer = api("post_v1_customers").sync(client=client, body=models.PostV1CustomersBody(external_id="generated-1"))
            assert isinstance(customer, models.Customer) and customer.external_id == "generated-1", customer
            address = api("post_v1_customers_id_addresses").sync(
                customer.id, client=client, body=models.PostV1CustomersIdAddressesBody(network=models.NetworkID.ETHEREUM))
            assert isinstance(address, models.Address) and address.address.startswith("0x"), address
            intent = api("post_v1_payment_intents").sync(client=client, body=models.PostV1PaymentIntentsBody(
                asset="USDT-Ethereum", amount="12.5", customer=customer.id))
            assert isinstance(intent, models.PaymentIntent) and intent.status.value == "requires_payment", intent

            _, tx = node.send(0, TOKEN, payload=call_data("transfer(address,uint256)", address.address, 12_500_000))
            node.mine(3)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                shown = api("get_v1_payment_intents_id").sync(intent.id, client=client)
                if shown.status.value == "succeeded":
                    break
                time.sleep(0.3)
            assert shown.status.value == "succeeded" and shown.amount_received == "12.5", shown

            listed = api("get_v1_deposits").sync(client=client, customer=customer.id)
            assert [d.tx_hash for d in listed.data] == [tx] and listed.has_more is False
            deposit = api("get_v1_deposits_id").sync(listed.data[0].id, client=client)
            assert isinstance(deposit, models.Deposit) and deposit.status.value == "confirmed"
            page = api("get_v1_events").sync(client=client, page_size=2)
            types = [e.type_.value for e in page.data]
            after = api("get_v1_events").sync(client=client, page_size=100, starting_after=page.data[-1].id)
            assert not isinstance(after, models.Error), after.to_dict()
            types += [e.type_.value for e in after.data]
            assert {"deposit.detected", "deposit.confirmed", "payment_intent.succeeded"} <= set(types), types
            missing = api("get_v1_deposits_id").sync("dep_nope", client=client)
            assert isinstance(missing, models.Error) and missing.error.param == "id"
            assert package is not None
        finally:
            lodestone.stop()
