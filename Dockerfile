# Builds the rampart binary from Debian 12 packages and ships it in a slim Debian image that
# runs as an unprivileged user. Build: docker build -t rampart:0.1.0 .
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libsimdjson-dev nlohmann-json3-dev libyaml-cpp-dev libsqlite3-dev \
      libfmt-dev libspdlog-dev libcli11-dev libre2-dev libexpected-dev \
      libssl-dev zlib1g-dev libarchive-dev libcurl4-openssl-dev libgit2-dev \
      libcpp-httplib-dev libpq-dev libpqxx-dev libnats-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY src src
COPY console console
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DRAMPART_TESTS=OFF -DRAMPART_BENCH=OFF \
 && cmake --build build --target rampart \
 && strip build/rampart

FROM debian:12-slim
# The shared libraries the binary links, bubblewrap for the exec action's sandbox, the CA
# certificates for HTTPS to git hosts, webhooks and cloud APIs, and the time zones that
# `detect --timezone` reads.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates bubblewrap tzdata \
      libsimdjson14 libyaml-cpp0.7 libsqlite3-0 libfmt9 libspdlog1.10 libre2-9 \
      libssl3 zlib1g libarchive13 libcurl4 libgit2-1.5 libcpp-httplib0.11 \
      libpq5 libpqxx-6.4 libnats3.4 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 rampart \
 && useradd --system --uid 10001 --gid rampart --home-dir /var/lib/rampart rampart \
 && install -d -o rampart -g rampart -m 0750 /var/lib/rampart /etc/rampart
COPY --from=build /src/build/rampart /usr/bin/rampart
USER 10001:10001
WORKDIR /var/lib/rampart
EXPOSE 8080
ENTRYPOINT ["/usr/bin/rampart"]
CMD ["serve", "--config", "/etc/rampart/rampart.yaml"]
