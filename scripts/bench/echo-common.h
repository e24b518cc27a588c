/* echo-common.h — what the C select and poll echo servers share: parse --listen HOST:PORT,
 * bind with getaddrinfo(3), print the "listening on ADDR" line, and the per-client step.
 *
 * These servers are the bridge from the C of the course to the Rust reactor: the same
 * loop as reactor/src/backend/{select,poll}.rs, with nothing else. They are references for
 * `make bench` (scripts/bench.sh builds them with cc), not teaching servers: a client that
 * stops reading blocks the whole server in write(2) (blocking sockets, no output buffer), which
 * is exactly what the reactor's outbox (readiness rule 4) exists to avoid.
 */
#ifndef ECHO_COMMON_H
#define ECHO_COMMON_H

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#define BUF_SIZE 65536

/* Bind and listen on the HOST:PORT given after --listen (port 0: the kernel picks). */
static int listen_on(int argc, char **argv) {
    const char *spec = "127.0.0.1:0";
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--listen") == 0) spec = argv[i + 1];
    char host[256];
    const char *colon = strrchr(spec, ':');
    if (!colon || (size_t)(colon - spec) >= sizeof host) {
        fprintf(stderr, "usage: %s [--listen HOST:PORT]\n", argv[0]);
        exit(2);
    }
    memcpy(host, spec, colon - spec);
    host[colon - spec] = '\0';
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res;
    int rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo %s: %s\n", spec, gai_strerror(rc));
        exit(1);
    }
    int fd = socket(res->ai_family, res->ai_socktype, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 1024) < 0) {
        perror("bind/listen");
        exit(1);
    }
    freeaddrinfo(res);
    struct sockaddr_in6 bound; /* large enough for either family */
    socklen_t len = sizeof bound;
    getsockname(fd, (struct sockaddr *)&bound, &len);
    char text[INET6_ADDRSTRLEN];
    int port;
    if (((struct sockaddr *)&bound)->sa_family == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&bound;
        inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
        port = ntohs(v4->sin_port);
        printf("listening on %s:%d\n", text, port);
    } else {
        inet_ntop(AF_INET6, &bound.sin6_addr, text, sizeof text);
        printf("listening on [%s]:%d\n", text, ntohs(bound.sin6_port));
    }
    fflush(stdout);
    return fd;
}

/* accept(2) one client and turn Nagle off, as the Rust servers do. -1 if none. */
static int accept_client(int listener) {
    int fd = accept(listener, NULL, NULL);
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

/* One read(2) — select and poll report the fd again if more is left (level-triggered) —
 * and the bytes written back. Returns 0 when the client is gone (EOF or error). */
static int echo_once(int fd, char *buf) {
    ssize_t n = read(fd, buf, BUF_SIZE);
    if (n <= 0) return 0;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = write(fd, buf + off, n - off);
        if (w <= 0) return 0;
        off += w;
    }
    return 1;
}

#endif
