"""`lodestone address token-accounts` against solders' `find_program_address` for 1,000 random owners
(keys nobody chose, most of them on the curve like wallets, some off it like program accounts)."""
import json
import os
import random
import subprocess

from solders.pubkey import Pubkey

BIN = os.environ.get("LODESTONE_BIN", ".build/debug/lodestone")
TOKEN = Pubkey.from_string("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")
ATA = Pubkey.from_string("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
MINTS = {"USDC-Solana": "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", "USDT-Solana": "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB"}


def test_associated_token_accounts_of_random_owners_match_solders(tmp_path):
    rng = random.Random()
    owners = [str(Pubkey(bytes(rng.getrandbits(8) for _ in range(32)))) for _ in range(1000)]
    path = tmp_path / "owners"
    path.write_text("\n".join(owners) + "\n")
    out = subprocess.run([BIN, "address", "token-accounts", "--owner-file", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2 * len(owners)
    for row in rows:
        owner, mint = Pubkey.from_string(row["owner"]), Pubkey.from_string(MINTS[row["asset"]])
        expected, _ = Pubkey.find_program_address([bytes(owner), bytes(TOKEN), bytes(mint)], ATA)
        assert row["mint"] == str(mint) and row["token_program"] == str(TOKEN)
        assert row["address"] == str(expected), row
    assert {r["owner"] for r in rows} == set(owners)


def test_a_bad_owner_is_refused_with_its_line():
    result = subprocess.run([BIN, "address", "token-accounts", "--owner", "not-a-key"], capture_output=True, text=True)
    assert result.returncode != 0 and "owner 1 is not a Solana address" in result.stderr and result.stdout == ""
