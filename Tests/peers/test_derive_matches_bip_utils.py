"""`lodestone derive` against bip-utils and solders on fresh random mnemonics.

The Swift suites check fixed published vectors; this checks the built binary on inputs nobody
chose, with every network, script and a non-zero account.
"""
import json
import os
import subprocess
import tempfile

import pytest
from bip_utils import (Bip32Slip10Ed25519, Bip32Slip10Secp256k1, Bip39MnemonicGenerator, Bip39SeedGenerator,
                       Bip39WordsNum, Bip49, Bip49Coins, Bip84, Bip84Coins, Bip86, Bip86Coins, Bip44Changes,
                       EthAddrEncoder, SolAddrEncoder, TrxAddrEncoder)
from solders.pubkey import Pubkey

BIN = os.environ.get("LODESTONE_BIN", ".build/debug/lodestone")
COUNT = 4


def lodestone(*args):
    out = subprocess.run([BIN, *args], capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture(scope="module", params=range(6))
def wallet(request):
    words = Bip39WordsNum.WORDS_NUM_24 if request.param % 2 else Bip39WordsNum.WORDS_NUM_12
    mnemonic = str(Bip39MnemonicGenerator().FromWordsNumber(words))
    passphrase = "" if request.param < 3 else "correct horse ☃"
    d = tempfile.mkdtemp()
    mfile, pfile = os.path.join(d, "m"), os.path.join(d, "p")
    open(mfile, "w").write(mnemonic + "\n")
    open(pfile, "w", encoding="utf-8").write(passphrase)
    seed = Bip39SeedGenerator(mnemonic).Generate(passphrase)
    return {"seed": seed, "args": ["--mnemonic-file", mfile, "--passphrase-file", pfile], "start": request.param * 1000}


@pytest.mark.parametrize("network,coin", [("ethereum", 60), ("bsc", 60), ("polygon", 60), ("base", 60),
                                          ("arbitrum", 60), ("tron", 195)])
@pytest.mark.parametrize("account", [0, 7])
def test_evm_and_tron(wallet, network, coin, account):
    rows = lodestone("derive", "--network", network, "--index", str(wallet["start"]), "--count", str(COUNT),
                     "--account", str(account), *wallet["args"])
    assert len(rows) == COUNT
    for row in rows:
        path = f"m/44'/{coin}'/{account}'/0/{row['index']}"
        key = Bip32Slip10Secp256k1.FromSeed(wallet["seed"]).DerivePath(path).PublicKey()
        encoder = TrxAddrEncoder if network == "tron" else EthAddrEncoder
        assert row["path"] == path
        assert row["address"] == encoder.EncodeKey(key.KeyObject())
        assert row["public_key"] == key.RawCompressed().ToHex()


@pytest.mark.parametrize("account", [0, 3])
def test_solana_and_token_accounts(wallet, account):
    rows = lodestone("derive", "--network", "solana", "--index", str(wallet["start"]), "--count", str(COUNT),
                     "--account", str(account), *wallet["args"])
    for row in rows:
        path = f"m/44'/501'/{row['index']}'/{account}'"
        key = Bip32Slip10Ed25519.FromSeed(wallet["seed"]).DerivePath(path).PublicKey()
        assert row["path"] == path
        assert row["address"] == SolAddrEncoder.EncodeKey(key.KeyObject())
        assert Pubkey.from_string(row["address"]).is_on_curve()


BITCOIN = {
    "p2wpkh": (Bip84, {"bitcoin": Bip84Coins.BITCOIN, "bitcoin-testnet": Bip84Coins.BITCOIN_TESTNET,
                       "bitcoin-regtest": Bip84Coins.BITCOIN_REGTEST}),
    "p2tr": (Bip86, {"bitcoin": Bip86Coins.BITCOIN, "bitcoin-testnet": Bip86Coins.BITCOIN_TESTNET,
                     "bitcoin-regtest": Bip86Coins.BITCOIN_REGTEST}),
    "p2sh-p2wpkh": (Bip49, {"bitcoin": Bip49Coins.BITCOIN, "bitcoin-testnet": Bip49Coins.BITCOIN_TESTNET,
                            "bitcoin-regtest": Bip49Coins.BITCOIN_REGTEST}),
}


@pytest.mark.parametrize("script", list(BITCOIN))
@pytest.mark.parametrize("network", ["bitcoin", "bitcoin-testnet", "bitcoin-regtest"])
def test_bitcoin_seed_and_watch_only(wallet, script, network):
    cls, coins = BITCOIN[script]
    account = cls.FromSeed(wallet["seed"], coins[network]).Purpose().Coin().Account(1)
    xpub = lodestone("xpub", "--network", network, "--script", script, "--account", "1", *wallet["args"])[0]["xpub"]
    assert xpub == account.PublicKey().ToExtended()
    from_seed = lodestone("derive", "--network", network, "--script", script, "--account", "1",
                          "--index", str(wallet["start"]), "--count", str(COUNT), *wallet["args"])
    watch_only = lodestone("derive", "--network", network, "--account", "1", "--script", script,
                           "--index", str(wallet["start"]), "--count", str(COUNT), "--xpub", xpub)
    assert from_seed == watch_only
    chain = account.Change(Bip44Changes.CHAIN_EXT)
    for row in from_seed:
        assert row["address"] == chain.AddressIndex(row["index"]).PublicKey().ToAddress()
