#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# Push numbered latency samples to a peertop ingest endpoint from several
# concurrent clients and record every sample a 200 acknowledged.
#
#   ingest-push.py PORT CLIENTS SECONDS ACKFILE [BATCH]
#
# Each client sends batches of BATCH samples (default 200) for branch
# "hq", edge "sea", target "cK" (K the client), one new connection per
# batch.  A sample's rtt_us is its number n in its client, so "cK n"
# names it; the names of a batch answered 200 are appended to ACKFILE,
# one per line, before the next batch goes.  A client stops
# after SECONDS or at its first connection error (the collector killed);
# anything but a 200 is not acknowledged and not recorded.  Prints
# "acked N refused M errors E" at the end.
import http.client
import json
import sys
import threading
import time

port = int(sys.argv[1])
clients = int(sys.argv[2])
seconds = float(sys.argv[3])
ackfile = sys.argv[4]
batch = int(sys.argv[5]) if len(sys.argv) > 5 else 200

lock = threading.Lock()
counts = {"acked": 0, "refused": 0, "errors": 0}
out = open(ackfile, "a")


def client(k):
    n = 0
    end = time.time() + seconds
    while time.time() < end:
        now = int(time.time() * 1000)
        ids = [n + i for i in range(batch)]
        body = json.dumps({"agent": "push-%d" % k, "seq": n, "samples": [
            {"branch": "hq", "edge": "sea", "target": "c%d" % k,
             "time_ms": now, "rtt_us": i} for i in ids]})
        n += batch
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("POST", "/v1/samples", body,
                      {"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            c.close()
        except (OSError, http.client.HTTPException):
            with lock:
                counts["errors"] += 1
            return
        with lock:
            if r.status == 200:
                out.write("".join("c%d %d\n" % (k, i) for i in ids))
                out.flush()
                counts["acked"] += batch
            else:
                counts["refused"] += 1


threads = [threading.Thread(target=client, args=(k,))
           for k in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
out.close()
print("acked %d refused %d errors %d" % (counts["acked"], counts["refused"],
                                         counts["errors"]))
