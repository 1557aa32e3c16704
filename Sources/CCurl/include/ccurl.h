#ifndef CCURL_H
#define CCURL_H
// libcurl for Swift, loaded lazily. <curl/curl.h> (libcurl4-openssl-dev) is used for the types and
// constants only: the binary doesn't link libcurl. The first call dlopen()s libcurl.so.4 (once per
// process) and resolves the functions below, so the commands that never touch the network don't pay
// for mapping libcurl and its ~30 dependencies at start-up. When the library can't be loaded every
// call fails cleanly (CURLE_FAILED_INIT, NULL) and `ccurl_load_error` says why.
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift can't call, so each option type
// gets a typed wrapper. One request at a time per handle.
#include <curl/curl.h>
#include <stddef.h>

/// Where a transfer's body and header bytes go, with the caller's limits. The write callbacks stop
/// the transfer (CURLE_WRITE_ERROR) once `body_limit` would be exceeded and set `overflowed`.
typedef struct {
    char *body;
    size_t body_len, body_cap, body_limit;
    char *headers;
    size_t headers_len, headers_cap, headers_limit;
    int overflowed;
    /// Streaming: when set, body bytes go to this callback instead of `body`; returning non-zero stops.
    int (*on_chunk)(const char *data, size_t len, void *ctx);
    void *chunk_ctx;
} ccurl_buffers;

/// The library the process loads: "libcurl.so.4", or $SELFHOST_LIBCURL when set (for tests).
/// Loads it on the first call (thread-safe, once); returns 1 when loaded, 0 otherwise.
int ccurl_loaded(void);
/// Why loading failed (dlopen's or dlsym's message), or NULL when loaded. Static storage.
const char *ccurl_load_error(void);
/// Tries to load `name` and resolve every function, without touching the process's libcurl:
/// returns 1 if it could, else 0 with the reason in `error` (size `error_len`). For tests and diagnostics.
int ccurl_check_library(const char *name, char *error, size_t error_len);

CURLcode ccurl_global_init(void);
CURL *ccurl_easy_init(void);
CURLcode ccurl_easy_perform(CURL *h);
void ccurl_easy_cleanup(CURL *h);
/// Never NULL: libcurl's text, or a fixed one when libcurl isn't loaded.
const char *ccurl_easy_strerror(CURLcode code);
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *line);
void ccurl_slist_free_all(struct curl_slist *list);

CURLcode ccurl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode ccurl_setopt_string(CURL *h, CURLoption opt, const char *value);
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption opt, void *value);
CURLcode ccurl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *list);
/// Installs the body and header callbacks writing into `buffers` (which must outlive the transfer).
CURLcode ccurl_capture(CURL *h, ccurl_buffers *buffers);
void ccurl_buffers_free(ccurl_buffers *buffers);
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO info, long *value);
CURLcode ccurl_getinfo_double(CURL *h, CURLINFO info, double *value);
CURLcode ccurl_getinfo_string(CURL *h, CURLINFO info, char **value);
/// The first certificate of the peer's chain (CURLOPT_CERTINFO must be on): subject, issuer,
/// expiry and subject-alternative names as "Name:value" lines, or NULL. Caller frees.
char *ccurl_first_cert_field(CURL *h, const char *field);
#endif
