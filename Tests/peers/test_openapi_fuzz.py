"""Schemathesis fuzzes a live `lodestone serve` through the OpenAPI document it serves.

Every operation, every check schemathesis has (server errors, status codes, response schemas,
content types, negative data rejection, auth, unsupported methods, stateful links).
"""
import os
import shutil
import subprocess
import tempfile

from lodestone_process import Lodestone

HERE = os.path.dirname(os.path.abspath(__file__))


def test_schemathesis_finds_nothing():
    workdir = tempfile.mkdtemp()
    server = Lodestone(workdir).start()
    try:
        base = server.base
        result = subprocess.run(
            ["schemathesis", "--config-file", os.path.join(HERE, "schemathesis.toml"), "run", base + "/openapi.yaml",
             "--url", base, "-H", f"Authorization: Bearer {server.key}", "--checks", "all", "--max-examples", "40",
             "--workers", "2", "--seed", "20261121"],
            capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    finally:
        assert server.stop() == 0, "serve did not shut down cleanly on SIGTERM"
        shutil.rmtree(workdir, ignore_errors=True)
