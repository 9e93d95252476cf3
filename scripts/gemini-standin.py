#!/usr/bin/env python3
"""A local stand-in for Google's Gemini API (the Developer API's REST surface), for Vigil's tests and demo.

Speaks the real wire format (shared/gemini/README.md, checked against Google's Python SDK
google-genai 3.6.1) on 127.0.0.1 over HTTP/1.1 with keep-alive:

    POST /v1beta/models/{model}:generateContent          x-goog-api-key: KEY
    POST /v1beta/models/{model}:streamGenerateContent?alt=sse
    POST /v1beta/models/{model}:countTokens

/v1/ is served exactly as /v1beta/ (google-genai 3.6.1 calls /v1/ unless told api_version="v1beta").

Requests
- Every request field is read in its camelCase and its snake_case spelling (the SDK sends the inside
  of some objects as snake_case: {"inlineData": {"mime_type": ...}}, {"thinkingConfig":
  {"thinking_budget": 0, "include_thoughts": true}}): systemInstruction, contents, parts, inlineData,
  mimeType, generationConfig, thinkingConfig, thinkingBudget, thinkingLevel, includeThoughts,
  responseJsonSchema, responseSchema, mediaResolution, serviceTier, maxOutputTokens, ...
- Image bytes (inlineData.data) are base64 in either alphabet (standard "+/" or URL-safe "-_", which
  the SDK sends), padded or not. Bytes that are not base64 are refused with a 400 INVALID_ARGUMENT
  naming the field, as Google does ("Invalid value at 'contents[0].parts[0].inline_data.data'
  (TYPE_BYTES), Base64 decoding failed for ..."); so are a JPEG or PNG whose size cannot be read,
  contents that are missing or not a list, and an unknown serviceTier.
- The key goes in the x-goog-api-key header. No key: 403 PERMISSION_DENIED ("Method doesn't allow
  unregistered callers ..."), as the real API answers. With --api-key, any other key: 400
  INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID, LocalizedMessage and DebugInfo ("Invalid
  API key: KEY", the key echoed as Google does), like recorded file 14. A key in the URL (?key=) is
  refused with a 400: Vigil must never put it there (the real API would accept it).
- A handler never dies: any request it cannot read is a 400 JSON error body, any fault of its own
  a 500 JSON error body (INTERNAL); only the close and cut-off faults drop a connection on purpose.

Answers (generateContent)
- promptTokenCount is computed from the real image dimensions (read from the JPEG/PNG bytes) by the
  model family's rule, plus the text (about 4 characters a token); promptTokensDetails lists TEXT
  then IMAGE. Gemini 3: floor(sqrt(B*w/h)) * floor(sqrt(B*h/w)) with B = 280 (LOW), 560 (MEDIUM),
  1120 (HIGH, the default), and 2240 for MEDIA_RESOLUTION_ULTRA_HIGH (an ASSUMPTION: twice HIGH; no
  recorded response says). An image part's own "mediaResolution": {"level": ...} wins over
  generationConfig.mediaResolution. Gemini 2.x ignores mediaResolution here.
- the answer is a verdict that is valid against the request's responseJsonSchema (or
  responseSchema): a single camera's verdict, or one per camera id for a 2x2 group; any other schema
  gets a plain instance of itself (first enum value, "example", 1, 0.5, false, minItems items).
- candidatesTokenCount from the answer's text; thoughtsTokenCount when the model thinks: Gemini 2.5
  by thinkingBudget (absent or -1: 180; 0: none; N: min(N, 180); gemini-2.5-pro refuses 0 with a 400
  "Budget 0 is invalid. This model only works in thinking mode."), Gemini 3 by thinkingLevel
  (MINIMAL 0, LOW 48, MEDIUM 160, HIGH 420, the default). With includeThoughts and thoughts, the
  answer is preceded by a thought summary part {"text": ..., "thought": true} and carries an opaque
  base64 thoughtSignature. Thinking counts against maxOutputTokens: over it, finishReason MAX_TOKENS
  (the answer cut, or no parts at all when the thoughts spent it).
- like real 2.5/3 Developer-API bodies: no candidatesTokensDetails; usageMetadata.serviceTier names
  the tier that served the call (the request's serviceTier, "standard" when it names none);
  modelVersion is the model of the URL; responseId is 23 characters of URL-safe base64.
- streamGenerateContent?alt=sse answers server-sent events, "data: {json}\\r\\n\\r\\n", chunked: a
  thought summary chunk first when asked for, the answer's text split over 2 or more chunks, and
  finishReason and usageMetadata on the last chunk only. Without alt=sse it answers the JSON array of
  the same chunks (and an error as a one-element array), as the real API does.
- countTokens answers like recorded file 17: {"totalTokens": N, "promptTokensDetails": [...]}, N the
  promptTokenCount generateContent reports for the same contents (it takes "contents", or a
  "generateContentRequest" with contents, systemInstruction and generationConfig). It uses no fault
  and is not one of the stats' "requests" ("count_tokens" counts it).

Faults and control
- faults can be injected by rate (--faults 429=0.1,503=0.05) or by script (POST /_control/script
  with ["429", "ok", "503"], applied to the next generateContent requests in order); POST
  /_control/faults with a JSON string ("503=0.1", "" for none) replaces the rates. A fault name the
  stand-in does not know, or a bad argument ("slow:soon", "tier:gold"), is refused: the control
  endpoint answers 400 naming it (and queues nothing), --faults exits at start-up.
- a verdict is an incident with probability --incident-rate (default 0.05; 0: never), or as scripted
  (the incident fault below, or POST /_control/incidents);
- GET /_control/stats tells how many generateContent requests it received ("requests"), by status,
  by fault, by served tier ("by_tier") and by API version of the URL ("by_version", countTokens
  calls included), how many were streamed ("streamed"), how many countTokens
  calls it answered ("count_tokens"), their token sums and how many incident verdicts the answers
  carried ("incident_verdicts"); POST /_control/reset zeroes them (and drops the script and the
  standing incident).

Fault names: ok, 429 (RetryInfo 1s; "429:5s" for another delay; the body is shaped like recorded
file 16: Help, QuotaFailure with quotaMetric, quotaId, quotaDimensions and quotaValue, RetryInfo),
429-daily (PerDay quota), 400, 400-key (API_KEY_INVALID, exactly like recorded file 14), 403, 404
(models/MODEL is not found ..., with DebugInfo, like recorded file 15), 500, 502, 503, 504 (no
"details" key, as real 5xx bodies), slow (sleeps --slow-seconds, default 30, before answering;
"slow:6" for 6 s), truncated (a body cut in half), malformed (candidate text that is not a verdict),
blocked (promptFeedback.blockReason, no candidates), no-usage (a 200 without usageMetadata),
max-tokens (finishReason MAX_TOKENS, no parts).

Service tiers (answered like ok otherwise):
- tier-standard: the request is served, and reported (usageMetadata.serviceTier), as "standard"
  whatever tier it asked for: what happens to a priority request over its priority limit.
- tier:TIER (flex, standard or priority): the request is served, and reported, at that tier.
- shed: a flex request is shed: 503 UNAVAILABLE; "shed:429" sheds it with a 429 RESOURCE_EXHAUSTED
  (no RetryInfo). A request that did not ask for flex is not shed: it is answered like ok.

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

Every generateContent request the stand-in reads counts in the stats' "requests", answered or not (refused ones
too: a missing or wrong key, an unreadable body).

    gemini-standin.py [--port 0] [--api-key KEY] [--faults 503=0.1] [--slow-seconds 30] [--incident-rate 0.05]

Prints "ready http://127.0.0.1:PORT" on stdout once listening.
"""
import argparse
import base64
import hashlib
import json
import math
import os
import random
import re
import socket
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

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

TIERS = ("flex", "standard", "priority")

# Gemini 3's token budget B per media resolution; ULTRA_HIGH's 2240 is an assumption (twice HIGH).
GEMINI3_BUDGETS = {"MEDIA_RESOLUTION_LOW": 280, "MEDIA_RESOLUTION_MEDIUM": 560, "MEDIA_RESOLUTION_HIGH": 1120,
                   "MEDIA_RESOLUTION_ULTRA_HIGH": 2240}

# The thought summary part of an answer whose request asks for thoughts (includeThoughts).
THOUGHT_SUMMARY = ("**Checking the frame for people and what they do**\n\nI'm going over the picture for people, what "
                   "they are doing and anything out of place near the counter and the door, then writing the verdict "
                   "the schema asks for.\n")


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


# ---------------------------------------------------------------------------------------------
# Fault names: each with a check of its argument (the text after the first ":"), which raises
# ValueError when the argument is not one the fault takes.


def _no_argument(argument):
    if argument:
        raise ValueError("takes no argument")


def _optional_number(kind, low=None):
    def check(argument):
        if not argument:
            return
        value = kind(argument)
        if low is not None and value < low:
            raise ValueError(f"must be at least {low}")
    return check


def _optional_status(argument):
    if argument and not 100 <= int(argument) <= 599:
        raise ValueError("must be an HTTP status")


def _any_argument(_argument):
    pass


def _required_argument(argument):
    if not argument:
        raise ValueError("needs an argument")


def _incident_argument(argument):
    Incident.parse(argument)


def _tier_argument(argument):
    if argument not in TIERS:
        raise ValueError(f"must be one of {', '.join(TIERS)}")


def _shed_argument(argument):
    if argument not in ("", "503", "429"):
        raise ValueError("must be 503 or 429")


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

FAULTS = {
    "ok": _no_argument,
    "429": _any_argument,  # the retry delay as given, hostile ones included ("nans", "-5s")
    "429-daily": _any_argument,
    "429-retry-after": _any_argument,
    "400": _no_argument,
    "400-key": _no_argument,
    "403": _no_argument,
    "404": _no_argument,
    "500": _no_argument,
    "502": _no_argument,
    "503": _no_argument,
    "504": _no_argument,
    "slow": _optional_number(float, 0),
    "truncated": _no_argument,
    "malformed": _no_argument,
    "blocked": _no_argument,
    "no-usage": _no_argument,
    "max-tokens": _no_argument,
    "incident": _incident_argument,
    "usage-detail-negative": _no_argument,
    "usage-count": _required_argument,
    "large": _optional_number(int, 0),
    "large-chunked": _optional_number(int, 0),
    "deep": _optional_number(int, 1),
    "html": _optional_status,
    "empty": _optional_status,
    "cut-off": _no_argument,
    "close": _no_argument,
    "tier-standard": _no_argument,
    "tier": _tier_argument,
    "shed": _shed_argument,
    **{name: _no_argument for name in HOSTILE_COUNTS},
}


def check_fault(fault):
    """Raises ValueError naming `fault` when the stand-in does not know it or its argument."""
    if not isinstance(fault, str):
        raise ValueError(f"fault {json.dumps(fault)} is not a string")
    name, _, argument = fault.partition(":")
    check = FAULTS.get(name)
    if check is None:
        raise ValueError(f"unknown fault {fault!r}")
    try:
        check(argument)
    except (ValueError, TypeError) as error:
        raise ValueError(f"bad fault {fault!r}: {error}") from None


def parse_rates(text):
    """[(fault, rate)] from "429=0.1,503:x=0.05"; ValueError for an unknown fault, a bad rate, or a sum over 1."""
    rates = []
    if not isinstance(text, str):
        raise ValueError("the fault rates must be a string such as \"503=0.1,429=0.05\"")
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, equals, rate = item.rpartition("=")
        if not equals:
            raise ValueError(f"fault rate {item!r} has no \"=RATE\"")
        name = name.strip()
        check_fault(name)
        try:
            value = float(rate)
        except ValueError:
            raise ValueError(f"fault rate {item!r}: {rate!r} is not a number") from None
        if not 0 <= value <= 1:
            raise ValueError(f"fault rate {item!r}: the rate must be between 0 and 1")
        rates.append((name, value))
    if sum(rate for _, rate in rates) > 1:
        raise ValueError("fault rates add up to more than 1")
    return rates


# ---------------------------------------------------------------------------------------------
# Reading requests.


class BadRequest(Exception):
    """A request the real API refuses with 400 INVALID_ARGUMENT; `field` names the offending field."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field

    def body(self):
        error = {"code": 400, "message": self.message, "status": "INVALID_ARGUMENT"}
        if self.field:
            error["details"] = [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                 "fieldViolations": [{"field": self.field, "description": self.message}]}]
        return {"error": error}


def snake(name):
    return re.sub(r"([A-Z])", lambda match: "_" + match.group(1).lower(), name)


def field(obj, name, default=None):
    """obj[name] in its camelCase or its snake_case spelling (camelCase first); default when absent or null."""
    if not isinstance(obj, dict):
        return default
    value = obj.get(name)
    if value is None:
        value = obj.get(snake(name))
    return default if value is None else value


def decode_base64(text, path):
    """Bytes of base64 text in either alphabet ("+/" or "-_"), padded or not; BadRequest otherwise."""
    def refuse():
        shown = text if isinstance(text, str) and len(text) <= 64 else (str(text)[:64] + "...")
        message = f"Invalid value at '{path}' (TYPE_BYTES), Base64 decoding failed for \"{shown}\""
        return BadRequest(message, path)
    if not isinstance(text, str):
        raise refuse()
    cleaned = "".join(text.split()).rstrip("=")
    if len(cleaned) % 4 == 1 or not re.fullmatch(r"[A-Za-z0-9+/_-]*", cleaned):
        raise refuse()
    cleaned = cleaned.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except ValueError:
        raise refuse() from None


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
        if marker in (0xD8, 0x01, 0xFF) or 0xD0 <= marker <= 0xD7:
            index += 1 if marker == 0xFF else 2
            continue
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            if index + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return (width, height) if width and height else None
        index += 2 + length
    return None


def resolution_level(value):
    """MEDIA_RESOLUTION_... from a generationConfig value ("MEDIA_RESOLUTION_LOW") or a part's ({"level": ...})."""
    if isinstance(value, dict):
        value = field(value, "level")
    if not isinstance(value, str):
        return None
    value = value.upper()
    if not value.startswith("MEDIA_RESOLUTION_"):
        value = "MEDIA_RESOLUTION_" + value
    return value if value in GEMINI3_BUDGETS else None


def image_tokens(model, width, height, resolution=None):
    """Tokens of one image by the model family's rule (shared/gemini/README.md)."""
    if model.startswith("gemini-3"):
        budget = GEMINI3_BUDGETS.get(resolution, 1120)
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


def served_tier(request):
    """The tier a request asks for ("flex", "standard", "priority"); BadRequest for another value."""
    tier = field(request, "serviceTier")
    if tier is None:
        return "standard"
    if isinstance(tier, str):
        normal = tier.lower()
        if normal.startswith("service_tier_"):
            normal = normal[len("service_tier_"):]
        if normal in ("", "unspecified"):
            return "standard"
        if normal in TIERS:
            return normal
    raise BadRequest(f"Invalid value at 'service_tier' (type.googleapis.com/google.ai.generativelanguage.v1beta.ServiceTier), "
                     f"{json.dumps(tier)}", "service_tier")


def response_id():
    """Like the real ones ("M-uTacnmH_-J6dkPluq3yQ0"): 17 random bytes as unpadded URL-safe base64."""
    return base64.urlsafe_b64encode(os.urandom(17)).rstrip(b"=").decode()


def thought_signature():
    """Opaque, like the real ones: standard base64 of bytes starting 0x0a (a protobuf field)."""
    size = random.randint(120, 220)
    return base64.b64encode(bytes([0x0A, size & 0x7F | 0x80, 0x01]) + os.urandom(size)).decode()


# ---------------------------------------------------------------------------------------------
# Error bodies like the recorded ones.


def error_body(code, status, message, details=None):
    """{"error": {...}}; `details` only when given (real 5xx bodies have no "details" key)."""
    error = {"code": code, "message": message, "status": status}
    if details is not None:
        error["details"] = list(details)
    return {"error": error}


def key_invalid_body(key):
    """Recorded file 14 (the real API echoes the key it refused in DebugInfo)."""
    message = "API key not valid. Please pass a valid API key."
    return error_body(400, "INVALID_ARGUMENT", message, [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com",
         "metadata": {"service": "generativelanguage.googleapis.com"}},
        {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": message},
        {"@type": "type.googleapis.com/google.rpc.DebugInfo", "detail": f"Invalid API key: {key}"}])


def no_key_body():
    return error_body(403, "PERMISSION_DENIED",
                      "Method doesn't allow unregistered callers (callers without established identity). Please use API "
                      "Key or other form of API consumer identity to call this API.")


def not_found_body(model, version, method):
    """Recorded file 15."""
    message = (f"models/{model} is not found for API version {version}, or is not supported for {method}. Call ListModels "
               "to see the list of available models and their supported methods.")
    escaped = message.replace("\\", "\\\\").replace('"', '\\"')
    return error_body(404, "NOT_FOUND", message, [
        {"@type": "type.googleapis.com/google.rpc.DebugInfo",
         "detail": f"[ORIGINAL ERROR] generic::not_found: {message} [google.rpc.error_details_ext] {{ message: \"{escaped}\" }}"}])


def quota_body(model, message, quota_id, quota_value, metric, delay=None):
    """Recorded file 16: Help, QuotaFailure (quotaMetric, quotaId, quotaDimensions, quotaValue), RetryInfo."""
    details = [
        {"@type": "type.googleapis.com/google.rpc.Help",
         "links": [{"description": "Learn more about Gemini API quotas", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
         "violations": [{"quotaMetric": f"generativelanguage.googleapis.com/{metric}", "quotaId": quota_id,
                         "quotaDimensions": {"model": model, "location": "global"}, "quotaValue": quota_value}]}]
    if delay is not None:
        details.append({"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay})
    text = ("You exceeded your current quota, please check your plan and billing details. For more information on this "
            "error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: "
            f"https://ai.dev/rate-limit. \n* Quota exceeded for metric: generativelanguage.googleapis.com/{metric}, limit: "
            f"{quota_value}, model: {model}")
    if message:
        text += "\n" + message
    return error_body(429, "RESOURCE_EXHAUSTED", text, details)


# ---------------------------------------------------------------------------------------------
# The server's state.


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, "lock", threading.Lock()):
            self.requests = 0
            self.by_status = {}
            self.by_fault = {}
            self.by_tier = {}
            self.by_version = {}
            self.streamed = 0
            self.count_tokens = 0
            self.sums = {"prompt_tokens": 0, "cached_tokens": 0, "candidates_tokens": 0, "thoughts_tokens": 0,
                         "tool_use_tokens": 0, "total_tokens": 0, "image_tokens": 0}
            self.usage_responses = 0
            self.incident_verdicts = 0

    def add_incidents(self, count):
        with self.lock:
            self.incident_verdicts += count

    def add_count_tokens(self):
        with self.lock:
            self.count_tokens += 1

    def add_version(self, version):
        with self.lock:
            self.by_version[version] = self.by_version.get(version, 0) + 1

    def add(self, status, fault, usage, streamed=False, tier=None):
        with self.lock:
            self.requests += 1
            self.streamed += 1 if streamed else 0
            self.by_status[str(status)] = self.by_status.get(str(status), 0) + 1
            self.by_fault[fault] = self.by_fault.get(fault, 0) + 1
            if tier:
                self.by_tier[tier] = self.by_tier.get(tier, 0) + 1
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
                    "by_tier": dict(self.by_tier), "by_version": dict(self.by_version), "streamed": self.streamed, "count_tokens": self.count_tokens,
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


class Route:
    """What a POST asks for: /{version}/models/{model}:{method}[?alt=sse]."""

    PATTERN = re.compile(r"^/(v1|v1beta)/models/([^/:]+):(generateContent|streamGenerateContent|countTokens)$")

    def __init__(self, version, model, method, query):
        self.version = version
        self.model = model
        self.method = method
        self.stream = method == "streamGenerateContent"
        self.sse = self.stream and "sse" in query.get("alt", [])

    @classmethod
    def parse(cls, target):
        path, _, query = target.partition("?")
        match = cls.PATTERN.match(path)
        if not match:
            return None
        return cls(match.group(1), match.group(2), match.group(3), parse_qs(query))


# ---------------------------------------------------------------------------------------------
# The prompt: its tokens, its images, its thinking.


class Prompt:
    """The parts of a generateContent (or countTokens) request that set its usage."""

    def __init__(self, model, request, method="generateContent"):
        if not isinstance(request, dict):
            raise BadRequest("Invalid JSON payload received. Expected an object at the top level.")
        self.model = model
        self.request = request
        self.config = field(request, "generationConfig", {})
        if not isinstance(self.config, dict):
            raise BadRequest("Invalid value at 'generation_config' (type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig)",
                             "generation_config")
        self.thinking_config = field(self.config, "thinkingConfig", {})
        if not isinstance(self.thinking_config, dict):
            raise BadRequest("Invalid value at 'generation_config.thinking_config'", "generation_config.thinking_config")
        texts, images = [], []
        system = field(request, "systemInstruction")
        if system is not None:
            if isinstance(system, str):
                system = {"parts": [{"text": system}]}
            for index, part in enumerate(self.parts_of(system, "system_instruction")):
                self.read_part(part, f"system_instruction.parts[{index}]", None, texts, images)
        contents = field(request, "contents")
        if contents is None:
            if method != "countTokens":
                raise BadRequest("* GenerateContentRequest.contents: contents is not specified\n")
            contents = []
        if isinstance(contents, dict):
            contents = [contents]
        if not isinstance(contents, list):
            raise BadRequest("Invalid value at 'contents' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content)", "contents")
        default_resolution = resolution_level(field(self.config, "mediaResolution"))
        for number, content in enumerate(contents):
            for index, part in enumerate(self.parts_of(content, f"contents[{number}]")):
                self.read_part(part, f"contents[{number}].parts[{index}]", default_resolution, texts, images)
        self.texts = texts
        self.images = images  # [(bytes, (width, height), tokens)]
        self.image_tokens = sum(tokens for _, _, tokens in images)
        self.text_tokens = sum(text_tokens(text) for text in texts)

    @staticmethod
    def parts_of(content, path):
        if not isinstance(content, dict):
            raise BadRequest(f"Invalid value at '{path}' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content)", path)
        parts = field(content, "parts", [])
        if not isinstance(parts, list) or not all(isinstance(part, dict) for part in parts):
            raise BadRequest(f"Invalid value at '{path}.parts' (type.googleapis.com/google.ai.generativelanguage.v1beta.Part)",
                             f"{path}.parts")
        return parts

    def read_part(self, part, path, default_resolution, texts, images):
        text = part.get("text")
        if text is not None:
            if not isinstance(text, str):
                raise BadRequest(f"Invalid value at '{path}.text' (TYPE_STRING), {json.dumps(text)}", f"{path}.text")
            texts.append(text)
        inline = field(part, "inlineData")
        if inline is None:
            return
        if not isinstance(inline, dict):
            raise BadRequest(f"Invalid value at '{path}.inline_data' (type.googleapis.com/google.ai.generativelanguage.v1beta.Blob)",
                             f"{path}.inline_data")
        data = decode_base64(field(inline, "data", ""), f"{path}.inline_data.data")
        mime = str(field(inline, "mimeType", "")).lower()
        size = image_size(data)
        if size is None:
            if mime in ("image/jpeg", "image/jpg", "image/png") and data:
                raise BadRequest("Unable to process input image. Please retry or report in "
                                 "https://developers.generativeai.google/guide/troubleshooting")
            return
        resolution = resolution_level(field(part, "mediaResolution")) or default_resolution
        images.append((data, size, image_tokens(self.model, size[0], size[1], resolution)))

    def usage(self):
        details = [{"modality": "TEXT", "tokenCount": self.text_tokens}]
        if self.images:
            details.append({"modality": "IMAGE", "tokenCount": self.image_tokens})
        return {"promptTokenCount": self.text_tokens + self.image_tokens, "promptTokensDetails": details}

    def include_thoughts(self):
        return bool(field(self.thinking_config, "includeThoughts", False))

    def max_output_tokens(self):
        value = field(self.config, "maxOutputTokens")
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None

    def thinking_tokens(self):
        config = self.thinking_config
        if self.model.startswith("gemini-3"):
            level = str(field(config, "thinkingLevel", "HIGH")).upper()
            return {"MINIMAL": 0, "LOW": 48, "MEDIUM": 160, "HIGH": 420}.get(level, 160)
        if self.model.startswith("gemini-2.5"):
            budget = field(config, "thinkingBudget", -1)
            if not isinstance(budget, (int, float)) or isinstance(budget, bool):
                raise BadRequest(f"Invalid value at 'generation_config.thinking_config.thinking_budget' (TYPE_INT32), {json.dumps(budget)}",
                                 "generation_config.thinking_config.thinking_budget")
            if budget == 0:
                if "pro" in self.model:
                    raise BadRequest("Budget 0 is invalid. This model only works in thinking mode.")
                return 0
            return 180 if budget < 0 else int(min(budget, 180))
        return 0

    def schema(self):
        schema = field(self.config, "responseJsonSchema") or field(self.config, "responseSchema") or {}
        return schema if isinstance(schema, dict) else {}


def schema_instance(schema, depth=0):
    """A plain value valid against a JSON Schema or an OpenAPI-subset schema."""
    if not isinstance(schema, dict) or depth > 12:
        return "example"
    for choice in ("anyOf", "any_of", "oneOf"):
        if isinstance(schema.get(choice), list) and schema[choice]:
            return schema_instance(schema[choice][0], depth + 1)
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if str(k).lower() != "null"), "string")
    kind = str(kind or ("object" if "properties" in schema else "string")).lower()
    if kind == "object":
        properties = schema.get("properties") or {}
        return {name: schema_instance(sub, depth + 1) for name, sub in properties.items()} if isinstance(properties, dict) else {}
    if kind == "array":
        count = max(1, int(schema.get("minItems", schema.get("min_items", 1)) or 1))
        return [schema_instance(schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return schema.get("minimum", 0.5)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return "example"


def is_verdict_schema(schema):
    """Whether a group's property is a camera verdict (or says nothing of its shape)."""
    if not isinstance(schema, dict):
        return True
    properties = schema.get("properties")
    if isinstance(properties, dict):
        return "incident_detected" in properties
    return "type" not in schema and "enum" not in schema


# ---------------------------------------------------------------------------------------------
# The HTTP handler.


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

    def send_response(self, code, message=None):
        self.headers_sent = True
        super().send_response(code, message)

    def send_json(self, status, body, raw=None, content_type="application/json; charset=UTF-8", headers=()):
        payload = raw if raw is not None else json.dumps(body, indent=2).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    def safely(self, handler):
        """Runs `handler`; whatever it raises becomes a JSON error answer (400 or 500), never a dead thread."""
        self.headers_sent = False
        self.counted = False
        self.counts_as_request = False
        self.route = None
        try:
            handler()
        except (BrokenPipeError, ConnectionResetError):
            raise
        except BadRequest as error:
            self.fail(400, "invalid-request", error.body())
        except Exception as error:  # noqa: BLE001 - a stand-in must answer whatever went wrong
            traceback.print_exc(file=sys.stderr)
            self.fail(500, "internal-error", error_body(500, "INTERNAL", f"An internal error has occurred: {type(error).__name__}: {error}"))

    def fail(self, status, fault, body):
        if self.headers_sent:
            # Too late for a status line: end the connection so the client sees a cut answer.
            self.close_connection = True
            return
        if self.counts_as_request and not self.counted:
            self.server.standin.stats.add(status, fault, None)
            self.counted = True
        try:
            self.send_json(status, body)
        except OSError:
            self.close_connection = True

    def do_GET(self):
        self.safely(self.get)

    def do_POST(self):
        self.safely(self.post)

    def get(self):
        self.read_body()
        if self.path == "/_control/stats":
            self.send_json(200, self.server.standin.stats.snapshot())
        elif self.path == "/_control/incidents":
            incident = self.server.standin.standing_incident
            self.send_json(200, incident.to_json() if incident else None)
        elif self.path == "/healthz":
            self.send_json(200, {"ok": True})
        else:
            self.send_json(404, error_body(404, "NOT_FOUND", f"The requested URL {self.path.partition('?')[0]} was not found on this server."))

    def read_body(self):
        """The request body, by Content-Length or chunked; BadRequest when it cannot be read."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = bytearray()
            while True:
                line = self.rfile.readline(65537)
                try:
                    size = int(line.split(b";")[0].strip() or b"x", 16)
                except ValueError:
                    self.close_connection = True
                    raise BadRequest("Invalid chunked request body.") from None
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline(65537)
        text = self.headers.get("Content-Length", "0").strip() or "0"
        if not text.isdigit():
            self.close_connection = True
            raise BadRequest("Invalid Content-Length.")
        length = int(text)
        return self.rfile.read(length) if length else b""

    def control(self, body):
        """POST /_control/...: True when the path was one."""
        standin = self.server.standin
        if self.path == "/_control/reset":
            standin.stats.reset()
            with standin.lock:
                standin.script = []
                standin.standing_incident = None
            self.send_json(200, {"ok": True})
            return True
        if self.path == "/_control/script":
            try:
                faults = json.loads(body or b"[]")
                if not isinstance(faults, list):
                    raise ValueError("the script must be a JSON array of fault names, such as [\"429\", \"ok\"]")
                for fault in faults:
                    check_fault(fault)
            except ValueError as error:
                self.send_json(400, error_body(400, "INVALID_ARGUMENT", f"script refused: {error}"))
                return True
            with standin.lock:
                standin.script.extend(faults)
                queued = len(standin.script)
            self.send_json(200, {"queued": queued})
            return True
        if self.path == "/_control/faults":
            try:
                rates = parse_rates(json.loads(body or b'""'))
            except ValueError as error:
                self.send_json(400, error_body(400, "INVALID_ARGUMENT", f"fault rates refused: {error}"))
                return True
            standin.rates = rates
            self.send_json(200, {"ok": True})
            return True
        if self.path == "/_control/incidents":
            try:
                incident = Incident.from_json(json.loads(body or b"null"))
            except (ValueError, TypeError) as error:
                self.send_json(400, error_body(400, "INVALID_ARGUMENT", f"bad incident: {error}"))
                return True
            with standin.lock:
                standin.standing_incident = incident
            self.send_json(200, {"ok": True, "incident": incident.to_json() if incident else None})
            return True
        if self.path.startswith("/_control/"):
            self.send_json(404, error_body(404, "NOT_FOUND", f"no control endpoint {self.path}"))
            return True
        return False

    def post(self):
        standin = self.server.standin
        body = self.read_body()
        if self.control(body):
            return
        route = Route.parse(self.path)
        self.route = route
        counting_tokens = route is not None and route.method == "countTokens"
        # Every generateContent request (and anything else that is not countTokens) is one of the stats' requests.
        self.counts_as_request = not counting_tokens
        if counting_tokens:
            standin.stats.add_count_tokens()
        if route is not None:
            standin.stats.add_version(route.version)
        _, _, query = self.path.partition("?")
        if "key" in parse_qs(query):
            # Vigil must never put the key in the URL; a real server would accept it, this one refuses.
            return self.answer(400, "400", error_body(400, "INVALID_ARGUMENT", "API key in the URL: send it in x-goog-api-key"))
        if route is None:
            path = self.path.partition("?")[0]
            return self.answer(404, "404", error_body(404, "NOT_FOUND", f"The requested URL {path} was not found on this server."))
        key = self.headers.get("x-goog-api-key")
        if not key:
            return self.answer(403, "no-key", no_key_body())
        if standin.api_key and key != standin.api_key:
            return self.answer(400, "400-key", key_invalid_body(key))
        try:
            request = json.loads(body)
        except ValueError:
            message = "Invalid JSON payload received. Unexpected token."
            return self.answer(400, "400", error_body(400, "INVALID_ARGUMENT", message, [
                {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{"description": message}]}]))
        if counting_tokens and isinstance(field(request, "generateContentRequest"), dict):
            request = field(request, "generateContentRequest")
        prompt = Prompt(route.model, request, route.method)
        if counting_tokens:
            usage = prompt.usage()
            return self.send_json(200, {"totalTokens": usage["promptTokenCount"], "promptTokensDetails": usage["promptTokensDetails"]})
        # Refused before any fault is drawn, as the real API checks a request before it runs the model.
        tier = served_tier(request)
        prompt.thinking = prompt.thinking_tokens()
        fault = standin.next_fault()
        self.respond(route, prompt, tier, fault)

    def answer(self, status, fault, body, raw=None, usage=None, content_type="application/json; charset=UTF-8", headers=(), tier=None):
        route = self.route
        if self.counts_as_request:
            self.server.standin.stats.add(status, fault, usage, streamed=route is not None and route.stream, tier=tier)
            self.counted = True
        if raw is None and status >= 400 and route is not None and route.stream and not route.sse:
            body = [body]  # a stream without alt=sse is a JSON array, its error too
        self.send_json(status, body, raw, content_type, headers)

    def close_without_answer(self, fault):
        """Reads nothing more and closes the connection: the client gets no status line at all."""
        self.server.standin.stats.add("none", fault, None)
        self.counted = True
        self.close_connection = True

    def send_large(self, fault, megabytes, chunked):
        """A 200 whose JSON body is `megabytes` MB, written in pieces; the client may hang up."""
        self.server.standin.stats.add(200, fault, None)
        self.counted = True
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

    def respond(self, route, prompt, tier, fault):
        standin = self.server.standin
        model = route.model
        name, _, argument = fault.partition(":")
        if name == "slow":
            time.sleep(float(argument or standin.slow_seconds))
            name = "ok"
        incident = standin.standing_incident
        if name == "incident":
            incident = Incident.parse(argument)
            name = "ok"
        if name == "tier-standard":
            tier = "standard"
            name = "ok"
        elif name == "tier":
            tier = argument
            name = "ok"
        elif name == "shed":
            if tier != "flex":
                name = "ok"
            elif argument == "429":
                return self.answer(429, fault, error_body(
                    429, "RESOURCE_EXHAUSTED", "Resource has been exhausted: flex capacity for this model is used up, the "
                    "request was shed. Retry later, or send it at the standard tier."))
            else:
                return self.answer(503, fault, error_body(
                    503, "UNAVAILABLE", "The service is currently unavailable: flex capacity for this model is used up, "
                    "the request was shed. Retry later, or send it at the standard tier."))
        if name == "429":
            delay = argument or "1s"
            return self.answer(429, fault, quota_body(model, f"Please retry in {delay}.", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                                                      "5", "generate_content_free_tier_requests", delay))
        if name == "429-retry-after":
            return self.answer(429, fault, quota_body(model, "", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "5",
                                                      "generate_content_free_tier_requests"),
                               headers=[("Retry-After", argument or "1")])
        if name == "429-daily":
            delay = argument or "3600s"
            return self.answer(429, fault, quota_body(model, f"Please retry in {delay}.", "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                                                      "20", "generate_content_free_tier_requests", delay))
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
        if name == "400-key":
            return self.answer(400, fault, key_invalid_body(self.headers.get("x-goog-api-key", "")))
        if name == "404":
            return self.answer(404, fault, not_found_body(model, route.version, route.method))
        simple = {"400": (400, "INVALID_ARGUMENT", "Request contains an invalid argument.", None),
                  "403": (403, "PERMISSION_DENIED", "The caller does not have permission", None),
                  "500": (500, "INTERNAL", "An internal error has occurred. Please retry or report in "
                          "https://developers.generativeai.google/guide/troubleshooting", None),
                  "502": (502, "UNAVAILABLE", "Bad Gateway", None),
                  "503": (503, "UNAVAILABLE", "The model is overloaded. Please try again later.", None),
                  "504": (504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.", None)}
        if name in simple:
            code, status, message, details = simple[name]
            return self.answer(code, fault, error_body(code, status, message, details))

        usage = prompt.usage()
        usage["serviceTier"] = tier
        response = {}
        if name == "blocked":
            response["promptFeedback"] = {"blockReason": "PROHIBITED_CONTENT"}
            usage["totalTokenCount"] = usage["promptTokenCount"]
            return self.send_answer(route, fault, self.finish_response(response, usage, model), usage, tier, name)
        thinking = prompt.thinking
        limit = prompt.max_output_tokens()
        if name == "max-tokens" or (limit is not None and thinking >= limit):
            if limit is not None and thinking >= limit:
                thinking = limit
            response["candidates"] = [{"content": {"role": "model"}, "finishReason": "MAX_TOKENS", "index": 0}]
            if thinking:
                usage["thoughtsTokenCount"] = thinking
            usage["totalTokenCount"] = usage["promptTokenCount"] + thinking
            return self.send_answer(route, fault, self.finish_response(response, usage, model), usage, tier, name)
        answer = self.verdict_text(prompt, incident) if name != "malformed" else "I looked at the picture and everything seems fine, probably."
        finish = "STOP"
        if limit is not None and thinking + text_tokens(answer) > limit:
            answer = answer[:(limit - thinking) * 4]
            finish = "MAX_TOKENS"
        candidates = text_tokens(answer)
        parts = []
        if thinking and prompt.include_thoughts():
            parts.append({"text": THOUGHT_SUMMARY, "thought": True})
        answer_part = {"text": answer}
        if thinking and prompt.include_thoughts():
            answer_part["thoughtSignature"] = thought_signature()
        parts.append(answer_part)
        response["candidates"] = [{"content": {"parts": parts, "role": "model"}, "finishReason": finish, "index": 0}]
        usage["candidatesTokenCount"] = candidates
        usage["totalTokenCount"] = usage["promptTokenCount"] + candidates + thinking
        if thinking:
            usage["thoughtsTokenCount"] = thinking
        if name == "no-usage":
            return self.send_answer(route, fault, self.finish_response(response, None, model), None, tier, name)
        return self.send_answer(route, fault, self.finish_response(response, usage, model), usage, tier, name, argument)

    @staticmethod
    def finish_response(response, usage, model):
        """The body in the real key order: candidates, promptFeedback, usageMetadata, modelVersion, responseId."""
        ordered = {}
        for key in ("candidates", "promptFeedback"):
            if key in response:
                ordered[key] = response[key]
        if usage is not None:
            keys = ("promptTokenCount", "candidatesTokenCount", "totalTokenCount", "promptTokensDetails", "thoughtsTokenCount", "serviceTier")
            ordered["usageMetadata"] = {key: usage[key] for key in keys if key in usage}
        ordered["modelVersion"] = model
        ordered["responseId"] = response_id()
        return ordered

    def send_answer(self, route, fault, response, usage, tier, name, argument=""):
        """Sends a 200 answer, whole or as a stream, with the body faults (truncated, cut-off, usage-*) applied."""
        hostile = HOSTILE_COUNTS.get(name) or (argument if name == "usage-count" else None)
        marker = "__hostile_count__"
        stats_usage = usage
        if usage is not None and (hostile is not None or name == "usage-detail-negative"):
            metadata = response["usageMetadata"]
            if name == "usage-detail-negative":
                hostile = "-258"
                image = [d for d in metadata["promptTokensDetails"] if d["modality"] == "IMAGE"] or metadata["promptTokensDetails"]
                image[0]["tokenCount"] = marker
            else:
                metadata["promptTokenCount"] = marker
            stats_usage = None

        def serialize(obj, indent):
            raw = json.dumps(obj, indent=indent).encode()
            if hostile is not None:
                raw = raw.replace(b'"' + marker.encode() + b'"', hostile.encode())
            return raw

        if route.stream:
            chunks = [serialize(chunk, None) for chunk in self.stream_chunks(response)]
            if route.sse:
                pieces = [b"data: " + chunk + b"\r\n\r\n" for chunk in chunks]
                content_type = "text/event-stream"
            else:
                pieces = [(b"[" if index == 0 else b"\n,\r\n") + chunk for index, chunk in enumerate(chunks)]
                pieces[-1] += b"]"
                content_type = "application/json; charset=UTF-8"
        else:
            pieces = [serialize(response, 2)]
            content_type = "application/json; charset=UTF-8"
        if name == "truncated":
            raw = b"".join(pieces)
            return self.answer(200, fault, None, raw=raw[:len(raw) // 2], usage=stats_usage, content_type=content_type, tier=tier)
        if name == "cut-off":
            raw = b"".join(pieces)
            self.server.standin.stats.add(200, fault, None, streamed=route.stream, tier=tier)
            self.counted = True
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw[:len(raw) // 2])
            self.wfile.flush()
            return None
        if not route.stream:
            return self.answer(200, fault, None, raw=pieces[0], usage=stats_usage, content_type=content_type, tier=tier)
        # A stream: chunked transfer, each piece sent (and flushed) on its own.
        self.server.standin.stats.add(200, fault, stats_usage, streamed=True, tier=tier)
        self.counted = True
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for index, piece in enumerate(pieces):
            if index:
                time.sleep(0.02)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        return None

    @staticmethod
    def stream_chunks(response):
        """The chunks of a streamed answer: a thought summary chunk, the answer's text over 2 or more
        chunks; finishReason and usageMetadata on the last chunk only."""
        tail = {key: response[key] for key in ("modelVersion", "responseId")}
        candidates = response.get("candidates")
        parts = candidates[0].get("content", {}).get("parts") if candidates else None
        if not parts:
            return [response]
        chunks = []
        texts = []
        for part in parts:
            if part.get("thought"):
                chunks.append({"candidates": [{"content": {"parts": [part], "role": "model"}, "index": 0}], **tail})
                continue
            text = part["text"]
            count = 3 if len(text) >= 120 else 2
            bounds = [round(len(text) * i / count) for i in range(count + 1)]
            pieces = [text[bounds[i]:bounds[i + 1]] for i in range(count)]
            for index, piece in enumerate(pieces):
                chunk_part = {"text": piece}
                if index == count - 1 and "thoughtSignature" in part:
                    chunk_part["thoughtSignature"] = part["thoughtSignature"]
                texts.append(chunk_part)
        for part in texts:
            chunks.append({"candidates": [{"content": {"parts": [part], "role": "model"}, "index": 0}], **tail})
        last = chunks[-1]
        last["candidates"][0]["finishReason"] = candidates[0].get("finishReason", "STOP")
        if "usageMetadata" in response:
            chunks[-1] = {"candidates": last["candidates"], "usageMetadata": response["usageMetadata"], **tail}
        return chunks

    def verdict_text(self, prompt, scripted=None):
        """The answer's text: one verdict, or one per camera id of a group; `scripted` (an Incident)
        makes its camera's verdict that incident and every other one "none". A schema that is not a
        verdict's gets a plain instance of itself."""
        schema = prompt.schema()
        properties = schema.get("properties", {})
        if not isinstance(properties, dict):
            properties = {}
        images = prompt.images
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
        kind = str(schema.get("type", "object")).lower()
        if "incident_detected" in properties or (not properties and kind == "object"):
            text = json.dumps(one_verdict(None), separators=compact)
        elif kind != "object":
            text = json.dumps(schema_instance(schema), separators=compact)
        else:
            text = json.dumps({name: one_verdict(name) if is_verdict_schema(sub) else schema_instance(sub)
                               for name, sub in properties.items()}, separators=compact)
        self.server.standin.stats.add_incidents(incidents)
        return text


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
    if not 0 <= args.incident_rate <= 1:
        sys.exit("gemini-standin: --incident-rate must be between 0 and 1")
    try:
        rates = parse_rates(args.faults)
    except ValueError as error:
        sys.exit(f"gemini-standin: --faults: {error}")
    server = ThreadingHTTPServer((args.address, args.port), Handler)
    server.daemon_threads = True
    server.standin = StandIn(args.api_key, rates, args.slow_seconds, args.seed, args.incident_rate)
    print(f"ready http://{args.address}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
