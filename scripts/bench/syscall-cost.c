/* syscall-cost.c — what one system call that does nothing useful costs on this machine.
 *
 * The read that only says EAGAIN (EWOULDBLOCK) is the system call the short-read rule saves
 * (readiness rule 2, reactor/src/reactor/read_until.rs); getppid(2) is the price of entering
 * and leaving the kernel at all. docs/performance.md compares them with the cost of a whole
 * echo round trip, to show how far cutting system calls can take a server.
 *
 *   cc -O2 -o /tmp/syscall-cost scripts/bench/syscall-cost.c && taskset -c 1 /tmp/syscall-cost
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CALLS 1000000

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(void) {
    /* A connected TCP pair on loopback; the accepted end is non-blocking and empty. */
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0 || client < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 ||
        listen(listener, 1) < 0 || getsockname(listener, (struct sockaddr *)&addr, &len) < 0 ||
        connect(client, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("loopback pair");
        return 1;
    }
    int server = accept(listener, NULL, NULL);
    if (server < 0 || fcntl(server, F_SETFL, O_NONBLOCK) < 0) {
        perror("accept");
        return 1;
    }
    static char buf[65536];
    double t0 = now_ns();
    for (int i = 0; i < CALLS; i++) {
        if (recv(server, buf, sizeof buf, 0) >= 0) {
            fprintf(stderr, "unexpected data\n");
            return 1;
        }
    }
    double t1 = now_ns();
    for (int i = 0; i < CALLS; i++) getppid();
    double t2 = now_ns();
    printf("recv on an empty socket (EAGAIN): %.0f ns per call\n", (t1 - t0) / CALLS);
    printf("getppid (enter and leave the kernel): %.0f ns per call\n", (t2 - t1) / CALLS);
    return 0;
}
