#!/usr/bin/env python3
"""A real HTTP receiver for Vigil's alert webhooks, for Vigil's tests and demo (standard library only).

    webhook-receiver.py [--port 0] [--address 127.0.0.1] --secret SECRET [--secret SECRET2 ...]
                        [--record FILE] [--tolerance SECONDS]

Listens on 127.0.0.1 (HTTP/1.1, keep-alive, a thread per connection) and prints
"ready http://127.0.0.1:PORT" on stdout once listening.

Webhooks: a POST to any path outside /_control/ is a webhook. Its body is read whole
(Content-Length, or chunked), and its signature checked the way a real receiver must:

    X-Vigil-Timestamp: 1767225600                  (unix seconds, an integer)
    X-Vigil-Signature: sha256=<hex>                hex = HMAC-SHA256(secret, b"1767225600." + body)

The signature is valid when it matches for ANY of the --secret values (several: a secret being
rotated), compared in constant time (hmac.compare_digest). With --tolerance N (default 0: not
checked) a timestamp more than N seconds away from the receiver's clock is refused too. The
function verify() below is the README's verification example, in Python.

Answers:
- a bad signature (missing, malformed, wrong for every secret, or stale): 401;
- otherwise the next status of the control script (POST /_control/script), 200 when it is empty.
  A 401 does not use up a scripted status.
Answers carry a small JSON body: {"ok": true} (2xx) or {"ok": false, "status": N}.

Every webhook is recorded, before it is answered, as one JSON line appended to the --record file
(flushed and fsynced) and kept in memory:

    {"seq": 1, "method": "POST", "path": "/hooks/vigil", "signature_valid": true,
     "timestamp": 1767225600, "headers": {"x-vigil-timestamp": "...", ...} (names lowercased),
     "body": <the body parsed as JSON, or null>, "body_base64": "...", "body_sha256": "<hex>",
     "status": <the status answered>, "received_at": <unix seconds, a float>}

("timestamp" is the header as an integer, or its raw text when it is not one, or null.)

Control endpoints (never recorded, never refused):
- POST /_control/script with a JSON array of statuses, [500, 500, 200], applied to the next valid
  webhooks in order, then 200 again. An entry may be {"status": 429, "headers": {"Retry-After": "2"}}
  to add headers. POST /_control/script with [] empties the script.
- POST /_control/down with {"seconds": 30}: for that long the receiver is "down": every new
  connection is accepted and closed at once, before its request is read, so the client gets no
  status line at all (connection closed, or reset). The receiver peeks at the first bytes of each
  connection so /_control/ requests still get through; a keep-alive connection opened before has
  its next webhook request closed unanswered (and not recorded) too. {"seconds": 0} ends it early.
  Refused connections are counted: GET /_control/down answers {"down_for": S, "refused": N}.
- GET /_control/received: the JSON array of the webhooks recorded so far.
- GET /healthz: {"ok": true}.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secrets, timestamp, signature, body, tolerance=0, now=None):
    """Whether a Vigil webhook is genuine: `timestamp` and `signature` are the X-Vigil-Timestamp and
    X-Vigil-Signature headers (text), `body` the raw request body (bytes, exactly as received, never
    re-serialized), `secrets` the shared secrets (text) accepted. With a `tolerance` (seconds), a
    timestamp further than that from the clock is refused (replayed or stale)."""
    if not timestamp or not timestamp.isdigit() or not signature or not signature.startswith("sha256="):
        return False
    if tolerance and abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        return False
    given = signature[len("sha256="):].strip().lower()
    message = timestamp.encode() + b"." + body
    # Check every secret (no early exit), each in constant time.
    results = [hmac.compare_digest(hmac.new(secret.encode(), message, hashlib.sha256).hexdigest(), given)
               for secret in secrets]
    return any(results)


class Receiver:
    def __init__(self, secrets, record, tolerance):
        self.secrets = secrets
        self.record_path = record
        self.tolerance = tolerance
        self.lock = threading.Lock()
        self.script = []
        self.received = []
        self.down_until = 0.0
        self.refused = 0
        self.record_file = open(record, "a", encoding="utf-8") if record else None

    def is_down(self):
        return time.monotonic() < self.down_until

    def next_answer(self):
        with self.lock:
            entry = self.script.pop(0) if self.script else 200
        if isinstance(entry, dict):
            return int(entry.get("status", 200)), list((entry.get("headers") or {}).items())
        return int(entry), []

    def record(self, entry):
        with self.lock:
            entry["seq"] = len(self.received) + 1
            self.received.append(entry)
            if self.record_file:
                self.record_file.write(json.dumps(entry, separators=(",", ":")) + "\n")
                self.record_file.flush()
                os.fsync(self.record_file.fileno())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "vigil-webhook-receiver"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self):
        try:
            if self.server.receiver.is_down() and not self.peeks_control():
                with self.server.receiver.lock:
                    self.server.receiver.refused += 1
                self.close_connection = True
                return
            super().handle()
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True

    def finish(self):
        try:
            super().finish()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def peeks_control(self):
        """Whether the connection's first request is for /_control/ (read without taking it)."""
        self.connection.settimeout(5)
        deadline = time.monotonic() + 5
        try:
            while True:
                data = self.connection.recv(64, socket.MSG_PEEK)  # blocks only while nothing came
                if not data or len(data) >= 15 or b"\n" in data or time.monotonic() > deadline:
                    break
                time.sleep(0.01)
        except OSError:
            return False
        finally:
            self.connection.settimeout(None)
        return data.startswith(b"GET /_control/") or data.startswith(b"POST /_control/")

    def log_message(self, *_args):
        pass

    def send_json(self, status, body, headers=()):
        payload = json.dumps(body).encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, str(value))
        if status in (204, 304) or status < 200:
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        self.wfile.flush()

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length", "0") or "0")
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        receiver = self.server.receiver
        if self.path == "/_control/received":
            with receiver.lock:
                entries = list(receiver.received)
            return self.send_json(200, entries)
        if self.path == "/_control/down":
            with receiver.lock:
                left = max(0.0, receiver.down_until - time.monotonic())
                return self.send_json(200, {"down_for": round(left, 3), "refused": receiver.refused})
        if self.path == "/healthz":
            return self.send_json(200, {"ok": True})
        if receiver.is_down():
            self.close_connection = True
            return None
        return self.send_json(404, {"ok": False, "status": 404})

    def do_POST(self):
        receiver = self.server.receiver
        if self.path.startswith("/_control/"):
            return self.control(receiver, self.read_body())
        if receiver.is_down():
            # A keep-alive connection from before the receiver went down: no answer at all.
            with receiver.lock:
                receiver.refused += 1
            self.close_connection = True
            return None
        body = self.read_body()
        timestamp = self.headers.get("X-Vigil-Timestamp")
        valid = verify(receiver.secrets, timestamp, self.headers.get("X-Vigil-Signature"), body, receiver.tolerance)
        status, headers = receiver.next_answer() if valid else (401, [])
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        receiver.record({
            "method": "POST",
            "path": self.path,
            "signature_valid": valid,
            "timestamp": (int(timestamp) if timestamp and timestamp.strip().isdigit() else timestamp),
            "headers": {name.lower(): value for name, value in self.headers.items()},
            "body": parsed,
            "body_base64": base64.b64encode(body).decode(),
            "body_sha256": hashlib.sha256(body).hexdigest(),
            "status": status,
            "received_at": time.time(),
        })
        answer = {"ok": True} if 200 <= status < 300 else {"ok": False, "status": status}
        return self.send_json(status, answer, headers)

    def control(self, receiver, body):
        try:
            value = json.loads(body or b"null")
        except ValueError:
            return self.send_json(400, {"ok": False, "error": "the body is not JSON"})
        if self.path == "/_control/script":
            if not isinstance(value, list):
                return self.send_json(400, {"ok": False, "error": "a JSON array of statuses, please"})
            with receiver.lock:
                receiver.script = list(value)
            return self.send_json(200, {"ok": True, "queued": len(value)})
        if self.path == "/_control/down":
            seconds = float((value or {}).get("seconds", 0)) if isinstance(value, dict) else float(value or 0)
            with receiver.lock:
                receiver.down_until = time.monotonic() + max(0.0, seconds)
            return self.send_json(200, {"ok": True, "down_for": seconds})
        return self.send_json(404, {"ok": False, "error": f"unknown control {self.path}"})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--secret", action="append", required=True, help="a shared secret accepted (repeat for several)")
    parser.add_argument("--record", help="append each webhook received to this file, one JSON line each")
    parser.add_argument("--tolerance", type=float, default=0, help="refuse timestamps further than this from now (seconds; 0: no check)")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.address, args.port), Handler)
    server.daemon_threads = True
    server.receiver = Receiver(args.secret, args.record, args.tolerance)
    print(f"ready http://{args.address}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
