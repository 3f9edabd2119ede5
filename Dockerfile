# Build stage: a release binary with the taxonomies, rule packs, templates and demo compiled in.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/commonplace

# Runtime stage: the binary alone, as an unprivileged user.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/commonplace --create-home commonplace
COPY --from=build /src/target/release/commonplace /usr/local/bin/commonplace
USER commonplace
WORKDIR /var/lib/commonplace
ENV COMMONPLACE_DATA_DIR=/var/lib/commonplace COMMONPLACE_LISTEN=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["commonplace"]
CMD ["serve"]
