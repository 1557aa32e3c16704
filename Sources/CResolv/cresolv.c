#include "cresolv.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mk_lock = PTHREAD_MUTEX_INITIALIZER;
static struct __res_state mk_state;
static int mk_ready = 0;

int cresolv_mkquery(const char *name, int type, unsigned char *buf, int buflen) {
    int n;
    pthread_mutex_lock(&mk_lock);
    if (!mk_ready) {
        memset(&mk_state, 0, sizeof mk_state);
        if (res_ninit(&mk_state) == 0) mk_ready = 1;
    }
    n = mk_ready ? res_nmkquery(&mk_state, ns_o_query, name, ns_c_in, type, NULL, 0, NULL, buf, buflen) : -1;
    pthread_mutex_unlock(&mk_lock);
    return n;
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/// Fills `ss` from an IP literal; returns the address length or 0.
static socklen_t make_addr(const char *ip, int port, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)port);
        return sizeof *v4;
    }
    if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)port);
        return sizeof *v6;
    }
    return 0;
}

/// Waits for `events` on fd until the absolute deadline. 1 ready, 0 timeout, -1 error.
static int wait_fd(int fd, short events, long long deadline) {
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) return 0;
        struct pollfd p = { .fd = fd, .events = events, .revents = 0 };
        int r = poll(&p, 1, (int)left);
        if (r > 0) return 1;
        if (r == 0) return 0;
        if (errno != EINTR) return -1;
    }
}

/// Non-blocking connect bounded by the deadline: 0 ok, 1 refused, 2 timeout, 3 other.
static int connect_deadline(int fd, const struct sockaddr *sa, socklen_t len, long long deadline, int *err) {
    int flags = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    if (connect(fd, sa, len) == 0) return 0;
    if (errno != EINPROGRESS) {
        *err = errno;
        return errno == ECONNREFUSED ? 1 : 3;
    }
    int w = wait_fd(fd, POLLOUT, deadline);
    if (w == 0) return 2;
    if (w < 0) { *err = errno; return 3; }
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    if (soerr == 0) return 0;
    *err = soerr;
    return soerr == ECONNREFUSED ? 1 : 3;
}

static int read_full(int fd, unsigned char *buf, int n, long long deadline, int *err) {
    int got = 0;
    while (got < n) {
        int w = wait_fd(fd, POLLIN, deadline);
        if (w == 0) return CRESOLV_TIMEOUT;
        if (w < 0) { *err = errno; return CRESOLV_NETERR; }
        ssize_t r = recv(fd, buf + got, (size_t)(n - got), 0);
        if (r == 0) { *err = ECONNRESET; return CRESOLV_NETERR; }
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            *err = errno;
            return CRESOLV_NETERR;
        }
        got += (int)r;
    }
    return got;
}

static int exchange_tcp(const struct sockaddr *sa, socklen_t salen,
                        const unsigned char *query, int qlen,
                        unsigned char *answer, int anslen, long long deadline, int *err) {
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) { *err = errno; return CRESOLV_NETERR; }
    int c = connect_deadline(fd, sa, salen, deadline, err);
    if (c != 0) { close(fd); return c == 2 ? CRESOLV_TIMEOUT : CRESOLV_NETERR; }
    unsigned char out[2 + 65535];
    out[0] = (unsigned char)(qlen >> 8);
    out[1] = (unsigned char)(qlen & 0xff);
    memcpy(out + 2, query, (size_t)qlen);
    int sent = 0, total = qlen + 2;
    while (sent < total) {
        int w = wait_fd(fd, POLLOUT, deadline);
        if (w == 0) { close(fd); return CRESOLV_TIMEOUT; }
        ssize_t s = send(fd, out + sent, (size_t)(total - sent), MSG_NOSIGNAL);
        if (s < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            *err = errno; close(fd); return CRESOLV_NETERR;
        }
        sent += (int)s;
    }
    unsigned char lenbuf[2];
    int r = read_full(fd, lenbuf, 2, deadline, err);
    if (r < 0) { close(fd); return r; }
    int len = (lenbuf[0] << 8) | lenbuf[1];
    if (len > anslen) { close(fd); return CRESOLV_TOOLONG; }
    r = read_full(fd, answer, len, deadline, err);
    close(fd);
    return r;
}

int cresolv_exchange(const char *server_ip, int port,
                     const unsigned char *query, int qlen,
                     unsigned char *answer, int anslen,
                     int timeout_ms, int *used_tcp, int *err) {
    *used_tcp = 0;
    *err = 0;
    if (qlen < 12) return CRESOLV_NETERR;
    struct sockaddr_storage ss;
    socklen_t salen = make_addr(server_ip, port, &ss);
    if (salen == 0) return CRESOLV_BADADDR;
    long long start = now_ms();
    long long deadline = start + timeout_ms;
    long long resend_at = start + timeout_ms / 2;
    int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) { *err = errno; return CRESOLV_NETERR; }
    // A connected UDP socket only receives datagrams from the server we asked.
    if (connect(fd, (struct sockaddr *)&ss, salen) != 0) { *err = errno; close(fd); return CRESOLV_NETERR; }
    if (send(fd, query, (size_t)qlen, 0) < 0) { *err = errno; close(fd); return CRESOLV_NETERR; }
    int resent = 0;
    for (;;) {
        long long wait_until = (!resent && resend_at < deadline) ? resend_at : deadline;
        int w = wait_fd(fd, POLLIN, wait_until);
        if (w < 0) { *err = errno; close(fd); return CRESOLV_NETERR; }
        if (w == 0) {
            if (now_ms() >= deadline) { close(fd); return CRESOLV_TIMEOUT; }
            resent = 1;
            send(fd, query, (size_t)qlen, 0);
            continue;
        }
        ssize_t r = recv(fd, answer, (size_t)anslen, 0);
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            // ECONNREFUSED: ICMP port unreachable from a server that is not listening.
            *err = errno; close(fd); return CRESOLV_NETERR;
        }
        // Ignore anything that is not an answer to this query (wrong ID or not a response).
        if (r < 12 || answer[0] != query[0] || answer[1] != query[1] || !(answer[2] & 0x80)) continue;
        close(fd);
        if (answer[2] & 0x02) {  // TC: truncated, ask again over TCP
            *used_tcp = 1;
            return exchange_tcp((struct sockaddr *)&ss, salen, query, qlen, answer, anslen, deadline, err);
        }
        return (int)r;
    }
}

int cresolv_tcp_probe(const char *ip, int port, int timeout_ms, int *err) {
    *err = 0;
    struct sockaddr_storage ss;
    socklen_t salen = make_addr(ip, port, &ss);
    if (salen == 0) return -3;
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) { *err = errno; return 3; }
    int r = connect_deadline(fd, (struct sockaddr *)&ss, salen, now_ms() + timeout_ms, err);
    close(fd);
    return r;
}
