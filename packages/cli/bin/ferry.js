#!/usr/bin/env -S node --max-semi-space-size=1
// V8's young generation grows to 3 × 16 MiB semi-spaces by default. Ferry's hot paths allocate
// little on the JS heap and much in Buffers, which a small young generation frees sooner: on the
// 5.76 M-sample bench 1 MiB semi-spaces took the agent's peak RSS from ~147 to 117-128 MiB and
// the gateway's from ~127 to 86-95 MiB at the same speed (2 MiB: agent 124-158 MiB).
// `node bin/ferry.js` ignores this line; `ferry`/`npx ferry` (and the bench, which reads it) run with it.
require("../dist/main.js");
