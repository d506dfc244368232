#!/usr/bin/env python3
"""Writes small seed corpora for the fuzz targets from the examples of docs/dialects.md.

usage: make_seeds.py DOCS/dialects.md OUT_DIR
OUT_DIR/fuzz_sseparser, OUT_DIR/fuzz_pusherframe, OUT_DIR/fuzz_dialects, OUT_DIR/fuzz_urlpolicy,
OUT_DIR/fuzz_httpresponseparser and OUT_DIR/fuzz_pathsegment are
(re)created.
The document gives its examples as inline code spans, mostly field lists rather than JSON; every
span that looks like a body is taken as is, and the concrete bodies below instantiate the shapes
the document describes for each dialect.
"""
import hashlib
import json
import os
import re
import shutil
import sys

docs, out = sys.argv[1], sys.argv[2]
text = open(docs, encoding="utf-8").read()
spans = [s for s in re.findall(r"`([^`\n]*)`", text.replace("\n  ", " "))]
json_like = [s for s in spans if "{" in s or "[" in s]
# "404 {"message"}" → the body part only.
json_like += [re.sub(r"^\d{3}\s+", "", s) for s in json_like if re.match(r"^\d{3}\s", s)]


def write(target, blobs):
    d = os.path.join(out, target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for b in blobs:
        if isinstance(b, str):
            b = b.encode("utf-8")
        name = hashlib.sha1(b).hexdigest()
        with open(os.path.join(d, name), "wb") as f:
            f.write(b)
    return len(set(blobs))


J = lambda o: json.dumps(o, separators=(",", ":"))

# --- concrete bodies per dialect (shapes from docs/dialects.md)
peelapi_status = {"data": {"id": "j1", "status": "processing", "progress": 0.5, "created_at": "2026-01-01T00:00:00Z",
                           "outputs": None, "error": None}, "errors": None}
peelapi_done = {"data": {"id": "j1", "status": "succeeded", "progress": 1.0, "outputs": {"results": [{"url": "https://x/full.png"}]},
                         "request_duration_s": 2.5, "model_id": "m1", "error": None}, "errors": None}
peelapi_failed = {"data": {"id": "j1", "status": "failed", "progress": 0.3,
                           "error": {"code": "boom", "message": "it broke", "retryable": True}}, "errors": None}
peelapi_err = {"data": None, "errors": [{"code": "not_found", "message": "no such job"}]}
ip_queued = {"job_id": "j2", "status": "queued", "endpoint": "generate/image/v1", "estimated_time_seconds": 5,
             "queued_at": "2026-01-01T00:00:00Z"}
ip_done = {"job_id": "j2", "status": "completed", "endpoint": "generate/image/v1", "progress": 100,
           "queue_wait_seconds": 1, "inference_time_seconds": 2, "total_elapsed_seconds": 3, "credits_charged": True,
           "credits_amount": 1, "result_url": "https://x/r.webp", "result_mime_type": "image/webp",
           "result_size_bytes": 1234}
ip_failed = {"job_id": "j2", "status": "failed", "progress": 40, "error": "oom", "failure_reason_code": "OUT_OF_MEMORY",
             "retryable": True}
ip_webhook = {"job_id": "j2", "user_id": "u1", "status": "completed", "result_url": "https://x/r.webp",
              "result_mime_type": "image/webp", "result_size_bytes": 3, "result_base64": "AAEC", "timestamp": 1700000000}
ip_err = {"error": "unknown endpoint", "failure_reason_code": "UNKNOWN_ENDPOINT", "retryable": False}
peel_record = {"id": "a1", "status": "building", "source_url": "https://news.example", "instructions": "Get top stories",
               "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:01Z", "auth_mode": "public",
               "requires_session": False, "links": {"self": "/v1/apis/a1"}, "build": {"number": 1, "started_at": "x"},
               "matched": False}
peel_needs = dict(peel_record, status="needs_input", user_input_prompt={"message": "which?", "input_schema": {"type": "object"}})
peel_failed = dict(peel_record, status="failed", failure_reason_code="TARGET_UNREACHABLE",
                   failure={"non_publishable_reason": "x", "message": "down", "artifact": {"class": "net", "retryable": True,
                            "billing": "none", "suggested_action": "retry", "support_debug_id": "d"}})
peel_done = dict(peel_record, status="completed", endpoints=[{"name": "get_top_stories", "output_schema": {"items": []}}])
peako_queued = {"jobId": "p1", "status": "queued", "type": "PEAKO_RENDER"}
peako_active = {"jobId": "p1", "status": "active", "progress": 0.4, "createdAt": 1700000000000, "updatedAt": 1700000001000}
peako_done = {"jobId": "p1", "status": "done", "outputUrl": "https://x/o.avi", "createdAt": 1, "updatedAt": 2}
peako_caps = {"jobId": "p1", "status": "done", "captions": [{"start": 0, "end": 1, "text": "hi"}]}
peako_list = {"jobs": [{"id": "p1", "type": "PEAKO_RENDER", "status": "active", "progress": 0.2, "createdAt": 1},
                       {"id": "p2", "type": "PEAKO_TRANSCRIBE", "status": "done", "progress": 1, "createdAt": 2,
                        "outputUrl": "https://x/o"}],
              "activeWorkers": 1, "totalWorkers": 2, "maxWorkers": 2, "isTeamOwner": False}
peako_err = {"error": "not found"}
deapi_submit = {"data": {"request_id": "r1"}}
deapi_status = {"data": {"request_id": "r1", "status": "processing", "job_type": "txt2img", "progress": 42.5,
                         "preview": "data:image/jpeg;base64,/9j/", "result_url": None}}
deapi_done = {"data": {"request_id": "r1", "status": "done", "job_type": "txt2img", "progress": 100,
                       "result_url": "https://x/r.png", "processing_time_ms": 1200}}
deapi_pusher = {"request_id": "r1", "status": "processing", "job_type": "txt2img", "progress": 20.0,
                "preview": "data:image/jpeg;base64,AAEC", "result_url": None}
deapi_webhook = {"event": "job.completed", "data": {"job_request_id": "r1", "status": "done", "job_type": "txt2img",
                                                   "result_url": "https://x/r.png", "processing_time_ms": 5}}
deapi_webhook_f = {"event": "job.failed", "data": {"job_request_id": "r1", "status": "error", "job_type": "txt2img",
                                                  "error": "NSFW_DETECTED", "processing_time_ms": 5}}
deapi_err = {"message": "The given data was invalid.", "errors": {"prompt": ["required"]}}
sse_status = {"status": "processing", "progress": 0.5, "output": None}
sse_log = {"level": "info", "message": "step 1", "created_at": "2026-01-01T00:00:00Z"}
sse_result = {"images": [{"w256": "https://x/256", "w512": "https://x/512", "w1024": "https://x/1024", "full": "https://x/f"}],
              "request_duration_s": 2.0, "model_id": "m", "style_id": "s"}

per_dialect = {
    0: [peelapi_status, peelapi_done, peelapi_failed, peelapi_err, sse_status, sse_log, sse_result],
    1: [ip_queued, ip_done, ip_failed, ip_webhook, ip_err],
    2: [peel_record, peel_needs, peel_failed, peel_done, {"error": "conflict"}],
    3: [peako_queued, peako_active, peako_done, peako_caps, peako_list, peako_err],
    4: [deapi_submit, deapi_status, deapi_done, deapi_pusher, deapi_webhook, deapi_webhook_f, deapi_err],
}
dialect_seeds = []
for dialect, bodies in per_dialect.items():
    raw = [J(b).encode() for b in bodies]
    for function in range(7):
        selector = bytes([function * 5 + dialect])
        for b in raw:
            dialect_seeds.append(selector + b)
    # SSE (function 2) with "type\ndata" and Pusher (function 3) with "event\ndata"
    for t, b in (("status", sse_status), ("log", sse_log), ("result", sse_result)):
        dialect_seeds.append(bytes([2 * 5 + dialect]) + f"{t}\n".encode() + J(b).encode())
    dialect_seeds.append(bytes([2 * 5 + dialect]) + b"end\nsucceeded")
    dialect_seeds.append(bytes([3 * 5 + dialect]) + b"request.status.updated\n" + J(deapi_pusher).encode())

# The document's own spans, spread over the 35 selectors (dialect x function).
for i, span in enumerate(json_like):
    dialect_seeds.append(bytes([i % 35]) + span.encode())

# --- SSE streams (PeelAPI stream as documented)
def sse_event(eid, typ, data):
    return f"id: {eid}\nevent: {typ}\ndata: {data}\n\n"
stream = "retry: 1000\n\n" + sse_event(1, "status", J(sse_status)) + ": keep-alive\n\n" + \
         sse_event(2, "log", J(sse_log)) + sse_event(3, "result", J(sse_result)) + \
         sse_event(4, "status", J(dict(sse_status, status="succeeded", progress=1.0))) + sse_event(5, "end", "succeeded")
sse_seeds = [
    stream,
    stream.replace("\n", "\r\n"),
    stream.replace("\n", "\r"),
    "\ufeff" + stream,
    "data: line1\ndata: line2\n\n",
    "id\n\ndata\n\n",
    "id: a\x00b\ndata: x\n\n",
    "retry: 99999999999999999999\n\n",
    "event:end\ndata:failed\n\n",
    ": comment only\n",
    "data: unterminated",
    "field without colon\n\n",
]

# --- Pusher frames (protocol 7, deAPI as documented)
pusher_seeds = [
    J({"event": "pusher:connection_established", "data": J({"socket_id": "123.456", "activity_timeout": 120})}),
    J({"event": "pusher:error", "data": {"message": "malformed", "code": 4300}}),
    J({"event": "pusher:ping", "data": "{}"}),
    J({"event": "pusher:pong"}),
    J({"event": "pusher_internal:subscription_succeeded", "channel": "private-client.42", "data": "{}"}),
    J({"event": "request.status.updated", "channel": "private-client.42", "data": J(deapi_pusher)}),
    J({"event": "client-x", "channel": None, "data": "not json"}),
    J({"event": "pusher:subscribe", "data": {"channel": "private-client.42", "auth": "key:abcd"}}),
    J({"event": "x", "data": [1, 2]}),
    J({"event": "", "data": "{}"}),
] + [s for s in json_like if s.startswith("{")]

# fuzz_urlpolicy: method/body byte, insecure byte, the first URL, then NUL-separated hops of
# <status selector byte><Location>; selectors index 200 301 302 303 307 308 300 304 404.
def hops(first, *steps):
    return b"\0".join([first.encode()] + [bytes([sel]) + loc.encode() for sel, loc in steps])
urlpolicy_seeds = [
    bytes([0, 0]) + hops("https://api.example.com/v1/jobs/1", (2, "/v1/jobs/2"), (0, "")),
    bytes([5, 0]) + hops("https://api.example.com/v1/submit", (4, "/v1/submit2"), (5, "https://other.example/x")),
    bytes([5, 0]) + hops("https://api.example.com/v1/submit", (3, "https://cdn.example/r"), (2, "https://api.example.com/")),
    bytes([0, 0]) + hops("http://127.0.0.1:8080/x", (2, "http://evil.example/"), (1, "http://localhost:8080/y")),
    bytes([0, 1]) + hops("http://intranet.example/x", (2, "http://other.example/x")),
    bytes([0, 0]) + hops("https://a.example/x", (2, "http://a.example/x")),
    bytes([0, 0]) + hops("https://a.example/x", (2, "file:///etc/passwd"), (2, "data:,x")),
    bytes([0, 0]) + hops("https://a.example/loop", *[(2, "/loop")] * 7),
    bytes([2, 0]) + hops("https://a.example/job", (2, "//b.example:444/job"), (3, "/z")),
    bytes([0, 0]) + hops("qrc:/profiles/defaults.json"),
    bytes([0, 0]) + hops("ftp://a.example/x"),
]

# fuzz_httpresponseparser: control byte (bit 0 HEAD, bit 1 small caps, rest split step), then the
# server's answer.
def answer(control, raw):
    return bytes([control]) + raw

http_seeds = [
    answer(0, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"),
    answer(4, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"),
    answer(8, b"HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\nretry: 1000\n\ndata: x\n\n"),
    answer(1, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"),
    answer(0, b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"),
    answer(2, b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/x\r\nContent-Length: 0\r\n\r\n"),
    answer(12, b"HTTP/1.1 404 Not Found\nContent-Length: 5, 5\n\nnope!"),
    answer(0, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n40000000\r\nxxxx"),
]

n = write("fuzz_dialects", dialect_seeds)
n2 = write("fuzz_sseparser", sse_seeds)
n3 = write("fuzz_pusherframe", pusher_seeds)
n4 = write("fuzz_urlpolicy", urlpolicy_seeds)
# fuzz_pathsegment: names a server may give a job, an output or a profile.
segment_seeds = [
    "pred_8d2f", "../../home/user/.config/autostart", "/etc/passwd", "..", ".", " .hidden ",
    "a/b\\c", "C:\\Windows\\x", "con", "x" * 300, "\x1b]0;title\x07job", "e\u0301t\u00e9 \u202e gnp.exe",
    "\u200b", "\U0001F600" * 60, b"\x00\xd8\x41\x00",  # a lone high surrogate as UTF-16
]

n5 = write("fuzz_httpresponseparser", http_seeds)
n6 = write("fuzz_pathsegment", segment_seeds)
print(f"seeds: {n} dialects, {n2} sseparser, {n3} pusherframe, {n4} urlpolicy, {n5} httpresponseparser, {n6} pathsegment in {out}")
