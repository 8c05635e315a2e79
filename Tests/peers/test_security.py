"""Security properties of a running `serve`, tried as an operator and an attacker would."""
import os
import stat
import time
import urllib.error
import urllib.request

import pytest

from lodestone_process import Lodestone, fresh_postgres_database


def status_with(base, key, path="/v1/customers"):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_key_revoked_on_one_instance_is_refused_by_another_within_five_seconds(tmp_path):
    database = fresh_postgres_database()
    if database is None:
        pytest.skip("no test PostgreSQL (scripts/with-postgres provides one)")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = Lodestone(tmp_path / "a", database=database).start()
    b = Lodestone(tmp_path / "b", database=database, init_keys=False)
    b.key = a.key
    b.start()
    try:
        created = a.post("/v1/api_keys", {"name": "shop", "role": "service"})
        key = created["key"]
        # Both instances accept it, and B caches it.
        assert status_with(a.base, key) == 200
        assert status_with(b.base, key) == 200
        status, revoked = a.call("DELETE", f"/v1/api_keys/{created['id']}")
        assert status == 200 and revoked["active"] is False
        started = time.monotonic()
        assert status_with(a.base, key) == 401, "the revoking instance still accepts the key"
        while status_with(b.base, key) != 401:
            assert time.monotonic() - started < 5, "the other instance accepted a revoked key for 5 s"
            time.sleep(0.05)
        print(f"revocation reached the other instance after {time.monotonic() - started:.2f} s")
        # The listing never shows a key, on either instance.
        listing = b.get("/v1/api_keys")
        assert key not in str(listing) and a.key not in str(listing)
    finally:
        a.stop()
        b.stop()


def test_the_database_its_folder_and_the_data_key_are_the_owners_alone(tmp_path):
    database = f"sqlite://{tmp_path}/data/lodestone.sqlite"  # the folder does not exist yet
    server = Lodestone(tmp_path, database=database)
    server.env.pop("LODESTONE_DATA_KEY")  # SQLite keeps its data key in a file beside the database
    server.start()
    try:
        server.post("/v1/webhook_endpoints", {"url": "https://93.184.215.14/hook", "events": ["deposit.confirmed"]})
    finally:
        server.stop()
    mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)
    assert mode(tmp_path / "data") == 0o700
    for name in ("lodestone.sqlite", "data.key"):
        assert mode(tmp_path / "data" / name) == 0o600, name
    for name in ("lodestone.sqlite-wal", "lodestone.sqlite-shm"):
        path = tmp_path / "data" / name
        if path.exists():
            assert mode(path) == 0o600, name
