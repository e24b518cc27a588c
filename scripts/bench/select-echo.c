/* select-echo.c — the classic select(2) echo server, as written in C courses.
 * Reference for `make bench` beside `echo-server --model select` (see echo-common.h).
 *
 * Each turn rebuilds the fd_set (select overwrites it), waits, accepts one client if the
 * listener is ready, and echoes once for each ready client. FD_SETSIZE caps the descriptors.
 */
#include <sys/select.h>
#include "echo-common.h"

int main(int argc, char **argv) {
    static char buf[BUF_SIZE];
    int listener = listen_on(argc, argv);
    int clients[FD_SETSIZE];
    int count = 0;
    for (;;) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(listener, &readable);
        int maxfd = listener;
        for (int i = 0; i < count; i++) {
            FD_SET(clients[i], &readable);
            if (clients[i] > maxfd) maxfd = clients[i];
        }
        if (select(maxfd + 1, &readable, NULL, NULL, NULL) < 0) continue; /* EINTR */
        if (FD_ISSET(listener, &readable)) {
            int fd = accept_client(listener);
            if (fd >= FD_SETSIZE || (fd >= 0 && count == FD_SETSIZE - 1)) close(fd);
            else if (fd >= 0) clients[count++] = fd;
        }
        for (int i = 0; i < count; i++) {
            if (FD_ISSET(clients[i], &readable) && !echo_once(clients[i], buf)) {
                close(clients[i]);
                clients[i--] = clients[--count]; /* swap-remove, look at slot i again */
            }
        }
    }
}
