#!/usr/bin/python3
"""A real SMTP receiver for Vigil's alert e-mails, for Vigil's tests and demo.

Built on aiosmtpd (Debian's python3-aiosmtpd, 1.4; hence /usr/bin/python3, Debian's own Python):

    smtp-sink.py [--port 0] [--address 127.0.0.1] --directory DIR
                 [--auth-user USER --auth-password PASSWORD]
                 [--starttls-cert CERT.pem --starttls-key KEY.pem [--require-starttls]]

Listens on 127.0.0.1 (with --port 0 it picks a free port itself first, since aiosmtpd's Controller
needs one) and prints "ready smtp://127.0.0.1:PORT" on stdout once it answers.

Each message accepted is written to DIR (created if missing), numbered from 1 on (after any
message already there):
- N.eml: the raw DATA bytes, as received (CRLF line ends, dot-stuffing undone);
- N.json: {"mail_from": "...", "rcpt_tos": ["..."], "size": <bytes of N.eml>, "tls": <whether the
  session had STARTTLS>, "authenticated_as": <the AUTH user, or null>, "received_at": <unix seconds>}.
Both are written to a hidden temporary name, flushed, fsynced and renamed, the .eml first: a reader
that sees N.json finds the whole N.eml beside it.

--auth-user and --auth-password make AUTH (PLAIN or LOGIN) required before MAIL FROM, and allowed
without TLS (on loopback only, for tests); a wrong password is answered 535. With a
--starttls-cert and --starttls-key the server offers STARTTLS (--require-starttls: demands it
before anything else).
"""
import argparse
import json
import logging
import os
import signal
import socket
import ssl
import sys
import threading
import time
import warnings


def free_port(address):
    with socket.socket() as probe:
        probe.bind((address, 0))
        return probe.getsockname()[1]


class Sink:
    """The aiosmtpd handler: writes each message to the directory."""

    def __init__(self, directory):
        self.directory = directory
        self.lock = threading.Lock()
        numbers = [int(name.split(".")[0]) for name in os.listdir(directory)
                   if name.endswith(".json") and name.split(".")[0].isdigit()]
        self.count = max(numbers, default=0)

    def write(self, name, data):
        temporary = os.path.join(self.directory, f".{name}.tmp")
        with open(temporary, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.rename(temporary, os.path.join(self.directory, name))

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        if raw is None:
            raw = envelope.content if isinstance(envelope.content, bytes) else (envelope.content or "").encode("utf-8", "surrogateescape")
        with self.lock:
            self.count += 1
            number = self.count
        auth = session.auth_data
        login = getattr(auth, "login", None)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "size": len(raw),
            "tls": session.ssl is not None,
            "authenticated_as": login.decode("utf-8", "replace") if isinstance(login, bytes) else login,
            "received_at": time.time(),
        }
        self.write(f"{number}.eml", raw)
        self.write(f"{number}.json", json.dumps(meta).encode())
        return "250 Message accepted for delivery"


def authenticator_for(user, password):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticate(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode():
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    return authenticate


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--directory", required=True, help="where received messages are written")
    parser.add_argument("--auth-user")
    parser.add_argument("--auth-password")
    parser.add_argument("--starttls-cert")
    parser.add_argument("--starttls-key")
    parser.add_argument("--require-starttls", action="store_true")
    args = parser.parse_args()
    if (args.auth_user is None) != (args.auth_password is None):
        parser.error("--auth-user and --auth-password go together")
    if (args.starttls_cert is None) != (args.starttls_key is None):
        parser.error("--starttls-cert and --starttls-key go together")
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        sys.exit("smtp-sink: aiosmtpd is missing (sudo apt-get install python3-aiosmtpd)")

    # aiosmtpd warns of AUTH without TLS and of its own deprecated login_data: noise for a test sink.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(args.directory, exist_ok=True)
    options = {"server_hostname": "localhost", "data_size_limit": 64 * 1024 * 1024}
    if args.auth_user is not None:
        # Loopback tests: AUTH without TLS is what we mean, not a mistake to warn about.
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
        options.update(auth_required=True, auth_require_tls=False,
                       authenticator=authenticator_for(args.auth_user, args.auth_password))
    if args.starttls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.starttls_cert, args.starttls_key)
        options.update(tls_context=context, require_starttls=args.require_starttls)

    handler = Sink(args.directory)
    controller = None
    for attempt in range(5):
        port = args.port or free_port(args.address)
        controller = Controller(handler, hostname=args.address, port=port, **options)
        try:
            controller.start()
            break
        except OSError:
            controller = None
            if args.port or attempt == 4:
                raise  # a port of our choosing was taken meanwhile: try another
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"ready smtp://{args.address}:{port}", flush=True)
    while not stop.wait(1):
        pass
    controller.stop()


if __name__ == "__main__":
    main()
