#!/usr/bin/env python3
"""Checks the Gemini stand-in (scripts/gemini-standin.py) against Google's own Python SDK, google-genai.

    PYTHON_WITH_GOOGLE_GENAI standin_sdk_check.py BASE_URL API_KEY

Starts nothing: the stand-in must be running at BASE_URL (http://127.0.0.1:PORT), started with
--api-key API_KEY (so a wrong key is refused). Every check runs, each failure is printed, and the
exit status is 1 when any failed (0 when all passed). The stand-in's stats and script are reset at
the start through POST /_control/reset.
"""
import base64
import json
import sys
import traceback
import urllib.error
import urllib.request

from google import genai
from google.genai import errors, types

try:
    import pydantic
except ImportError:  # google-genai depends on pydantic; kept optional for the message
    pydantic = None

# A real 64x48 grey baseline JPEG (236 bytes, made by ffmpeg).
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAg+Pkk+SVVVVVVVVWRdZGhoaGRkZGRoaGhwcHCDg4Nw"
    "cHBoaHBwfHyDg4+Tj4eHg4eTk5ubm7q6srLZ2eD/////xABKAAEAAAAAAAAAAAAAAAAAAAAAAQEAAAAAAAAAAAAAAAAAAAAAEAEA"
    "AAAAAAAAAAAAAAAAAAAAEQEAAAAAAAAAAAAAAAAAAAAA/8AAEQgAMABAAwEiAAIRAAMRAP/aAAwDAQACEQMRAD8AAAAAAAAAAAAA"
    "AAAAAAAAAAAA/9k=")
WIDTH, HEIGHT = 64, 48

VERDICT_SCHEMA = {
    "type": "object",
    "properties": {
        "incident_detected": {"type": "boolean"},
        "incident_type": {"type": "string", "enum": ["none", "theft", "intrusion", "violence", "vandalism", "fire_smoke", "medical", "other"]},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "description": {"type": "string"},
    },
    "required": ["incident_detected", "incident_type", "confidence", "description"],
}

base_url, api_key = sys.argv[1].rstrip("/"), sys.argv[2]
failures = []
passed = []


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def run(name):
    """Runs one check (a decorated function), recording its failure instead of stopping."""
    def decorate(function):
        try:
            function()
            passed.append(name)
            print(f"ok   {name}")
        except Exception as error:  # noqa: BLE001 - every failure is reported
            failures.append(name)
            print(f"FAIL {name}: {type(error).__name__}: {error}")
            traceback.print_exc(limit=3, file=sys.stdout)
        return function
    return decorate


def control(method, path, body=None):
    """(status, decoded JSON) of a stand-in control request, by urllib."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base_url + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def script(*faults):
    status, answer = control("POST", "/_control/script", list(faults))
    check(status == 200, f"scripting {faults} answered {status}: {answer}")


def stats():
    return control("GET", "/_control/stats")[1]


def client(**options):
    return genai.Client(api_key=options.pop("key", api_key), http_options=types.HttpOptions(base_url=base_url, **options))


def image_part(resolution=None):
    if resolution is None:
        return types.Part.from_bytes(data=JPEG, mime_type="image/jpeg")
    return types.Part.from_bytes(data=JPEG, mime_type="image/jpeg", media_resolution=resolution)


def image_tokens(usage):
    return sum(detail.token_count or 0 for detail in usage.prompt_tokens_details or [] if str(detail.modality.value) == "IMAGE")


def details_of(error):
    """The google.rpc details of an APIError (its .details holds the whole error body)."""
    body = error.details
    if isinstance(body, list) and body:
        body = body[0]
    return (body or {}).get("error", {}).get("details", [])


status, _ = control("POST", "/_control/reset")
if status != 200:
    print(f"FAIL the stand-in at {base_url} did not answer POST /_control/reset ({status})")
    sys.exit(1)

sdk = client()
CONTENTS = [image_part(), "Is anyone stealing? Answer with the verdict."]


@run("an image with snake_case thinking_config(thinking_budget=0) on gemini-2.5-flash: no thoughts, 258 image tokens")
def _():
    response = sdk.models.generate_content(
        model="gemini-2.5-flash", contents=CONTENTS,
        config=types.GenerateContentConfig(thinking_config=types.ThinkingConfig(thinking_budget=0),
                                           response_mime_type="application/json", response_json_schema=VERDICT_SCHEMA))
    usage = response.usage_metadata
    check(usage is not None, "no usage_metadata")
    check(not usage.thoughts_token_count, f"thoughts_token_count {usage.thoughts_token_count}, expected none")
    check(image_tokens(usage) == 258, f"image tokens {image_tokens(usage)}, expected 258")
    check(usage.total_token_count == usage.prompt_token_count + usage.candidates_token_count,
          f"total {usage.total_token_count} is not prompt + candidates")
    check(response.model_version == "gemini-2.5-flash", f"model_version {response.model_version}")
    check(response.response_id and 20 <= len(response.response_id) <= 28, f"response_id {response.response_id!r}")


@run("count_tokens agrees with the usage's promptTokenCount for the same contents")
def _():
    counted = sdk.models.count_tokens(model="gemini-2.5-flash", contents=CONTENTS)
    response = sdk.models.generate_content(model="gemini-2.5-flash", contents=CONTENTS,
                                           config=types.GenerateContentConfig(thinking_config=types.ThinkingConfig(thinking_budget=0)))
    check(counted.total_tokens == response.usage_metadata.prompt_token_count,
          f"count_tokens {counted.total_tokens} != promptTokenCount {response.usage_metadata.prompt_token_count}")
    counted3 = sdk.models.count_tokens(model="gemini-3-flash-preview", contents=[image_part("MEDIA_RESOLUTION_LOW"), "x"])
    check(counted3.total_tokens == 19 * 14 + 1, f"gemini-3 LOW count_tokens {counted3.total_tokens}, expected {19 * 14 + 1}")


@run("response_json_schema: the JSON answer parses and matches the schema")
def _():
    response = sdk.models.generate_content(
        model="gemini-2.5-flash", contents=CONTENTS,
        config=types.GenerateContentConfig(response_mime_type="application/json", response_json_schema=VERDICT_SCHEMA))
    answer = json.loads(response.text)
    check(set(answer) == set(VERDICT_SCHEMA["properties"]), f"answer keys {sorted(answer)}")
    check(isinstance(answer["incident_detected"], bool), "incident_detected is not a boolean")
    check(answer["incident_type"] in VERDICT_SCHEMA["properties"]["incident_type"]["enum"], f"incident_type {answer['incident_type']}")


@run("response_schema (a pydantic model): response.parsed is that model")
def _():
    check(pydantic is not None, "pydantic is missing")

    class Verdict(pydantic.BaseModel):
        incident_detected: bool
        incident_type: str
        confidence: float
        description: str

    response = sdk.models.generate_content(
        model="gemini-2.5-flash", contents=CONTENTS,
        config=types.GenerateContentConfig(response_mime_type="application/json", response_schema=Verdict))
    check(isinstance(response.parsed, Verdict), f"parsed is {type(response.parsed).__name__}: {response.text!r}")


@run("gemini-3-flash-preview: a part's media_resolution sets its image tokens (LOW < HIGH, by the documented rule)")
def _():
    tokens = {}
    for level in ("MEDIA_RESOLUTION_LOW", "MEDIA_RESOLUTION_HIGH"):
        response = sdk.models.generate_content(model="gemini-3-flash-preview", contents=[image_part(level), "What is this?"])
        tokens[level] = image_tokens(response.usage_metadata)
    # floor(sqrt(B*w/h)) * floor(sqrt(B*h/w)) for 64x48: B=280 -> 19*14, B=1120 -> 38*28.
    check(tokens["MEDIA_RESOLUTION_LOW"] == 19 * 14, f"LOW gave {tokens['MEDIA_RESOLUTION_LOW']}, expected {19 * 14}")
    check(tokens["MEDIA_RESOLUTION_HIGH"] == 38 * 28, f"HIGH gave {tokens['MEDIA_RESOLUTION_HIGH']}, expected {38 * 28}")
    check(tokens["MEDIA_RESOLUTION_LOW"] < tokens["MEDIA_RESOLUTION_HIGH"], f"{tokens}")
    # The part's level wins over generationConfig.mediaResolution.
    response = sdk.models.generate_content(model="gemini-3-flash-preview", contents=[image_part("MEDIA_RESOLUTION_LOW"), "x"],
                                           config=types.GenerateContentConfig(media_resolution="MEDIA_RESOLUTION_HIGH"))
    check(image_tokens(response.usage_metadata) == 19 * 14, f"part LOW under config HIGH gave {image_tokens(response.usage_metadata)}")


def served_tier(response):
    """usage_metadata.service_tier, or (google-genai 3.6.1 has no such field and drops it) the raw body's."""
    tier = getattr(response.usage_metadata, "service_tier", None) if response.usage_metadata else None
    if tier is not None:
        return getattr(tier, "value", tier)
    return json.loads(response.sdk_http_response.body)["usageMetadata"]["serviceTier"]


@run("service_tier='flex' is served, and reported, as flex; none named is standard; tier-standard serves priority as standard")
def _():
    def ask(tier):
        options = {"should_return_http_response": True}
        if tier:
            options["service_tier"] = tier
        return sdk.models.generate_content(model="gemini-2.5-flash", contents="hello", config=types.GenerateContentConfig(**options))
    before = stats().get("by_tier", {})
    check(served_tier(ask("flex")) == "flex", "flex was not served as flex")
    check(stats()["by_tier"].get("flex", 0) == before.get("flex", 0) + 1, "the stand-in did not count a flex answer")
    check(served_tier(ask(None)) == "standard", "no tier was not served as standard")
    script("tier-standard")
    check(served_tier(ask("priority")) == "standard", "tier-standard did not serve priority as standard")
    check(served_tier(ask("priority")) == "priority", "priority was not served as priority")


@run("429 raises errors.ClientError with code, status and the RetryInfo/QuotaFailure details")
def _():
    script("429:7s")
    try:
        sdk.models.generate_content(model="gemini-2.5-flash", contents="hello")
    except errors.ClientError as error:
        check(error.code == 429 and error.status == "RESOURCE_EXHAUSTED", f"{error.code} {error.status}")
        kinds = {detail.get("@type", "").rsplit(".", 1)[-1]: detail for detail in details_of(error)}
        check(kinds.get("RetryInfo", {}).get("retryDelay") == "7s", f"details {details_of(error)}")
        violation = kinds.get("QuotaFailure", {}).get("violations", [{}])[0]
        check({"quotaMetric", "quotaId", "quotaDimensions"} <= set(violation), f"QuotaFailure {violation}")
        check("Help" in kinds, "no Help detail")
    else:
        raise AssertionError("no error raised")


@run("503 raises errors.ServerError (code 503, UNAVAILABLE, no details key); 500 INTERNAL too")
def _():
    for fault, status in (("503", "UNAVAILABLE"), ("500", "INTERNAL")):
        script(fault)
        try:
            sdk.models.generate_content(model="gemini-2.5-flash", contents="hello")
        except errors.ServerError as error:
            check(error.code == int(fault) and error.status == status, f"{error.code} {error.status}")
            check("details" not in error.details["error"], f"a details key: {error.details}")
        else:
            raise AssertionError(f"{fault}: no error raised")


@run("a flex request shed: 503 ServerError, shed:429 ClientError 429; a standard one is not shed")
def _():
    flex = types.GenerateContentConfig(service_tier="flex")
    script("shed")
    try:
        sdk.models.generate_content(model="gemini-2.5-flash", contents="hello", config=flex)
        raise AssertionError("shed: no error raised")
    except errors.ServerError as error:
        check(error.code == 503, f"shed gave {error.code}")
    script("shed:429")
    try:
        sdk.models.generate_content(model="gemini-2.5-flash", contents="hello", config=flex)
        raise AssertionError("shed:429: no error raised")
    except errors.ClientError as error:
        check(error.code == 429 and error.status == "RESOURCE_EXHAUSTED", f"shed:429 gave {error.code} {error.status}")
    script("shed")
    check(sdk.models.generate_content(model="gemini-2.5-flash", contents="hello").text, "a standard request was shed")


@run("404 and a wrong key raise errors.ClientError like the recorded bodies")
def _():
    script("404")
    try:
        sdk.models.generate_content(model="gemini-2.5-flash", contents="hello")
        raise AssertionError("404: no error raised")
    except errors.ClientError as error:
        check(error.code == 404 and error.status == "NOT_FOUND", f"{error.code} {error.status}")
        check("models/gemini-2.5-flash is not found" in error.message, error.message)
    try:
        wrong = client(key=api_key + "-wrong")  # held: a Client closes its connection pool when collected
        wrong.models.generate_content(model="gemini-2.5-flash", contents="hello")
        raise AssertionError("a wrong key: no error raised")
    except errors.ClientError as error:
        check(error.code == 400 and error.status == "INVALID_ARGUMENT", f"{error.code} {error.status}")
        reasons = [detail.get("reason") for detail in details_of(error)]
        check("API_KEY_INVALID" in reasons, f"reasons {reasons}")


@run("include_thoughts: a thought part before the answer, response.text without it, a thought signature")
def _():
    response = sdk.models.generate_content(
        model="gemini-2.5-flash", contents=CONTENTS,
        config=types.GenerateContentConfig(thinking_config=types.ThinkingConfig(include_thoughts=True),
                                           response_mime_type="application/json", response_json_schema=VERDICT_SCHEMA))
    parts = response.candidates[0].content.parts
    check(len(parts) == 2 and parts[0].thought and not parts[1].thought, f"parts {parts}")
    check(parts[1].thought_signature, "no thought_signature on the answer")
    check(response.usage_metadata.thoughts_token_count, "no thoughts_token_count")
    json.loads(response.text)


@run("generate_content_stream: 2 or more chunks, usage on the last only, the text whole")
def _():
    chunks = list(sdk.models.generate_content_stream(
        model="gemini-2.5-flash", contents=CONTENTS,
        config=types.GenerateContentConfig(response_mime_type="application/json", response_json_schema=VERDICT_SCHEMA)))
    check(len(chunks) >= 2, f"{len(chunks)} chunks")
    check(all(chunk.usage_metadata is None for chunk in chunks[:-1]), "usage on a chunk before the last")
    usage = chunks[-1].usage_metadata
    check(usage is not None and usage.prompt_token_count and usage.candidates_token_count, f"last chunk's usage {usage}")
    check(chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP, f"finish {chunks[-1].candidates[0].finish_reason}")
    answer = json.loads("".join(chunk.text or "" for chunk in chunks))
    check("incident_detected" in answer, f"answer {answer}")


@run("streamGenerateContent without alt=sse: a JSON array of 2 or more chunks, usage on the last")
def _():
    body = json.dumps({"contents": [{"role": "user", "parts": [{"text": "hello"}]}]}).encode()
    request = urllib.request.Request(base_url + "/v1beta/models/gemini-2.5-flash:streamGenerateContent", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "x-goog-api-key": api_key})
    with urllib.request.urlopen(request, timeout=30) as response:
        chunks = json.loads(response.read())
    check(isinstance(chunks, list) and len(chunks) >= 2, f"{chunks!r}"[:200])
    check(all("usageMetadata" not in chunk for chunk in chunks[:-1]) and "usageMetadata" in chunks[-1], "usage not on the last chunk only")


@run("API versions: the SDK's default, api_version='v1beta' and api_version='v1' all answer")
def _():
    before = stats().get("by_version", {})
    for options in ({}, {"api_version": "v1beta"}, {"api_version": "v1"}):
        versioned = client(**options)  # held: a Client closes its connection pool when collected
        response = versioned.models.generate_content(model="gemini-2.5-flash", contents="hello")
        check(response.usage_metadata.prompt_token_count, f"{options}: no usage")
    after = stats()["by_version"]
    check(after.get("v1beta", 0) - before.get("v1beta", 0) >= 1, f"no /v1beta/ request: {after}")
    check(after.get("v1", 0) - before.get("v1", 0) >= 1, f"no /v1/ request: {after}")


@run("an unknown fault name is refused by the control endpoint, naming it, and nothing is queued")
def _():
    status, answer = control("POST", "/_control/script", ["ok", "no-such-fault"])
    check(status == 400 and "no-such-fault" in json.dumps(answer), f"{status} {answer}")
    status, answer = control("POST", "/_control/faults", "no-such-rate=0.5")
    check(status == 400 and "no-such-rate" in json.dumps(answer), f"{status} {answer}")
    # Nothing was queued: the next call is answered.
    check(sdk.models.generate_content(model="gemini-2.5-flash", contents="hello").text, "no answer")


print(f"{len(passed)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
