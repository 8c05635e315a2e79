"""A merchant's webhook endpoint for peer tests: checks each delivery's signature twice, as README.md
shows and with the Standard Webhooks library a merchant would use (not code of ours)."""
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler

from standardwebhooks import Webhook, WebhookVerificationError

from background_http import BackgroundHTTPServer


def verify(secret, header, raw_body, tolerance=300):
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    t = next((v for k, v in parts if k == "t"), "")
    if not t.isdigit() or abs(time.time() - int(t)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), t.encode() + b"." + raw_body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, v) for k, v in parts if k == "v1")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        valid = receiver.secret is not None and verify(receiver.secret, self.headers.get("Lodestone-Signature", ""), body)
        if valid:
            try:
                Webhook(receiver.secret).verify(body, {k.lower(): v for k, v in self.headers.items()})
            except WebhookVerificationError:
                valid = False
        with receiver.lock:
            if valid:
                receiver.deliveries.append(json.loads(body))
            else:
                receiver.rejected += 1
        self.send_response(204 if valid else 400)
        self.send_header("Content-Length", "0")
        self.end_headers()


class WebhookReceiver(BackgroundHTTPServer):
    """Accepts (204) only correctly signed deliveries, keeps every one, counts the rest; a context manager."""

    def __init__(self):
        super().__init__(_Handler)
        self.secret = None
        self.lock = threading.Lock()
        self.deliveries = []
        self.rejected = 0
        self.httpd.receiver = self
        self.url = f"http://127.0.0.1:{self.port}/hooks"

    def received(self):
        """Deliveries by event id (a redelivery replaces an earlier copy, as a receiver deduplicates)."""
        with self.lock:
            return {d["id"]: d for d in self.deliveries}
