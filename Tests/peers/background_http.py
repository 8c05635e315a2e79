"""An HTTP server on 127.0.0.1 that serves from a background thread while a test drives it."""
import threading
from http.server import ThreadingHTTPServer


class BackgroundHTTPServer:
    """Serves `handler` on a free port from `__enter__` until `__exit__`; `self.port` is that port."""

    def __init__(self, handler, port=0):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()
