/* poll-echo.c — the classic poll(2) echo server, as written in C courses.
 * Reference for `make bench` beside `echo-server --model poll` (see echo-common.h).
 *
 * One pollfd array, entry 0 the listener; the kernel writes `revents` and leaves `events`
 * alone, so the array is kept across turns (unlike select's fd_set).
 */
#include <poll.h>
#include "echo-common.h"

#define MAX_FDS 65536

int main(int argc, char **argv) {
    static char buf[BUF_SIZE];
    static struct pollfd fds[MAX_FDS];
    fds[0].fd = listen_on(argc, argv);
    fds[0].events = POLLIN;
    nfds_t count = 1;
    for (;;) {
        if (poll(fds, count, -1) < 0) continue; /* EINTR */
        if (fds[0].revents & POLLIN) {
            int fd = accept_client(fds[0].fd);
            if (fd >= 0 && count == MAX_FDS) close(fd);
            else if (fd >= 0) fds[count++] = (struct pollfd){.fd = fd, .events = POLLIN};
        }
        for (nfds_t i = 1; i < count; i++) {
            if (fds[i].revents && !echo_once(fds[i].fd, buf)) {
                close(fds[i].fd);
                fds[i--] = fds[--count]; /* swap-remove (revents too), look at slot i again */
            }
        }
    }
}
