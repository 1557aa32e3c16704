#ifndef CRESOLV_H
#define CRESOLV_H
// glibc's stub resolver (libresolv), exposed to Swift for DNS queries to a chosen server,
// plus the few socket helpers preflight needs (deadline-bounded DNS exchange over UDP with
// TCP fallback, TCP connect probes). HTTP, Unix sockets included, goes through CCurl.
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>

/// Builds a DNS query (class IN, RD set) for `name` and `type` with glibc's res_nmkquery.
/// Returns the query length, or -1 (bad name / buffer too small).
int cresolv_mkquery(const char *name, int type, unsigned char *buf, int buflen);

/// Outcome codes of cresolv_exchange (negative); a non-negative result is the answer length.
enum {
    CRESOLV_TIMEOUT = -1,    // no answer before the deadline
    CRESOLV_NETERR = -2,     // socket error (errno in *err)
    CRESOLV_BADADDR = -3,    // server address not an IPv4/IPv6 literal
    CRESOLV_TOOLONG = -4,    // answer larger than the buffer
};

/// Sends `query` to server_ip:port over UDP, retransmitting once half-way, and waits for the
/// matching answer (same ID, QR set) until `timeout_ms` elapses. A truncated (TC) answer is
/// retried over TCP within the same deadline. *used_tcp is set to 1 when TCP answered.
int cresolv_exchange(const char *server_ip, int port,
                     const unsigned char *query, int qlen,
                     unsigned char *answer, int anslen,
                     int timeout_ms, int *used_tcp, int *err);

/// TCP connect probe. Returns 0 connected, 1 refused, 2 timed out, 3 unreachable/other
/// (errno in *err), -3 bad address.
int cresolv_tcp_probe(const char *ip, int port, int timeout_ms, int *err);

#endif
