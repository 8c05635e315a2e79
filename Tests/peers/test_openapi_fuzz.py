"""Schemathesis fuzzes a live `lodestone serve` through the OpenAPI document it serves.

Every operation, every check schemathesis has (server errors, status codes, response schemas,
content types, negative data rejection, auth, unsupported methods, stateful links).
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

BIN = os.environ.get("LODESTONE_BIN", ".build/debug/lodestone")
HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_schemathesis_finds_nothing():
    workdir = tempfile.mkdtemp()
    env = dict(os.environ, LODESTONE_SEED_PASSPHRASE="fuzzing-only-passphrase")
    database = f"sqlite://{workdir}/fuzz.sqlite"
    subprocess.run([BIN, "keys", "init", "--development", "--database", database], env=env, check=True,
                   capture_output=True)
    key = subprocess.run([BIN, "apikey", "create", "--role", "operator", "--name", "fuzz", "--database", database],
                         env=env, check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    log = open(os.path.join(workdir, "serve.log"), "w")
    server = subprocess.Popen([BIN, "serve", "--database", database, "--port", str(port)], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        result = subprocess.run(
            ["schemathesis", "--config-file", os.path.join(HERE, "schemathesis.toml"), "run", base + "/openapi.yaml",
             "--url", base, "-H", f"Authorization: Bearer {key}", "--checks", "all", "--max-examples", "40",
             "--workers", "2", "--seed", "20261121"],
            capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    finally:
        server.terminate()
        assert server.wait(timeout=20) == 0, "serve did not shut down cleanly on SIGTERM"
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)
