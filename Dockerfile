# syntax=docker/dockerfile:1
# One image, three stages. `app` is the production image (standalone Next.js, non-root);
# `tools` runs the local provider (dev/idp/) for development and tests.

FROM node:24-bookworm-slim AS deps
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
# No secret is needed to build: the configuration is read when the server starts.
RUN npm run build

FROM deps AS tools
COPY . .
# The provider keeps its signing key in /data (a volume), so it survives restarts.
RUN mkdir -p /data && chown node:node /data
USER node
# tsx directly, not npx: npx would not pass SIGTERM on to the provider.
CMD ["node_modules/.bin/tsx", "dev/idp/server.ts"]

FROM node:24-bookworm-slim AS app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /repo/.next/standalone ./
USER node
# 3000: the app (PORT). 9464: Prometheus' /metrics (METRICS_PORT; 0 turns it off), for
# the scraper inside your network, never published to the internet.
EXPOSE 3000 9464
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health').then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))"
CMD ["node", "server.js"]
