#!/usr/bin/env python3
"""A local stand-in for Google's Gemini generateContent API, for Vigil's tests and demo.

Speaks the real wire format (shared/gemini/README.md) on 127.0.0.1 over HTTP/1.1 with keep-alive:

    POST /v1beta/models/{model}:generateContent     x-goog-api-key: KEY

- promptTokenCount is computed from the real image dimensions (read from the JPEG/PNG bytes) by the
  model family's rule, plus the text (about 4 characters a token);
- the answer is a verdict that is valid against the request's responseJsonSchema (a single camera's
  verdict, or one per camera id for a 2x2 group), with plausible candidatesTokenCount and, when the
  request asks for thinking, thoughtsTokenCount;
- faults can be injected by rate (--faults 429=0.1,503=0.05) or by script (POST /_control/script
  with ["429", "ok", "503"], applied to the next requests in order);
- a verdict is an incident with probability --incident-rate (default 0.05; 0: never), or as scripted
  (the incident kind below, or POST /_control/incidents);
- GET /_control/stats tells how many requests it received, their token sums and how many incident
  verdicts the answers carried ("incident_verdicts"); POST /_control/reset zeroes them (and drops
  the script and the standing incident).

Fault names: ok, 429 (RetryInfo 1s; "429:5s" for another delay), 429-daily (PerDay quota), 400,
400-key (API_KEY_INVALID), 403, 404, 500, 502, 503, 504, slow (sleeps --slow-seconds, default 30,
before answering), truncated (a body cut in half), malformed (candidate text that is not a verdict),
blocked (promptFeedback.blockReason, no candidates), no-usage (a 200 without usageMetadata),
max-tokens (finishReason MAX_TOKENS, no parts).

Scripted incidents (answered like ok: same usage and stats; by_fault names the fault as given):
- incident:CAMERA, incident:CAMERA:TYPE, incident:CAMERA:TYPE:CONFIDENCE (TYPE default theft,
  CONFIDENCE default 0.91): the verdict of camera CAMERA reports incident_detected true, that type,
  that confidence and a one-sentence description ("A person puts goods in a bag at the till.").
  In a group request (one schema property per camera id) only that camera's verdict is the
  incident, the others are "none" verdicts (no camera of that id in the group: all are "none");
  a single-camera request (incident_detected at the top of the schema) is always the incident,
  whatever CAMERA. CAMERA "*" means every camera of the request; "incident" alone is "incident:*".
  Scripted ("incident:till:fire_smoke") or by rate (--faults "incident:till=0.2").
- a standing incident: POST /_control/incidents with {"camera": "till", "type": "theft",
  "confidence": 0.91, "description": "..."} (every field optional; camera default "*") makes EVERY
  following answer carry that incident, as incident:CAMERA:TYPE:CONFIDENCE does, until
  POST /_control/incidents with null or {} clears it (GET /_control/incidents shows it, or null).
  Faults still happen as scripted or drawn; a request answered with a verdict gets the incident,
  and an incident:... fault of its own wins over the standing one for that request.

Hostile faults (what a broken or malicious server could send; each is one request in the stats):
- usage-negative: a valid verdict whose promptTokenCount is -500;
  usage-2p31: promptTokenCount 2147483648 (2^31, past a 32-bit integer);
  usage-int64-max: promptTokenCount 9223372036854775807 (2^63-1; the parts then overflow a 64-bit sum);
  usage-2p63: promptTokenCount 9223372036854775808 (2^63, past a 64-bit integer);
  usage-1e17: promptTokenCount 100000000000000000; usage-float: 12.5; usage-string: "258";
  usage-detail-negative: the IMAGE entry of promptTokensDetails has tokenCount -258;
  usage-count:TEXT: promptTokenCount written as the raw JSON TEXT (usage-count:1e17, usage-count:-0).
  The other counts and totalTokenCount are as for ok.
- retry delays, through the argument of 429 and 429-daily: "429:nans", "429:-5s", "429:1e300s",
  "429-daily:1e300s" (RetryInfo.retryDelay as given);
  429-retry-after:VALUE: a per-minute 429 without RetryInfo, with the header "Retry-After: VALUE"
  ("429-retry-after:nan", "429-retry-after:-1", "429-retry-after:Sun, 06 Nov 1994 08:49:37 GMT").
- large:N: a 200 whose JSON body is N MB long (default 20; Content-Length given);
  large-chunked:N: the same sent chunked, without Content-Length. Sent in pieces, never held whole;
  the client may abandon it.
- deep:N: a 200 whose JSON nests N arrays deep (default 100000).
- html:STATUS: an HTML error page with Content-Type text/html (default status 200; "html:502").
- empty:STATUS: an empty body (Content-Length: 0; default status 200).
- cut-off: headers announce the whole body, half of it is sent, then the connection closes.
- close: the request is read whole, then the connection closes without any response.

Every generateContent request the stand-in reads counts in the stats' "requests", answered or not.

    gemini-standin.py [--port 0] [--api-key KEY] [--faults 503=0.1] [--slow-seconds 30] [--incident-rate 0.05]

Prints "ready http://127.0.0.1:PORT" on stdout once listening.
"""
import argparse
import base64
import hashlib
import json
import math
import random
import socket
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INCIDENT_TYPES = ["none", "theft", "intrusion", "violence", "vandalism", "fire_smoke", "medical", "other"]

# The description of a scripted incident, by type.
INCIDENT_DESCRIPTIONS = {
    "theft": "A person puts goods in a bag at the till.",
    "intrusion": "A person climbs over the back fence after closing time.",
    "violence": "Two people are fighting by the entrance.",
    "vandalism": "A person sprays paint on the shop window.",
    "fire_smoke": "Smoke rises from a bin beside the counter.",
    "medical": "A person lies still on the floor between the shelves.",
    "other": "A person is doing something a guard must see, by the door.",
}


class Incident:
    """A scripted incident: which camera ("*" for every one), its type, confidence and description."""

    def __init__(self, camera="*", kind="theft", confidence=0.91, description=None):
        self.camera = camera or "*"
        self.kind = kind or "theft"
        self.confidence = 0.91 if confidence is None else confidence
        self.description = description or INCIDENT_DESCRIPTIONS.get(self.kind, f"Possible {self.kind.replace('_', ' ')}, in the middle of the frame.")

    @staticmethod
    def parse(argument):
        """From the argument of "incident:CAMERA:TYPE:CONFIDENCE" (every part optional)."""
        parts = argument.split(":") if argument else []
        camera = parts[0] if parts else "*"
        kind = parts[1] if len(parts) > 1 else "theft"
        confidence = float(parts[2]) if len(parts) > 2 and parts[2] else 0.91
        return Incident(camera, kind, confidence)

    @staticmethod
    def from_json(body):
        """From a /_control/incidents body; None (no standing incident) for null or {}."""
        if not body:
            return None
        if not isinstance(body, dict):
            raise ValueError("the body must be an object, or null")
        confidence = body.get("confidence")
        return Incident(body.get("camera"), body.get("type"), None if confidence is None else float(confidence), body.get("description"))

    def applies_to(self, camera):
        return self.camera == "*" or self.camera == camera

    def verdict(self):
        return {"incident_detected": True, "incident_type": self.kind, "confidence": self.confidence,
                "description": self.description}

    def to_json(self):
        return {"camera": self.camera, "type": self.kind, "confidence": self.confidence, "description": self.description}


def image_size(data):
    """(width, height) of a JPEG or PNG, read from its header; None when it is neither."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:2] != b"\xff\xd8":
        return None
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            index += 1
            continue
        marker = data[index + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return width, height
        index += 2 + length
    return None


def image_tokens(model, width, height, resolution=None):
    """Tokens of one image by the model family's rule (shared/gemini/README.md)."""
    if model.startswith("gemini-3"):
        budget = {"MEDIA_RESOLUTION_LOW": 280, "MEDIA_RESOLUTION_MEDIUM": 560}.get(resolution, 1120)
        return math.floor(math.sqrt(budget * width / height)) * math.floor(math.sqrt(budget * height / width))
    if model.startswith("gemini-2.5"):
        return 258
    if width <= 384 and height <= 384:
        return 258
    tile = min(768, max(256, math.floor(min(width, height) / 1.5)))
    tiles = math.ceil(width / tile) * math.ceil(height / tile)
    return 258 * (tiles + 1)


def text_tokens(text):
    return max(1, math.ceil(len(text) / 4)) if text else 0


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, "lock", threading.Lock()):
            self.requests = 0
            self.by_status = {}
            self.by_fault = {}
            self.sums = {"prompt_tokens": 0, "cached_tokens": 0, "candidates_tokens": 0, "thoughts_tokens": 0,
                         "tool_use_tokens": 0, "total_tokens": 0, "image_tokens": 0}
            self.usage_responses = 0
            self.incident_verdicts = 0

    def add_incidents(self, count):
        with self.lock:
            self.incident_verdicts += count

    def add(self, status, fault, usage):
        with self.lock:
            self.requests += 1
            self.by_status[str(status)] = self.by_status.get(str(status), 0) + 1
            self.by_fault[fault] = self.by_fault.get(fault, 0) + 1
            if usage:
                self.usage_responses += 1
                self.sums["prompt_tokens"] += usage.get("promptTokenCount", 0)
                self.sums["cached_tokens"] += usage.get("cachedContentTokenCount", 0)
                self.sums["candidates_tokens"] += usage.get("candidatesTokenCount", 0)
                self.sums["thoughts_tokens"] += usage.get("thoughtsTokenCount", 0)
                self.sums["tool_use_tokens"] += usage.get("toolUsePromptTokenCount", 0)
                self.sums["total_tokens"] += usage.get("totalTokenCount", 0)
                for detail in usage.get("promptTokensDetails", []):
                    if detail["modality"] == "IMAGE":
                        self.sums["image_tokens"] += detail["tokenCount"]

    def snapshot(self):
        with self.lock:
            return {"requests": self.requests, "by_status": dict(self.by_status), "by_fault": dict(self.by_fault),
                    "usage_responses": self.usage_responses, "incident_verdicts": self.incident_verdicts, **self.sums}


class StandIn:
    def __init__(self, api_key, rates, slow_seconds, seed, incident_rate=0.05):
        self.api_key = api_key
        self.rates = rates
        self.slow_seconds = slow_seconds
        self.incident_rate = incident_rate
        self.script = []
        self.standing_incident = None
        self.lock = threading.Lock()
        self.random = random.Random(seed)
        self.stats = Stats()

    def next_fault(self):
        with self.lock:
            if self.script:
                return self.script.pop(0)
            draw = self.random.random()
            for name, rate in self.rates:
                if draw < rate:
                    return name
                draw -= rate
            return "ok"


# promptTokenCount as raw JSON text, for the usage-* faults.
HOSTILE_COUNTS = {
    "usage-negative": "-500",
    "usage-2p31": "2147483648",
    "usage-int64-max": "9223372036854775807",
    "usage-2p63": "9223372036854775808",
    "usage-1e17": "100000000000000000",
    "usage-float": "12.5",
    "usage-string": '"258"',
}


def error_body(code, status, message, details=()):
    return {"error": {"code": code, "message": message, "status": status, "details": list(details)}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = -1
    server_version = "gemini-standin"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            # The client hung up mid-answer (a body over its limit): nothing to report.
            self.close_connection = True

    def finish(self):
        try:
            super().finish()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *_args):
        pass

    def send_json(self, status, body, raw=None, content_type="application/json; charset=UTF-8", headers=()):
        payload = raw if raw is not None else json.dumps(body, indent=None).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    def do_GET(self):
        if self.path == "/_control/stats":
            self.send_json(200, self.server.standin.stats.snapshot())
        elif self.path == "/_control/incidents":
            incident = self.server.standin.standing_incident
            self.send_json(200, incident.to_json() if incident else None)
        elif self.path == "/healthz":
            self.send_json(200, {"ok": True})
        else:
            self.send_json(404, error_body(404, "NOT_FOUND", "unknown path"))

    def read_body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length) if length else b""

    def do_POST(self):
        standin = self.server.standin
        body = self.read_body()
        if self.path == "/_control/reset":
            standin.stats.reset()
            with standin.lock:
                standin.script = []
                standin.standing_incident = None
            return self.send_json(200, {"ok": True})
        if self.path == "/_control/script":
            with standin.lock:
                standin.script.extend(json.loads(body or b"[]"))
            return self.send_json(200, {"queued": len(standin.script)})
        if self.path == "/_control/faults":
            standin.rates = parse_rates(json.loads(body or b'""'))
            return self.send_json(200, {"ok": True})
        if self.path == "/_control/incidents":
            try:
                incident = Incident.from_json(json.loads(body or b"null"))
            except (ValueError, TypeError) as error:
                return self.send_json(400, error_body(400, "INVALID_ARGUMENT", f"bad incident: {error}"))
            with standin.lock:
                standin.standing_incident = incident
            return self.send_json(200, {"ok": True, "incident": incident.to_json() if incident else None})
        path, _, query = self.path.partition("?")
        if "key=" in query:
            # Vigil must never put the key in the URL; a real server would accept it, this one refuses.
            return self.answer(400, "400", error_body(400, "INVALID_ARGUMENT", "API key in the URL: send it in x-goog-api-key"))
        if not (path.startswith("/v1beta/models/") and path.endswith(":generateContent")):
            return self.answer(404, "404", error_body(404, "NOT_FOUND", f"{path} is not found for API version v1beta"))
        model = path[len("/v1beta/models/"):-len(":generateContent")]
        key = self.headers.get("x-goog-api-key")
        if not key or (standin.api_key and key != standin.api_key):
            return self.answer(400, "400-key", error_body(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]))
        try:
            request = json.loads(body)
        except ValueError:
            return self.answer(400, "400", error_body(400, "INVALID_ARGUMENT", "Invalid JSON payload received."))
        fault = standin.next_fault()
        self.respond(model, request, fault)

    def answer(self, status, fault, body, raw=None, usage=None, content_type="application/json; charset=UTF-8", headers=()):
        self.server.standin.stats.add(status, fault, usage)
        self.send_json(status, body, raw, content_type, headers)

    def close_without_answer(self, fault):
        """Reads nothing more and closes the connection: the client gets no status line at all."""
        self.server.standin.stats.add("none", fault, None)
        self.close_connection = True

    def send_large(self, fault, megabytes, chunked):
        """A 200 whose JSON body is `megabytes` MB, written in pieces; the client may hang up."""
        self.server.standin.stats.add(200, fault, None)
        self.close_connection = True
        head = b'{"candidates": [{"content": {"parts": [{"text": "'
        tail = b'"}], "role": "model"}, "finishReason": "STOP", "index": 0}]}'
        total = max(megabytes * 1_000_000, len(head) + len(tail))
        piece = b"a" * 65536
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(total))
            self.end_headers()

            def write(data):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)

            write(head)
            left = total - len(head) - len(tail)
            while left > 0:
                data = piece[:min(left, len(piece))]
                write(data)
                left -= len(data)
            write(tail)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            pass

    def respond(self, model, request, fault):
        standin = self.server.standin
        name, _, argument = fault.partition(":")
        if name == "slow":
            time.sleep(float(argument or standin.slow_seconds))
            name = "ok"
        incident = standin.standing_incident
        if name == "incident":
            try:
                incident = Incident.parse(argument)
            except ValueError:
                return self.answer(400, fault, error_body(400, "INVALID_ARGUMENT", f"bad scripted fault {fault}"))
            name = "ok"
        if name == "429":
            delay = argument or "1s"
            return self.answer(429, fault, error_body(429, "RESOURCE_EXHAUSTED", f"You exceeded your current quota. Please retry in {delay}.", [
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "quotaValue": "5"}]},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}]))
        if name == "429-retry-after":
            return self.answer(429, fault, error_body(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", [
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "quotaValue": "5"}]}]),
                headers=[("Retry-After", argument or "1")])
        if name == "close":
            return self.close_without_answer(fault)
        if name in ("large", "large-chunked"):
            return self.send_large(fault, int(argument or 20), name == "large-chunked")
        if name == "deep":
            depth = int(argument or 100000)
            return self.answer(200, fault, None, raw=b'{"candidates": ' + b"[" * depth + b"]" * depth + b"}")
        if name == "html":
            page = b"<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Bad Gateway</h1></body></html>"
            return self.answer(int(argument or 200), fault, None, raw=page, content_type="text/html; charset=UTF-8")
        if name == "empty":
            return self.answer(int(argument or 200), fault, None, raw=b"")
        if name == "429-daily":
            return self.answer(429, fault, error_body(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota (per day).", [
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier", "quotaValue": "20"}]},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": argument or "3600s"}]))
        simple = {"400": (400, "INVALID_ARGUMENT", "Request contains an invalid argument."),
                  "403": (403, "PERMISSION_DENIED", "Permission denied."),
                  "404": (404, "NOT_FOUND", f"models/{model} is not found for API version v1beta, or is not supported for generateContent."),
                  "500": (500, "INTERNAL", "An internal error has occurred."),
                  "502": (502, "UNAVAILABLE", "Bad gateway."),
                  "503": (503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
                  "504": (504, "DEADLINE_EXCEEDED", "Deadline exceeded.")}
        if name in simple:
            code, status, message = simple[name]
            return self.answer(code, fault, error_body(code, status, message))

        usage, images, text = self.prompt_usage(model, request)
        response = {"modelVersion": model, "responseId": uuid.uuid4().hex[:22]}
        if name == "blocked":
            response["promptFeedback"] = {"blockReason": "PROHIBITED_CONTENT"}
            usage["totalTokenCount"] = usage["promptTokenCount"]
            response["usageMetadata"] = usage
            return self.answer(200, fault, response, usage=usage)
        thinking = self.thinking_tokens(model, request)
        if name == "max-tokens":
            response["candidates"] = [{"content": {"role": "model"}, "finishReason": "MAX_TOKENS", "index": 0}]
            if thinking:
                usage["thoughtsTokenCount"] = thinking
            usage["totalTokenCount"] = usage["promptTokenCount"] + thinking
            response["usageMetadata"] = usage
            return self.answer(200, fault, response, usage=usage)
        answer = self.verdict_text(request, images, incident) if name != "malformed" else "I looked at the picture and everything seems fine, probably."
        candidates = text_tokens(answer)
        usage["candidatesTokenCount"] = candidates
        usage["candidatesTokensDetails"] = [{"modality": "TEXT", "tokenCount": candidates}]
        if thinking:
            usage["thoughtsTokenCount"] = thinking
        usage["totalTokenCount"] = usage["promptTokenCount"] + candidates + thinking
        response["candidates"] = [{"content": {"parts": [{"text": answer}], "role": "model"}, "finishReason": "STOP", "index": 0}]
        if name == "no-usage":
            return self.answer(200, fault, response, usage=None)
        response["usageMetadata"] = usage
        if name == "truncated":
            raw = json.dumps(response).encode()
            return self.answer(200, fault, None, raw=raw[:len(raw) // 2], usage=usage)
        if name == "cut-off":
            raw = json.dumps(response).encode()
            self.server.standin.stats.add(200, fault, None)
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw[:len(raw) // 2])
            self.wfile.flush()
            return None
        hostile = HOSTILE_COUNTS.get(name) or (argument if name == "usage-count" else None)
        if hostile is not None or name == "usage-detail-negative":
            marker = "__hostile_count__"
            if name == "usage-detail-negative":
                hostile = "-258"
                image = [d for d in usage["promptTokensDetails"] if d["modality"] == "IMAGE"] or usage["promptTokensDetails"]
                image[0]["tokenCount"] = marker
            else:
                usage["promptTokenCount"] = marker
            raw = json.dumps(response).encode().replace(b'"' + marker.encode() + b'"', hostile.encode())
            return self.answer(200, fault, None, raw=raw, usage=None)
        return self.answer(200, fault, response, usage=usage)

    def prompt_usage(self, model, request):
        texts, images = [], []
        for part in request.get("systemInstruction", {}).get("parts", []):
            texts.append(part.get("text", ""))
        resolution = request.get("generationConfig", {}).get("mediaResolution")
        for content in request.get("contents", []):
            for part in content.get("parts", []):
                if "text" in part:
                    texts.append(part["text"])
                inline = part.get("inlineData")
                if inline:
                    data = base64.b64decode(inline.get("data", ""))
                    size = image_size(data)
                    if size:
                        images.append((data, size))
        image_count = sum(image_tokens(model, w, h, resolution) for _, (w, h) in images)
        text_count = sum(text_tokens(t) for t in texts)
        details = [{"modality": "TEXT", "tokenCount": text_count}]
        if images:
            details.append({"modality": "IMAGE", "tokenCount": image_count})
        usage = {"promptTokenCount": text_count + image_count, "promptTokensDetails": details}
        return usage, images, texts

    def thinking_tokens(self, model, request):
        config = request.get("generationConfig", {}).get("thinkingConfig")
        if model.startswith("gemini-3"):
            level = (config or {}).get("thinkingLevel", "HIGH")
            return {"MINIMAL": 0, "LOW": 48, "MEDIUM": 160, "HIGH": 420}.get(level, 160)
        if model.startswith("gemini-2.5"):
            budget = (config or {}).get("thinkingBudget", -1)
            if budget == 0:
                return 0
            return 180 if budget < 0 else min(budget, 180)
        return 0

    def verdict_text(self, request, images, scripted=None):
        """The answer's text: one verdict, or one per camera id of a group; `scripted` (an Incident)
        makes its camera's verdict that incident and every other one "none"."""
        schema = request.get("generationConfig", {}).get("responseJsonSchema") or request.get("generationConfig", {}).get("responseSchema") or {}
        properties = schema.get("properties", {})
        seed = hashlib.sha256(images[0][0] if images else b"").digest()
        chooser = random.Random(seed)
        rate = self.server.standin.incident_rate
        incidents = 0

        def one_verdict(camera):
            nonlocal incidents
            if scripted is not None:
                if camera is None or scripted.applies_to(camera):
                    incidents += 1
                    return scripted.verdict()
                return {"incident_detected": False, "incident_type": "none",
                        "confidence": round(0.6 + chooser.random() * 0.39, 2), "description": "quiet"}
            incident = chooser.random() < rate
            kind = chooser.choice(INCIDENT_TYPES[1:]) if incident else "none"
            description = (f"Possible {kind.replace('_', ' ')}: a person near the counter, lower left of the frame." if incident
                           else "quiet")
            incidents += incident
            return {"incident_detected": incident, "incident_type": kind,
                    "confidence": round(0.6 + chooser.random() * 0.39, 2), "description": description}

        compact = (",", ":")
        if "incident_detected" in properties or not properties:
            text = json.dumps(one_verdict(None), separators=compact)
        else:
            text = json.dumps({camera: one_verdict(camera) for camera in properties}, separators=compact)
        self.server.standin.stats.add_incidents(incidents)
        return text


def parse_rates(text):
    rates = []
    for item in filter(None, (text or "").split(",")):
        name, _, rate = item.partition("=")
        rates.append((name.strip(), float(rate)))
    if sum(rate for _, rate in rates) > 1:
        sys.exit("gemini-standin: fault rates add up to more than 1")
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--api-key", default="", help="accept only this key (default: any non-empty key)")
    parser.add_argument("--faults", default="", help="fault rates, such as 429=0.1,503=0.05")
    parser.add_argument("--slow-seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--incident-rate", type=float, default=0.05,
                        help="the chance that a verdict is a (random) incident; 0: never (default 0.05)")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.address, args.port), Handler)
    server.daemon_threads = True
    if not 0 <= args.incident_rate <= 1:
        sys.exit("gemini-standin: --incident-rate must be between 0 and 1")
    server.standin = StandIn(args.api_key, parse_rates(args.faults), args.slow_seconds, args.seed, args.incident_rate)
    print(f"ready http://{args.address}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
