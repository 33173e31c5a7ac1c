#!/bin/sh
# `nsatlas` in the image (/usr/local/bin/nsatlas): the package's bin, server/bin/nsatlas.mjs, under node with the V8
# flags of the face it runs: the dashboard gets those `npm start` gives it (server/bin/start.ts), the agent and the
# one-shot commands those of bin/nsatlas.mjs's own first line.
case "${1:-}" in
  dashboard) exec node --no-memory-reducer --heap-growing-percent=100 --max-semi-space-size=32 /app/server/bin/nsatlas.mjs "$@" ;;
  *) exec node --max-semi-space-size=2 /app/server/bin/nsatlas.mjs "$@" ;;
esac
