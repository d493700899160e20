#!/usr/bin/env -S node --max-semi-space-size=1 --single-threaded-gc
// V8's young generation grows to 3 × 16 MiB semi-spaces by default. Ferry's hot paths allocate
// little on the JS heap and much in Buffers, which a small young generation frees sooner: on the
// 5.76 M-sample bench 1 MiB semi-spaces took the agent's peak RSS from ~147 to 117-128 MiB and
// the gateway's from ~127 to 86-95 MiB at the same speed (2 MiB: agent 124-158 MiB).
// --single-threaded-gc: V8's concurrent marking and parallel scavenging threads cost more CPU than
// they save on a small heap (13-30 MiB here) when the cores are shared: on the 2-core bench the
// agent went from 1.2-1.3 to 1.0-1.1 CPU-s per 5.76 M samples and the import ran ~9 % faster, at
// ~10 MiB more agent RSS. Ferry does its work on one thread anyway.
// `node bin/ferry.js` ignores this line; `ferry`/`npx ferry` (and the bench, which reads it) run with it.
require("../dist/main.js");
