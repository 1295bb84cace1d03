FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY adapters ./adapters
COPY prompts ./prompts
COPY config ./config
USER node
EXPOSE 3978
CMD ["npm", "start"]
