# Build: bundle main.ts and compile the bundle into one standalone executable (`deno task compile`)
# with the Deno version pinned in .deno-version, for the platform the image is built for
# (`docker build --platform linux/arm64` gives an arm64 image).
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY .deno-version deno.json deno.lock main.ts ./
COPY lib ./lib
COPY schemas ./schemas
RUN npm install --global "deno@$(cat .deno-version)" && deno task compile

# Run: Debian slim gives glibc for the binary and /bin/sh for Airbyte's `sh -c` launcher.
FROM debian:bookworm-slim
RUN useradd --uid 1000 --user-group --create-home --home-dir /airbyte airbyte
COPY --from=build --chown=1000:1000 /src/dist/source-linkedin-pages /airbyte/bin/source-linkedin-pages
ENV AIRBYTE_ENTRYPOINT="/airbyte/bin/source-linkedin-pages"
ENV DENO_DIR=/tmp/deno
ENTRYPOINT ["/airbyte/bin/source-linkedin-pages"]
LABEL io.airbyte.name=airbyte/source-linkedin-pages
LABEL io.airbyte.version=0.1.0
WORKDIR /airbyte
USER 1000
