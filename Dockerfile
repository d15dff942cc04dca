# syntax=docker/dockerfile:1
# Build stage: install everything, compile TypeScript to dist/ and bundle the web pages into dist/web.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY server ./server
COPY actors ./actors
COPY game ./game
COPY store ./store
COPY bus ./bus
COPY cluster ./cluster
COPY protocol ./protocol
COPY web ./web
RUN npm run build

# Runtime stage: production dependencies and the compiled server only, as the unprivileged user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# `npm start` builds, then runs exactly this; the image is built already, and node runs as PID 1
# itself so that SIGTERM reaches the server (npm would sit in between).
CMD ["node", "--max-semi-space-size=16", "--no-allocation-site-pretenuring", "dist/server/cli.js", "start"]
