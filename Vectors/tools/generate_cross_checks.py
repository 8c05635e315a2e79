"""Regenerates Vectors/addresses/*.json from independent implementations.

bip-utils derives EVM, Tron, Solana and Bitcoin addresses; solders (the Rust SDK Solana
itself ships) derives associated token accounts and answers the ed25519 on-curve question.
Lodestone's tests compare against these files; nothing here runs in the test suite.

    pip install bip-utils==2.12.3 solders==0.29.0
    python3 Vectors/tools/generate_cross_checks.py
"""
import hashlib
import json
import os
import random

from bip_utils import (Bip32Slip10Ed25519, Bip32Slip10Secp256k1, Bip39SeedGenerator,
                       Bip44, Bip44Changes, Bip44Coins, Bip49, Bip49Coins, Bip84, Bip84Coins,
                       Bip86, Bip86Coins, EthAddrEncoder, SolAddrEncoder, TrxAddrEncoder)
from bip_utils import __version__ as bip_utils_version
from solders import __version__ as solders_version
from solders.pubkey import Pubkey

OUT = os.path.join(os.path.dirname(__file__), "..", "addresses")
MNEMONICS = [
    ("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", ""),
    ("legal winner thank year wave sausage worth useful legal winner thank yellow", "TREZOR"),
    ("void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen "
     "patrol group space point ten exist slush involve unfold", "TREZOR"),
]
INDEXES = [0, 1, 2, 19, 2147483647]
ACCOUNTS = [0, 1]


def secp_path(seed, path):
    return Bip32Slip10Secp256k1.FromSeed(seed).DerivePath(path)


def evm_tron():
    rows = []
    for mnemonic, passphrase in MNEMONICS:
        seed = Bip39SeedGenerator(mnemonic).Generate(passphrase)
        for account in ACCOUNTS:
            for index in INDEXES:
                for network, coin in (("ethereum", 60), ("tron", 195)):
                    path = f"m/44'/{coin}'/{account}'/0/{index}"
                    node = secp_path(seed, path)
                    pub = node.PublicKey().KeyObject()
                    if network == "ethereum":
                        address = EthAddrEncoder.EncodeKey(pub)
                    else:
                        address = TrxAddrEncoder.EncodeKey(pub)
                    rows.append({"mnemonic": mnemonic, "passphrase": passphrase, "network": network,
                                 "account": account, "index": index, "path": path, "address": address,
                                 "public_key": node.PublicKey().RawCompressed().ToHex()})
    # Cross-check the library's own BIP44 class agrees on index 0.
    seed = Bip39SeedGenerator(MNEMONICS[0][0]).Generate("")
    bip44 = Bip44.FromSeed(seed, Bip44Coins.ETHEREUM).Purpose().Coin().Account(0).Change(
        Bip44Changes.CHAIN_EXT).AddressIndex(0)
    assert bip44.PublicKey().ToAddress() == rows[0]["address"]
    return rows


def solana():
    rows = []
    for mnemonic, passphrase in MNEMONICS:
        seed = Bip39SeedGenerator(mnemonic).Generate(passphrase)
        for account in ACCOUNTS:
            for index in INDEXES:
                path = f"m/44'/501'/{index}'/{account}'"
                node = Bip32Slip10Ed25519.FromSeed(seed).DerivePath(path)
                raw = node.PublicKey().RawCompressed().ToBytes()[1:]
                address = SolAddrEncoder.EncodeKey(node.PublicKey().KeyObject())
                rows.append({"mnemonic": mnemonic, "passphrase": passphrase, "network": "solana",
                             "account": account, "index": index, "path": path, "address": address,
                             "public_key": raw.hex()})
    seed = Bip39SeedGenerator(MNEMONICS[0][0]).Generate("")
    bip44 = Bip44.FromSeed(seed, Bip44Coins.SOLANA).Purpose().Coin().Account(0).Change(Bip44Changes.CHAIN_EXT)
    assert bip44.PublicKey().ToAddress() == rows[0]["address"]
    return rows


def bitcoin():
    rows = []
    classes = {
        "p2wpkh": (Bip84, {"bitcoin": Bip84Coins.BITCOIN, "bitcoin-testnet": Bip84Coins.BITCOIN_TESTNET,
                           "bitcoin-regtest": Bip84Coins.BITCOIN_REGTEST}, 84),
        "p2tr": (Bip86, {"bitcoin": Bip86Coins.BITCOIN, "bitcoin-testnet": Bip86Coins.BITCOIN_TESTNET,
                         "bitcoin-regtest": Bip86Coins.BITCOIN_REGTEST}, 86),
        "p2sh-p2wpkh": (Bip49, {"bitcoin": Bip49Coins.BITCOIN, "bitcoin-testnet": Bip49Coins.BITCOIN_TESTNET,
                                "bitcoin-regtest": Bip49Coins.BITCOIN_REGTEST}, 49),
    }
    for mnemonic, passphrase in MNEMONICS:
        seed = Bip39SeedGenerator(mnemonic).Generate(passphrase)
        for script, (cls, coins, purpose) in classes.items():
            for network, coin in coins.items():
                for account in ACCOUNTS:
                    acct = cls.FromSeed(seed, coin).Purpose().Coin().Account(account)
                    chain = acct.Change(Bip44Changes.CHAIN_EXT)
                    for index in INDEXES[:4]:
                        node = chain.AddressIndex(index)
                        coin_type = 0 if network == "bitcoin" else 1
                        rows.append({"mnemonic": mnemonic, "passphrase": passphrase, "network": network,
                                     "script": script, "account": account, "index": index,
                                     "path": f"m/{purpose}'/{coin_type}'/{account}'/0/{index}",
                                     "address": node.PublicKey().ToAddress(),
                                     "public_key": node.PublicKey().RawCompressed().ToHex(),
                                     "account_xpub": acct.PublicKey().ToExtended()})
    return rows


def token_accounts(owners):
    token = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
    token2022 = Pubkey.from_string("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb")
    ata = Pubkey.from_string("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
    mints = {"USDC": "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
             "USDT": "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB"}
    rows = []
    for owner in owners:
        for symbol, mint in mints.items():
            for program in (token, token2022):
                address, bump = Pubkey.find_program_address(
                    [bytes(Pubkey.from_string(owner)), bytes(program), bytes(Pubkey.from_string(mint))], ata)
                rows.append({"owner": owner, "mint": mint, "symbol": symbol, "token_program": str(program),
                             "associated_token_account": str(address), "bump": bump})
    return rows


def on_curve():
    rng = random.Random(20261121)
    rows = []
    for i in range(64):
        raw = bytes(rng.getrandbits(8) for _ in range(32)) if i % 2 else hashlib.sha256(bytes([i])).digest()
        rows.append({"bytes": raw.hex(), "on_curve": Pubkey(raw).is_on_curve()})
    assert any(r["on_curve"] for r in rows) and not all(r["on_curve"] for r in rows)
    return rows


def write(name, source, rows):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({"source": source, "vectors": rows}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    bu = {"implementation": "bip-utils", "version": bip_utils_version, "pypi": "https://pypi.org/project/bip-utils/"}
    write("evm_tron_bip_utils.json", bu, evm_tron())
    sol = solana()
    write("solana_bip_utils.json", bu, sol)
    write("bitcoin_bip_utils.json", bu, bitcoin())
    sd = {"implementation": "solders", "version": solders_version, "pypi": "https://pypi.org/project/solders/"}
    owners = sorted({r["address"] for r in sol})[:6]
    write("solana_token_accounts_solders.json", sd, token_accounts(owners))
    write("ed25519_on_curve_solders.json", sd, on_curve())
