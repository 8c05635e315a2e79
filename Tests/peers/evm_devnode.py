"""A real EVM (py-evm, set up by eth-tester) served over HTTP JSON-RPC the way a node answers.

eth-tester has no HTTP server, and where a watcher looks it differs from real nodes: it numbers
logs per receipt instead of per block, reports a chain id of its own, and finds a transaction by
scanning every block back from the head. This server therefore uses eth-tester only to build the
chain and mine, and answers every read straight from py-evm's chain database.

Run it alone to point a local `lodestone serve` at a real EVM (with the test token at USDT's address):
    python3 Tests/peers/evm_devnode.py --port 8545 --token 0xdAC17F958D2ee523a2206206994597C13D831ec7
"""
import argparse
import json
import os
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler

from eth_account import Account
from eth_tester.backends.pyevm.main import PyEVMBackend, generate_genesis_state_for_keys, get_default_account_keys
from eth_utils import to_canonical_address, to_checksum_address

from background_http import BackgroundHTTPServer

TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
GAS_PRICE = 50 * 10**9


def quantity(n):
    return hex(n)


def data(b):
    return "0x" + bytes(b).hex()


def word(n):
    return "0x" + n.to_bytes(32, "big").hex()


def parse_quantity(text, field):
    if not isinstance(text, str) or not text.startswith("0x") or len(text) < 3:
        raise RPCFault(-32602, f"{field}: not a hex quantity")
    return int(text, 16)


class RPCFault(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class DevNode:
    """A py-evm chain with funded accounts and contract code placed in its genesis.

    `chain_id` is what `eth_chainId` answers (eth-tester signs with its own id; a watcher never
    checks signatures). `withheld` holds transactions whose logs `eth_getLogs` leaves out, as a
    provider with a lagging log index does. `finality_depth` emulates the `safe` and `finalized` tags as head minus
    that many blocks. Every method takes `lock`, so tests may drive the chain while it is served.
    """

    def __init__(self, chain_id=1, contracts=None, funded_accounts=10, finality_depth=32, automine=False):
        self.chain_id = chain_id
        self.automine = automine
        self.finality_depth = finality_depth
        self.lock = threading.RLock()
        # Transaction hashes whose logs `eth_getLogs` leaves out (receipts still hold them).
        self.withheld = set()
        # While set, every request is answered 503.
        self.unavailable = False
        keys = get_default_account_keys(quantity=funded_accounts)
        self.senders = [Account.from_key(k.to_bytes()) for k in keys]
        state = dict(generate_genesis_state_for_keys(keys))
        for address, code in (contracts or {}).items():
            state[to_canonical_address(address)] = {"balance": 0, "nonce": 0, "code": code, "storage": {}}
        self.backend = PyEVMBackend(genesis_state=state)

    @property
    def chain(self):
        return self.backend.chain

    # Driving the chain

    def sign(self, sender, to, value=0, payload=b"", gas=None):
        """A signed legacy transaction from `senders[sender]`: (raw bytes, hash hex). Not yet sent."""
        with self.lock:
            account = self.senders[sender]
            nonce = self.chain.get_vm().state.get_nonce(to_canonical_address(account.address))
            tx = {
                "nonce": nonce, "to": to_checksum_address(to), "value": value, "data": payload,
                "gas": gas or (21_000 if not payload else 120_000), "gasPrice": GAS_PRICE,
                "chainId": self.chain.chain_id,
            }
            signed = account.sign_transaction(tx)
            return bytes(signed.raw_transaction), "0x" + bytes(signed.hash).hex()

    def submit(self, raw):
        """Adds a signed transaction to the block being built; returns its hash."""
        with self.lock:
            return "0x" + bytes(self.backend.send_raw_transaction(raw)).hex()

    def send(self, sender, to, value=0, payload=b"", gas=None):
        """Signs and submits; returns (raw, hash)."""
        with self.lock:
            raw, tx_hash = self.sign(sender, to, value, payload, gas)
            self.submit(raw)
            return raw, tx_hash

    def mine(self, blocks=1):
        """Mines `blocks` blocks (the first holds the submitted transactions); returns the new head."""
        with self.lock:
            self.backend.mine_blocks(blocks)
            return self.head_number()

    def snapshot(self):
        with self.lock:
            return self.backend.take_snapshot()

    def revert(self, snapshot):
        """Makes the snapshot's block the head again: every later block leaves the canonical chain."""
        with self.lock:
            self.backend.revert_to_snapshot(snapshot)

    def receipt_status(self, tx_hash):
        with self.lock:
            found = self._receipt(bytes.fromhex(tx_hash[2:]))
            return None if found is None else int(found["status"], 16)

    def head_number(self):
        with self.lock:
            return self.chain.chaindb.get_canonical_head().block_number

    # Reads, as a node answers them

    def _block(self, number):
        if number < 0 or number > self.head_number():
            return None
        return self.chain.get_canonical_block_by_number(number)

    def _block_number(self, tag):
        head = self.head_number()
        if tag in ("latest", "pending"):
            return head
        if tag == "earliest":
            return 0
        if tag in ("safe", "finalized"):
            return max(0, head - self.finality_depth)
        return parse_quantity(tag, "block")

    def _receipts(self, block):
        return block.get_receipts(self.chain.chaindb)

    def _transaction_json(self, block, index, tx):
        return {
            "hash": data(tx.hash), "from": to_checksum_address(tx.sender).lower(),
            "to": to_checksum_address(tx.to).lower() if tx.to else None, "value": quantity(tx.value),
            "nonce": quantity(tx.nonce), "gas": quantity(tx.gas), "gasPrice": quantity(tx.gas_price),
            "input": data(tx.data), "blockHash": data(block.hash), "blockNumber": quantity(block.number),
            "transactionIndex": quantity(index), "type": "0x0",
        }

    def _block_json(self, block, full):
        header = block.header
        txs = [self._transaction_json(block, i, tx) if full else data(tx.hash) for i, tx in enumerate(block.transactions)]
        return {
            "number": quantity(header.block_number), "hash": data(header.hash), "parentHash": data(header.parent_hash),
            "timestamp": quantity(header.timestamp), "miner": data(header.coinbase), "gasLimit": quantity(header.gas_limit),
            "gasUsed": quantity(header.gas_used), "baseFeePerGas": quantity(header.base_fee_per_gas),
            "stateRoot": data(header.state_root), "transactionsRoot": data(header.transaction_root),
            "receiptsRoot": data(header.receipt_root), "transactions": txs,
        }

    def _logs_json(self, block, receipts=None):
        """Every log of the block with its block-wide index, grouped by transaction index."""
        out, log_index = [], 0
        for tx_index, (tx, receipt) in enumerate(zip(block.transactions, receipts or self._receipts(block))):
            logs = []
            for log in receipt.logs:
                logs.append({
                    "address": data(log.address), "topics": [word(t) for t in log.topics], "data": data(log.data),
                    "blockNumber": quantity(block.number), "blockHash": data(block.hash),
                    "transactionHash": data(tx.hash), "transactionIndex": quantity(tx_index),
                    "logIndex": quantity(log_index), "removed": False,
                })
                log_index += 1
            out.append(logs)
        return out

    def _receipt(self, tx_hash):
        try:
            number, index = self.chain.chaindb.get_transaction_index(tx_hash)
        except Exception:
            return None
        block = self._block(number)
        if block is None or index >= len(block.transactions) or block.transactions[index].hash != tx_hash:
            return None  # its block left the canonical chain
        receipts = self._receipts(block)
        receipt, tx = receipts[index], block.transactions[index]
        previous = receipts[index - 1].gas_used if index > 0 else 0
        return {
            "transactionHash": data(tx.hash), "transactionIndex": quantity(index), "blockHash": data(block.hash),
            "blockNumber": quantity(block.number), "from": to_checksum_address(tx.sender).lower(),
            "to": to_checksum_address(tx.to).lower() if tx.to else None,
            "status": quantity(1 if receipt.state_root == b"\x01" else 0),
            "cumulativeGasUsed": quantity(receipt.gas_used), "gasUsed": quantity(receipt.gas_used - previous),
            "contractAddress": None, "logs": self._logs_json(block, receipts)[index], "type": "0x0",
        }

    def _transaction_by_hash(self, tx_hash):
        try:
            number, index = self.chain.chaindb.get_transaction_index(tx_hash)
        except Exception:
            return None
        block = self._block(number)
        if block is None or index >= len(block.transactions) or block.transactions[index].hash != tx_hash:
            return None
        return self._transaction_json(block, index, block.transactions[index])

    def _get_logs(self, criteria):
        if not isinstance(criteria, dict):
            raise RPCFault(-32602, "filter: not an object")
        if "blockHash" in criteria:
            try:
                block = self.chain.get_block_by_hash(bytes.fromhex(criteria["blockHash"][2:]))
            except Exception:
                raise RPCFault(-32000, "unknown block")
            blocks = [block]
        else:
            first = self._block_number(criteria.get("fromBlock", "latest"))
            last = min(self._block_number(criteria.get("toBlock", "latest")), self.head_number())
            if first > last + 1:
                raise RPCFault(-32000, "invalid block range params")
            blocks = [self._block(n) for n in range(first, last + 1)]
        addresses = criteria.get("address")
        if isinstance(addresses, str):
            addresses = [addresses]
        wanted = {a.lower() for a in addresses} if addresses else None
        topics = criteria.get("topics") or []
        out = []
        for block in blocks:
            for logs in self._logs_json(block):
                for log in logs:
                    if wanted is not None and log["address"] not in wanted:
                        continue
                    if log["transactionHash"] in self.withheld:
                        continue  # a provider whose log index has not caught up with this transaction
                    if all(self._topic_matches(want, log["topics"], i) for i, want in enumerate(topics)):
                        out.append(log)
        return out

    @staticmethod
    def _topic_matches(want, have, i):
        if want is None:
            return True
        if i >= len(have):
            return False
        options = want if isinstance(want, list) else [want]
        return have[i] in [o.lower() for o in options]

    def answer(self, method, params):
        """The result of one JSON-RPC call; raises RPCFault."""
        params = params or []
        with self.lock:
            if method == "eth_chainId":
                return quantity(self.chain_id)
            if method == "net_version":
                return str(self.chain_id)
            if method == "eth_syncing":
                return False
            if method == "eth_blockNumber":
                return quantity(self.head_number())
            if method == "eth_getBlockByNumber":
                block = self._block(self._block_number(params[0]))
                return None if block is None else self._block_json(block, bool(params[1]) if len(params) > 1 else False)
            if method == "eth_getBlockByHash":
                try:
                    block = self.chain.get_block_by_hash(bytes.fromhex(params[0][2:]))
                except Exception:
                    return None
                return self._block_json(block, bool(params[1]) if len(params) > 1 else False)
            if method == "eth_getBalance":
                return quantity(self.backend.get_balance(to_canonical_address(params[0]), self._block_number(params[1])))
            if method == "eth_getTransactionCount":
                return quantity(self.backend.get_nonce(to_canonical_address(params[0]), self._block_number(params[1])))
            if method == "eth_call":
                call = params[0]
                # Run as a funded account: py-evm charges gas even for a call, and real nodes do not.
                transaction = {"to": to_canonical_address(call["to"]), "data": bytes.fromhex(call.get("data", "0x")[2:]),
                               "from": to_canonical_address(self.senders[0].address), "gas": 1_000_000, "value": 0,
                               "gas_price": GAS_PRICE}
                return data(self.backend.call(transaction, self._block_number(params[1])))
            if method == "eth_getTransactionByHash":
                return self._transaction_by_hash(bytes.fromhex(params[0][2:]))
            if method == "eth_getTransactionReceipt":
                return self._receipt(bytes.fromhex(params[0][2:]))
            if method == "eth_getLogs":
                return self._get_logs(params[0] if params else None)
            # What development nodes (Hardhat, Ganache) add, for driving the chain from outside.
            if method == "eth_sendRawTransaction":
                tx_hash = self.submit(bytes.fromhex(params[0][2:]))
                if self.automine:
                    self.mine()
                return tx_hash
            if method == "evm_mine":
                return quantity(self.mine(int(params[0], 16) if params else 1))
            if method == "evm_snapshot":
                return data(self.snapshot())
            if method == "evm_revert":
                self.revert(bytes.fromhex(params[0][2:]))
                return True
        raise RPCFault(-32601, f"the method {method} does not exist/is not available")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Keep-alive answers otherwise wait on Nagle's algorithm: 22 instead of ~300 requests/s.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass

    def _one(self, request):
        if not isinstance(request, dict) or "method" not in request:
            return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request"}}
        try:
            result = self.server.node.answer(request["method"], request.get("params"))
            return {"jsonrpc": "2.0", "id": request.get("id"), "result": result}
        except RPCFault as fault:
            return {"jsonrpc": "2.0", "id": request.get("id"), "error": {"code": fault.code, "message": fault.message}}
        except (IndexError, KeyError, TypeError, ValueError) as error:
            return {"jsonrpc": "2.0", "id": request.get("id"), "error": {"code": -32602, "message": str(error)}}
        except Exception as error:  # py-evm's own errors, e.g. a transaction it refuses
            return {"jsonrpc": "2.0", "id": request.get("id"), "error": {"code": -32000, "message": str(error)}}

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.server.node.unavailable:
            # An outage as a provider's load balancer reports it.
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            request = json.loads(body)
            answer = [self._one(r) for r in request] if isinstance(request, list) else self._one(request)
        except json.JSONDecodeError:
            answer = {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class DevNodeServer(BackgroundHTTPServer):
    """Serves a DevNode on 127.0.0.1 from a background thread; use as a context manager."""

    def __init__(self, node, port=0):
        super().__init__(_Handler, port)
        self.httpd.node = node
        self.url = f"http://127.0.0.1:{self.port}"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8545)
    parser.add_argument("--chain-id", type=int, default=1)
    parser.add_argument("--token", action="append", default=[], metavar="ADDRESS",
                        help="place contracts/Token.vy (compiled by vyper) at this address; repeatable")
    args = parser.parse_args()
    contracts = {}
    if args.token:
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "contracts", "Token.vy")
        code = subprocess.run(["vyper", "-f", "bytecode_runtime", source], capture_output=True, text=True, check=True)
        contracts = {address: bytes.fromhex(code.stdout.strip()[2:]) for address in args.token}
    node = DevNode(chain_id=args.chain_id, contracts=contracts, automine=True)
    with DevNodeServer(node, port=args.port) as server:
        print(f"chain id {args.chain_id} on {server.url}; eth_sendRawTransaction mines a block"
              f" (sign with chain id {node.chain.chain_id}, the one py-evm checks).")
        print("Funded accounts (eth-tester's public test keys 0x…01 to 0x…0a, never for real funds):")
        for account in node.senders:
            print(" ", account.address)
        threading.Event().wait()
