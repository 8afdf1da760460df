"""A webhook receiver on 127.0.0.1 for the tests: a stdlib HTTP server in a thread, answering a script."""

import http.server
import threading
from dataclasses import dataclass, field


@dataclass
class Received:
    headers: dict
    body: bytes


@dataclass
class Receiver:
    # The status codes to answer, in order; then `default` for ever.
    script: list = field(default_factory=list)
    default: int = 200
    received: list = field(default_factory=list)
    url: str = ""

    def answer(self) -> int:
        return self.script.pop(0) if self.script else self.default


def start_receiver(**kwargs) -> tuple[Receiver, http.server.HTTPServer]:
    receiver = Receiver(**kwargs)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            receiver.received.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            code = receiver.answer()
            self.send_response(code)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    return receiver, server
