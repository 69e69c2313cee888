# HiveHub image: one image, two processes (api and worker), chosen by the command.
#   docker build -t hivehub .          (or: docker compose build)
# Default command: apply migrations, then run the api. The worker runs
#   node dist/apps/worker/src/main.js
# The image keeps devDependencies: scripts/db/migrate.mjs loads
# @prisma/schema-engine-wasm, which is one.

FROM node:20-bookworm-slim AS build
# Toolchain for native addons built from source (node-gyp).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Prisma: no native schema engine is downloaded or used; `prisma generate` only
# needs PRISMA_SCHEMA_ENGINE_BINARY to name an existing file (migrations are applied
# by scripts/db/migrate.mjs instead).
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/true \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    CHECKPOINT_DISABLE=1
COPY package.json package-lock.json ./
# The shard engine's native graph is a file: dependency that npm ci links and compiles.
COPY libs/shard/native ./libs/shard/native
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx prisma generate --schema prisma/schema.prisma \
 && npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=15002 \
    DATA_DIR=/data \
    NODE_DATA_DIR=/data/node \
    STORAGE_DIR=/data/storage \
    WORKER_HOST=0.0.0.0 \
    WORKER_PORT=15003
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs/shard/native ./libs/shard/native
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/scripts ./scripts
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 15002 15003
CMD ["sh", "-c", "node scripts/db/migrate.mjs && exec node dist/apps/api/src/main.js"]
