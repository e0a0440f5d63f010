# budget-app-explorer:latest: the explorer's static build, nothing else.
# The nginx pod keeps the stock nginx:stable-alpine image; its init container copies
# /explorer from this image into the emptyDir that nginx serves at /explorer/.
# The build stage runs the very commands `make test` runs: install-deps + make dist.
FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm python3 make \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash scripts/install-deps.sh build && cargo fetch --locked && make dist

FROM busybox:1.37
COPY --from=build /src/dist /explorer
USER 65534:65534
CMD ["ls", "-la", "/explorer"]
