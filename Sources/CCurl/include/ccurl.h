#ifndef CCURL_H
#define CCURL_H
// libcurl (libcurl4-openssl-dev) for Swift: curl_easy_setopt and curl_easy_getinfo are variadic,
// which Swift can't call, so each option type gets a typed wrapper. One request at a time per handle.
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

CURLcode ccurl_global_init(void);
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
