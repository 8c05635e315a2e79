"""What the peer tests share: waiting for a condition (with the server's log when it times out),
amounts in base units, EVM call data, the event types, and an independent model of crediting."""
import os
import subprocess
import tempfile
import time
from decimal import Decimal

from eth_utils import function_signature_to_4byte_selector, to_canonical_address

EVENT_TYPES = ["deposit.detected", "deposit.confirmed", "deposit.orphaned", "deposit.reversed", "deposit.restored",
               "payment_intent.processing", "payment_intent.succeeded", "payment_intent.partially_paid",
               "payment_intent.expired", "payment_intent.canceled", "customer.balance_credited"]


def wait_for(what, check, server=None, timeout=240):
    """The first truthy value of `check()`, polled; fails after `timeout` seconds with the tail of
    `server`'s log, when there is a server."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    log = f"\n--- serve log ---\n{server.log_tail()}" if server is not None else ""
    raise AssertionError(f"timed out waiting for {what}{log}")


def units(decimal_text, decimals):
    """Base units of a decimal amount; refuses one with more decimals than the asset has."""
    value = Decimal(decimal_text) * (10 ** decimals)
    assert value == value.to_integral_value(), decimal_text
    return int(value)


def text(base_units, decimals):
    """The decimal text of an amount in base units."""
    return str(Decimal(base_units) / (10 ** decimals))


def token_runtime(symbol="TEST", decimals=6):
    """The runtime code of contracts/Token.vy compiled by vyper, with its symbol and decimals set:
    placed at an address in a devnet's genesis, it is a token there."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "contracts", "Token.vy")) as f:
        source = f.read()
    source = source.replace('= "TEST"', f'= "{symbol}"').replace("decimals: public(constant(uint8)) = 6",
                                                              f"decimals: public(constant(uint8)) = {decimals}")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "Token.vy")
        with open(path, "w") as f:
            f.write(source)
        out = subprocess.run(["vyper", "-f", "bytecode_runtime", path], capture_output=True, text=True, check=True).stdout.strip()
    return bytes.fromhex(out[2:])


def call_data(signature, *args):
    """ABI call data: the selector of `signature`, then each argument (an int or an address) as a word."""
    encoded = b"".join(a.to_bytes(32, "big") if isinstance(a, int) else bytes(12) + to_canonical_address(a) for a in args)
    return function_signature_to_4byte_selector(signature) + encoded


class Ledger:
    """The crediting rules, written independently of Lodestone: a confirmed deposit fills the
    customer's open intents of its asset oldest first, each up to its amount; the rest is balance."""

    def __init__(self):
        self.intents = {}  # id -> {"customer", "asset", "amount", "received"}
        self.order = []
        self.balances = {}  # (customer, asset) -> base units

    def open(self, intent_id, customer, asset, amount):
        self.intents[intent_id] = {"customer": customer, "asset": asset, "amount": amount, "received": 0}
        self.order.append(intent_id)

    def credit(self, customer, asset, amount):
        for intent_id in self.order:
            intent = self.intents[intent_id]
            if intent["customer"] != customer or intent["asset"] != asset or amount == 0:
                continue
            take = min(intent["amount"] - intent["received"], amount)
            intent["received"] += take
            amount -= take
        if amount:
            self.balances[(customer, asset)] = self.balances.get((customer, asset), 0) + amount
