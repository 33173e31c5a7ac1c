# The nsatlas image (docs/install.md#image): the node agent by default, the dashboard or hub with `nsatlas dashboard`.
#   npm run image     builds nsatlas:<version> and nsatlas:latest (scripts/image/build-image.ts), with or without a registry
# or by hand, with BuildKit (the CA secret only where a TLS-intercepting proxy sits between the build and the npm registry):
#   DOCKER_BUILDKIT=1 docker build [--secret id=ca,src=/etc/ssl/certs/ca-certificates.crt] -t nsatlas .
#
# BASE is a Debian bookworm image with Node.js 22 and apt: the official node:22-bookworm-slim, or the stand-in that
# `npm run image` makes from Debian's packages and the npm package of Node's binary when no registry can be reached.
# It builds the app and gives the image its packages; the image itself starts from nothing (FROM scratch): unpacked
# Debian packages (glibc, iproute2, tcpdump, their libraries), BASE's node (stripped) and nsenter, and the app.
ARG BASE=node:22-bookworm-slim

# ---- the root filesystem: libraries, dash, ip, tcpdump, nsenter, node, users (scripts/image/runtime-rootfs.sh)
FROM ${BASE} AS rootfs
COPY scripts/image/runtime-rootfs.sh scripts/image/nsatlas.sh /tmp/image/
RUN sh /tmp/image/runtime-rootfs.sh /rootfs /tmp/image/nsatlas.sh

# ---- the app: npm ci, the server bundle and Next's standalone build, assembled into /app (scripts/image/assemble-app.ts)
FROM ${BASE} AS build
ENV DEBIAN_FRONTEND=noninteractive NEXT_TELEMETRY_DISABLED=1 npm_config_nodedir=/usr/local npm_config_update_notifier=false
# better-sqlite3 compiles from source where its prebuilt binary cannot be fetched: node-gyp needs these and Node's headers.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 make g++ >/dev/null && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# The CA bundle, when given as the build secret `ca`, is mounted for this step only: it is in no layer of any stage.
# Install scripts run for better-sqlite3 only (npm rebuild, both cores); the others (esbuild, koffi, ssh2) are not needed.
RUN --mount=type=secret,id=ca --mount=type=cache,target=/root/.npm \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca npm_config_cafile=/run/secrets/ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund && JOBS=max npm rebuild better-sqlite3
COPY . .
RUN npm run build && node --import tsx scripts/image/assemble-app.ts /src /app

# ---- the image
FROM scratch
COPY --from=rootfs /rootfs/ /
COPY --from=build /app /app
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
# The agent (7471) and the dashboard (3000). Off loopback both need NSATLAS_TOKEN: without it the default command exits 2.
EXPOSE 7471 3000
# Root with capabilities for the agent (docs/security.md#privileges); `--user nsatlas` for the dashboard as a hub.
CMD ["nsatlas", "agent", "--listen", "0.0.0.0:7471"]
