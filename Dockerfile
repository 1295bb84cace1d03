# hearken's production image: compiled JavaScript, production dependencies
# only, run as the unprivileged `node` user. CI reproduces these steps without
# Docker (npm run test:smoke, test/smoke/image-smoke.ts reads this file), so
# keep RUN steps that touch the app to npm commands.

# Build stage: every dependency, type-check and emit dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY deploy/build.mjs ./deploy/
COPY src ./src
COPY adapters ./adapters
RUN npm run build

# Runtime stage: production dependencies and the built files, no TypeScript.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# The npm cache is a build cache mount: it stays out of the image.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
COPY deploy/build.mjs deploy/healthcheck.mjs ./deploy/
COPY --from=build /app/dist ./dist
COPY prompts ./prompts
COPY config ./config
# The embedded database's directory, for a single container without DATABASE_URL
# (mount a volume here to keep it); the code stays read-only for the app.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3978
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "deploy/healthcheck.mjs"]
# Exec form: SIGTERM goes to node itself (npm would not pass it on). Run with
# an init (compose: init: true; docker run --init) so a SIGTERM that comes
# before the app's handlers are installed still stops it. A stop takes ~0.1 s
# idle, ~2 s with web chat long polls open; its hard limit is 15 s
# (src/main.ts), so give the platform a stop timeout above that (compose:
# stop_grace_period 20s).
CMD ["node", "dist/src/main.js"]
