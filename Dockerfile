# syntax=docker/dockerfile:1
# Build: a static binary, with the questionnaire, migrations and assets embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/aigrid ./cmd/aigrid

# Run: distroless, non-root, nothing but the binary and CA certificates.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/aigrid /aigrid
ENV AIGRID_ADDR=0.0.0.0:8080 \
    AIGRID_LOG_FORMAT=json
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/aigrid"]
CMD ["serve"]
