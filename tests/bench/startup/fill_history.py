#!/usr/bin/env python3
"""Fills a Jobscope history (already created by the app, so the schema is the real one) with N
finished and running jobs across the five sandbox dialects, each with a short timeline and log."""
import json, random, sqlite3, sys, time

path, count = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(path)
dialects = ["peelapi", "imagepipeline", "peel", "peako", "deapi"]
tasks = {"peelapi": "v1/portrait", "imagepipeline": "generate/image/v1", "peel": "v1/apis", "peako": "api/render",
         "deapi": "api/v1/client/txt2img"}
states = [("succeeded", "done"), ("failed", "error"), ("cancelled", "cancelled"), ("succeeded", "completed")]
pids = {}
for d in dialects:
    settings = json.dumps({"name": "Bench " + d, "dialect": d, "base_url": "https://example.invalid/" + d, "key_ref": "env:BENCH"})
    cur = db.execute("INSERT INTO profiles (name, dialect, base_url, key_ref, settings) VALUES (?,?,?,?,?)",
                     ("Bench " + d, d, "https://example.invalid/" + d, "env:BENCH", settings))
    pids[d] = cur.lastrowid
now = int(time.time() * 1000)
random.seed(7)
words = ["mountain", "river", "portrait", "sunset", "fox", "city", "forest", "ocean", "robot", "garden"]
with db:
    for i in range(count):
        d = dialects[i % 5]
        state, raw = states[i % len(states)]
        jid = "bench-%06d" % i
        created = now - (count - i) * 60_000
        prompt = " ".join(random.choice(words) for _ in range(4))
        err = json.dumps({"kind": "job", "message": "out of memory", "code": "OUT_OF_MEMORY", "retryable": True}) if state == "failed" else "{}"
        db.execute("INSERT INTO jobs (job_id, profile_id, task, input, via, state, raw_status, progress, created_ms, updated_ms, error)"
                   " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   (jid, pids[d], tasks[d], json.dumps({"prompt": prompt}), "auto", state, raw, 1.0 if state == "succeeded" else 0.4,
                    created, created + 20_000, err))
        for seq, (s, r) in enumerate([("queued", "queued"), ("running", "processing"), (state, raw)]):
            db.execute("INSERT INTO timeline (job_id, seq, time_ms, channel, kind, state, raw_status, text) VALUES (?,?,?,?,?,?,?,?)",
                       (jid, seq, created + seq * 5000, "poll", "state", s, r, ""))
        for seq in range(3):
            db.execute("INSERT INTO logs (job_id, seq, time_ms, level, message) VALUES (?,?,?,?,?)",
                       (jid, seq, created + seq * 4000, "info", "step %d of %s" % (seq, prompt)))
print(f"{count} jobs written to {path}")
