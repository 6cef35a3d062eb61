# One image for the API and the workers (ROLE=api or ROLE=worker), with the dashboard built in.
# syntax=docker/dockerfile:1
# Node 24: the active LTS line (Node 20 reached end of life in April 2026).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json schema.graphql ./
COPY docs/contract.graphql docs/
COPY server server
COPY web web
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY web/package.json web/
RUN npm ci --omit=dev --workspace server --include-workspace-root=false --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/web/dist web/dist
USER node
EXPOSE 4000
# A larger young generation: a worker holds thousands of live calls' promises and timers, and
# with the default 16 MB semi-space most of them were copied by every scavenge (docs/OPERATIONS.md).
CMD ["node", "--max-semi-space-size=64", "server/dist/main.js"]
