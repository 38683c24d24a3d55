# syntax=docker/dockerfile:1
# The middleware's production image: Node 22, production dependencies only, a non-root user, the SQLite data folder
# as a volume, and a HEALTHCHECK on /readyz. docs/operations.md says how to run it (and compose.yaml with PostgreSQL).

ARG NODE_IMAGE=node:22-bookworm-slim

# The preview of the Salesforce components is compiled here, with the build tools the runtime does not get.
FROM ${NODE_IMAGE} AS preview
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY force-app/main/default/lwc ./force-app/main/default/lwc
COPY preview ./preview
RUN node --import tsx preview/build/main.ts

# Production dependencies; better-sqlite3 compiles from source when no prebuilt binary fits.
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY middleware ./middleware
# The embedded sandboxes (used when Sage 300 or Salesforce is not configured) read the package's metadata.
COPY sandbox ./sandbox
COPY force-app ./force-app
COPY preview ./preview
COPY scripts/healthcheck.mjs ./scripts/healthcheck.mjs
COPY --from=preview /app/dist/preview ./dist/preview
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
# A heap budget of 512 MB (as `npm start`): see docs/benchmarks.md, "Memory".
CMD ["node", "--max-old-space-size=512", "--import", "tsx", "middleware/src/main.ts"]
