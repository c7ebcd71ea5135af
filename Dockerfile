# The ledger's image: one image, two commands (the API, the projection worker).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
RUN npm ci && npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist dist
# Data the service reads at start-up, found relative to package.json.
COPY libs/store/migrations libs/store/migrations
COPY rulebooks rulebooks
COPY bin bin
USER node
EXPOSE 3000
# The heap limit makes V8 collect before garbage piles up (an export keeps the process under 300 MB); see README.
CMD ["node", "--max-old-space-size=192", "dist/apps/ledger/main.js"]
