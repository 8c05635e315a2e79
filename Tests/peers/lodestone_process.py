"""A `lodestone serve` process for peer tests: its own wallet, database, API key and port."""
import glob
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

BIN = os.environ.get("LODESTONE_BIN", ".build/debug/lodestone")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lodestone:
    """A development wallet and an operator key in `database` (SQLite in `workdir` by default);
    `start()` serves it; `config` is YAML text."""

    def __init__(self, workdir, config=None, database=None, init_keys=True, environment="production"):
        self.workdir = str(workdir)
        # PostgreSQL deployments share their data key through the environment, as in production.
        self.env = dict(os.environ, LODESTONE_SEED_PASSPHRASE="peer-test-only-passphrase",
                        LODESTONE_DATA_KEY="cGVlci10ZXN0LW9ubHktZGF0YS1rZXktMzItYnl0ZXM=")
        self.database = database or f"sqlite://{self.workdir}/lodestone.sqlite"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.config_path = None
        if config is not None:
            self.write_config(config)
        self.process = None
        self.openapi = None  # the served document, loaded at the first call
        self.log_path = os.path.join(self.workdir, "serve.log")
        if not init_keys:
            return  # another instance on the same database made them
        # The development mnemonic is kept only so tests can check that no log ever shows it.
        self.mnemonic = subprocess.run([BIN, "keys", "init", "--development", "--database", self.database], env=self.env,
                                       check=True, capture_output=True, text=True).stdout.strip()
        # An operator key of `environment`: production for mainnets, sandbox for test networks.
        self.key = subprocess.run([BIN, "apikey", "create", "--role", "operator", "--name", "peer-test", "--environment", environment,
                                   "--database", self.database], env=self.env, check=True, capture_output=True, text=True).stdout.strip()

    def write_config(self, text):
        """Replaces the YAML configuration the next start reads."""
        self.config_path = os.path.join(self.workdir, "lodestone.yaml")
        with open(self.config_path, "w") as f:
            f.write(text)

    def start(self):
        args = [BIN, "serve", "--database", self.database, "--port", str(self.port)]
        if self.config_path:
            args += ["--config", self.config_path]
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(args, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError("serve did not answer /healthz within 60 s:\n" + self.log_tail())

    def stop(self):
        """SIGTERM; returns the exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def kill(self):
        """SIGKILL: a crash, with no chance to finish anything."""
        self.process.kill()
        self.process.wait(timeout=30)

    def log_tail(self, lines=60):
        with open(self.log_path) as f:
            return "".join(f.readlines()[-lines:])

    def call(self, method, path, body=None):
        """(status, decoded JSON body). Every answer is validated against the OpenAPI document the
        instance serves (openapi-core): a response the document does not describe fails the test."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.key}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, raw, headers = answer.status, answer.read(), dict(answer.headers)
        except urllib.error.HTTPError as error:
            status, raw, headers = error.code, error.read(), dict(error.headers)
        self.validate(method, path, data, status, raw, headers)
        return status, json.loads(raw or b"null")

    def validate(self, method, path, data, status, raw, headers):
        if self.openapi is None:
            with urllib.request.urlopen(self.base + "/openapi.yaml", timeout=30) as answer:
                spec = yaml.safe_load(answer.read())
            spec["servers"] = [{"url": self.base}]  # wherever this instance listens
            self.openapi = OpenAPI.from_dict(spec)
        parts = urllib.parse.urlsplit(path)
        args = dict(urllib.parse.parse_qsl(parts.query))
        request = MockRequest(self.base, method.lower(), parts.path, args=args, data=data,
                              headers={"Authorization": f"Bearer {self.key}"})
        response = MockResponse(raw, status_code=status, headers=headers,
                                content_type=headers.get("Content-Type", "").split(";")[0])
        try:
            self.openapi.validate_response(request, response)
        except Exception as error:
            raise AssertionError(f"{method} {path} answered {status} outside the OpenAPI document: {error!r}\n{raw[:500]!r}")

    def get(self, path):
        status, body = self.call("GET", path)
        assert status == 200, f"GET {path}: {status} {body}"
        return body

    def post(self, path, body):
        status, answer = self.call("POST", path, body)
        assert status in (200, 201, 202), f"POST {path}: {status} {answer}"
        return answer

    def every(self, path):
        """All items of a paged list."""
        items, page = [], 1
        separator = "&" if "?" in path else "?"
        while True:
            body = self.get(f"{path}{separator}page={page}&page_size=100")
            items += body["data"]
            if page * body["page_size"] >= body["total"]:
                return items
            page += 1


def fresh_postgres_database():
    """A new, empty database on the test PostgreSQL server (scripts/with-postgres), as a URL; None without one.

    Fails instead when LODESTONE_REQUIRE_POSTGRES is set, so CI cannot skip PostgreSQL silently.
    """
    url = os.environ.get("LODESTONE_TEST_POSTGRES_URL")
    if not url:
        assert not os.environ.get("LODESTONE_REQUIRE_POSTGRES"), "LODESTONE_REQUIRE_POSTGRES is set but no test PostgreSQL is"
        return None
    parts = urllib.parse.urlsplit(url)
    name = f"lodestone_peer_{uuid.uuid4().hex[:12]}"
    createdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/createdb"))[-1]
    subprocess.run([createdb, "-h", parts.hostname, "-p", str(parts.port), "-U", parts.username, name], check=True,
                   env=dict(os.environ, PGPASSWORD=parts.password or ""), capture_output=True)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))
