#!/usr/bin/env node
// The image's HEALTHCHECK: exit 0 when this instance's /readyz answers 200.
// node, not curl: the slim image has no curl. Reads PORT as src/config.ts does.
const port = process.env.PORT || '3978';
const timeout = AbortSignal.timeout(2500);
fetch(`http://127.0.0.1:${port}/readyz`, { signal: timeout }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
