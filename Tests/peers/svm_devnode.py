"""A Solana JSON-RPC node for tests, over LiteSVM (solders), which runs the real System, SPL Token,
Token-2022 and associated-token-account programs: transactions execute when sent and land in the
next block the test produces. The test decides which slots hold blocks (the others are skipped),
what is finalized, and which blocks at `confirmed` are abandoned (a fork that never finalizes).
Answers are shaped like a validator's: `getBlock` with `transactionDetails` "accounts" or "none"
in `json` encoding, balances and token balances in the account index space (static keys, then the
keys loaded from lookup tables, writable then read-only), and the validator's error codes."""
import random
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler
import json

from solders.account import Account
from solders.address_lookup_table_account import ID as LOOKUP_TABLE_PROGRAM
from solders.address_lookup_table_account import AddressLookupTable
from solders.keypair import Keypair
from solders.litesvm import LiteSVM
from solders.message import Message, MessageV0
from solders.pubkey import Pubkey
from solders.transaction import Transaction, VersionedTransaction
from solders.transaction_metadata import FailedTransactionMetadata

from background_http import BackgroundHTTPServer

TOKEN = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
TOKEN_2022 = Pubkey.from_string("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
ATA_PROGRAM = Pubkey.from_string("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
SYSTEM = Pubkey.from_string("11111111111111111111111111111111")


def random_hash(rng):
    return str(Pubkey(bytes(rng.getrandbits(8) for _ in range(32))))


class SvmNode:
    """The chain: LiteSVM's state, the blocks produced, what is finalized."""

    def __init__(self, seed=7):
        self.rng = random.Random(seed)
        self.svm = LiteSVM()
        self.svm.warp_to_slot(1)
        self.genesis = random_hash(self.rng)
        self.lock = threading.RLock()
        self.blocks = {0: {"blockhash": self.genesis, "previousBlockhash": self.genesis, "parentSlot": 0, "blockTime": int(time.time()),
                           "blockHeight": 0, "transactions": [], "v0": False}}
        self.chain = [0]
        self.finalized = 0
        self.pending = []
        # Slots whose next getBlock answers -32004 (not available yet), as a lagging node does.
        self.unavailable_once = set()
        self.calls = {}
        self.payer = Keypair()
        self.svm.set_account(self.payer.pubkey(), Account(lamports=10**16, data=b"", owner=SYSTEM, executable=False))

    # --- state ---

    def head(self):
        return self.chain[-1]

    def place_mint(self, address, decimals, program=TOKEN):
        """A mint account at `address` (a catalog's mainnet mint) whose authority is the payer."""
        data = struct.pack("<I", 1) + bytes(self.payer.pubkey()) + struct.pack("<Q", 0) + bytes([decimals, 1]) + struct.pack("<I", 0) + bytes(32)
        assert len(data) == 82
        self.svm.set_account(Pubkey.from_string(address), Account(lamports=10**9, data=data, owner=program, executable=False))

    def place_lookup_table(self, addresses):
        """An active address lookup table holding `addresses`; returns its key."""
        key = Keypair().pubkey()
        meta = struct.pack("<IQQB", 1, 2**64 - 1, 0, 0) + bytes([0]) + bytes(32) + bytes(2)
        data = meta + b"".join(bytes(a) for a in addresses)
        assert AddressLookupTable.deserialize(data).addresses == addresses
        self.svm.set_account(key, Account(lamports=10**9, data=data, owner=LOOKUP_TABLE_PROGRAM, executable=False))
        return key

    def blockhash(self):
        return self.svm.latest_blockhash()

    def _keys(self, tx):
        message = tx.message
        keys = list(message.account_keys)
        sources = ["transaction"] * len(keys)
        if isinstance(message, MessageV0):
            writable, readonly = [], []
            for lookup in message.address_table_lookups:
                table = AddressLookupTable.deserialize(bytes(self.svm.get_account(lookup.account_key).data)).addresses
                writable += [table[i] for i in lookup.writable_indexes]
                readonly += [table[i] for i in lookup.readonly_indexes]
            keys += writable + readonly
            sources += ["lookupTable"] * (len(writable) + len(readonly))
        return keys, sources

    def _token_balances(self, keys):
        out = []
        for index, key in enumerate(keys):
            account = self.svm.get_account(key)
            if account is None or account.owner not in (TOKEN, TOKEN_2022):
                continue
            data = bytes(account.data)
            if not (len(data) == 165 or (len(data) > 165 and data[165] == 2)):
                continue  # a mint, not a token account
            mint = Pubkey(data[0:32])
            owner = Pubkey(data[32:64])
            amount = struct.unpack("<Q", data[64:72])[0]
            decimals = bytes(self.svm.get_account(mint).data)[44]
            ui = amount / 10**decimals
            out.append({"accountIndex": index, "mint": str(mint), "owner": str(owner), "programId": str(account.owner),
                        "uiTokenAmount": {"amount": str(amount), "decimals": decimals, "uiAmount": ui if amount else None,
                                          "uiAmountString": f"{ui:.{decimals}f}".rstrip("0").rstrip(".") if amount else "0"}})
        return out

    def send(self, tx):
        """Executes `tx` now; it lands in the next block produced. Returns (signature, succeeded)."""
        with self.lock:
            keys, sources = self._keys(tx)
            pre = [self.svm.get_balance(k) or 0 for k in keys]
            pre_tokens = self._token_balances(keys)
            result = self.svm.send_transaction(tx)
            failed = isinstance(result, FailedTransactionMetadata)
            if failed and "AlreadyProcessed" in str(result.err()):
                raise AssertionError("transaction sent twice")
            meta = result.meta() if failed else result
            post = [self.svm.get_balance(k) or 0 for k in keys]
            header = tx.message.header
            signers = header.num_required_signatures
            entry = {
                "transaction": {"signatures": [str(tx.signatures[0])], "accountKeys": [
                    {"pubkey": str(k), "signer": i < signers, "writable": True, "source": s} for i, (k, s) in enumerate(zip(keys, sources))]},
                "meta": {"err": {"InstructionError": [0, str(result.err())]} if failed else None, "fee": meta.fee(),
                         "preBalances": pre, "postBalances": post, "preTokenBalances": pre_tokens,
                         "postTokenBalances": self._token_balances(keys),
                         "status": {"Err": str(result.err())} if failed else {"Ok": None}},
                "version": 0 if isinstance(tx.message, MessageV0) else "legacy",
            }
            self.pending.append(entry)
            self.svm.expire_blockhash()
            return str(tx.signatures[0]), not failed

    def transact(self, instructions, signers=(), lookup_tables=None):
        """Builds, signs and sends a transaction paid by the node's payer (v0 when given lookup tables)."""
        signers = [self.payer, *signers]
        if lookup_tables:
            message = MessageV0.try_compile(self.payer.pubkey(), instructions, lookup_tables, self.blockhash())
            return self.send(VersionedTransaction(message, signers))
        return self.send(Transaction(signers, Message(instructions, self.payer.pubkey()), self.blockhash()))

    def produce(self, skip=0):
        """A block at the slot after the head plus `skip` skipped slots, holding what was sent since."""
        with self.lock:
            parent = self.head()
            slot = parent + 1 + skip
            block = {"blockhash": random_hash(self.rng), "previousBlockhash": self.blocks[parent]["blockhash"], "parentSlot": parent,
                     "blockTime": int(time.time()), "blockHeight": self.blocks[parent]["blockHeight"] + 1,
                     "transactions": self.pending, "v0": any(t["version"] == 0 for t in self.pending)}
            self.pending = []
            self.blocks[slot] = block
            self.chain.append(slot)
            return slot

    def finalize(self, slot=None):
        with self.lock:
            self.finalized = self.head() if slot is None else slot

    def abandon(self, count):
        """Drops the top `count` blocks (never finalized): a fork the cluster did not choose."""
        with self.lock:
            assert count < len(self.chain) and self.chain[-count] > self.finalized, "finalized blocks never change"
            dropped = self.chain[-count:]
            del self.chain[-count:]
            return [self.blocks.pop(s) for s in dropped]

    # --- JSON-RPC ---

    def _limit(self, params, index):
        options = params[index] if len(params) > index and isinstance(params[index], dict) else {}
        return self.finalized if options.get("commitment") == "finalized" else self.head()

    def call(self, method, params):
        with self.lock:
            self.calls[method] = self.calls.get(method, 0) + 1
            if method == "getGenesisHash":
                return self.genesis
            if method == "getSlot":
                return self._limit(params, 0)
            if method == "getBlocks":
                start, end = params[0], params[1] if len(params) > 1 and isinstance(params[1], int) else None
                limit = self._limit(params, 2 if end is not None else 1)
                end = limit if end is None else min(end, limit)
                return [s for s in self.chain if start <= s <= end]
            if method == "getBlock":
                slot, options = params[0], (params[1] if len(params) > 1 else {})
                if slot > self._limit(params, 1) or slot in self.unavailable_once:
                    self.unavailable_once.discard(slot)
                    raise RpcError(-32004, f"Block not available for slot {slot}")
                if slot not in self.chain:
                    raise RpcError(-32007, f"Slot {slot} was skipped, or missing due to ledger jump to recent snapshot")
                block = self.blocks[slot]
                if block["v0"] and options.get("maxSupportedTransactionVersion") is None:
                    raise RpcError(-32015, "Transaction version (0) is not supported by the requesting client. "
                                           "Please try the request again with the following configuration parameter: "
                                           "\"maxSupportedTransactionVersion\": 0")
                details = options.get("transactionDetails", "full")
                answer = {k: v for k, v in block.items() if k not in ("transactions", "v0")}
                if details == "accounts":
                    answer["transactions"] = block["transactions"]
                elif details != "none":
                    raise RpcError(-32602, f"this test node serves transactionDetails accounts or none, not {details}")
                return answer
            raise RpcError(-32601, "Method not found")


class RpcError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        node = self.server.node
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))

        def answer(r):
            try:
                return {"jsonrpc": "2.0", "result": node.call(r["method"], r.get("params", [])), "id": r.get("id")}
            except RpcError as e:
                return {"jsonrpc": "2.0", "error": {"code": e.code, "message": e.message}, "id": r.get("id")}

        body = json.dumps([answer(r) for r in request] if isinstance(request, list) else answer(request)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SvmNodeServer(BackgroundHTTPServer):
    """Serves an SvmNode on 127.0.0.1 from a background thread; use as a context manager."""

    def __init__(self, node, port=0):
        super().__init__(_Handler, port)
        self.httpd.node = node
        self.url = f"http://127.0.0.1:{self.port}"
