#include "ccurl.h"
#include <stdlib.h>
#include <string.h>

CURLcode ccurl_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }
CURLcode ccurl_setopt_long(CURL *h, CURLoption opt, long value) { return curl_easy_setopt(h, opt, value); }
CURLcode ccurl_setopt_string(CURL *h, CURLoption opt, const char *value) { return curl_easy_setopt(h, opt, value); }
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption opt, void *value) { return curl_easy_setopt(h, opt, value); }
CURLcode ccurl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *list) { return curl_easy_setopt(h, opt, list); }
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO info, long *value) { return curl_easy_getinfo(h, info, value); }
CURLcode ccurl_getinfo_double(CURL *h, CURLINFO info, double *value) { return curl_easy_getinfo(h, info, value); }
CURLcode ccurl_getinfo_string(CURL *h, CURLINFO info, char **value) { return curl_easy_getinfo(h, info, value); }

static int append(char **buf, size_t *len, size_t *cap, size_t limit, const char *data, size_t n) {
    if (*len + n > limit) return 0;
    if (*len + n > *cap) {
        size_t want = *cap ? *cap : 4096;
        while (want < *len + n) want *= 2;
        if (want > limit) want = limit;
        char *grown = realloc(*buf, want);
        if (!grown) return 0;
        *buf = grown;
        *cap = want;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    return 1;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata) {
    ccurl_buffers *b = userdata;
    size_t n = size * nmemb;
    if (b->on_chunk) return b->on_chunk(data, n, b->chunk_ctx) == 0 ? n : 0;
    if (!append(&b->body, &b->body_len, &b->body_cap, b->body_limit, data, n)) { b->overflowed = 1; return 0; }
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata) {
    ccurl_buffers *b = userdata;
    size_t n = size * nmemb;
    if (!append(&b->headers, &b->headers_len, &b->headers_cap, b->headers_limit, data, n)) { b->overflowed = 1; return 0; }
    return n;
}

CURLcode ccurl_capture(CURL *h, ccurl_buffers *b) {
    CURLcode rc;
    if ((rc = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body)) != CURLE_OK) return rc;
    if ((rc = curl_easy_setopt(h, CURLOPT_WRITEDATA, b)) != CURLE_OK) return rc;
    if ((rc = curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header)) != CURLE_OK) return rc;
    return curl_easy_setopt(h, CURLOPT_HEADERDATA, b);
}

void ccurl_buffers_free(ccurl_buffers *b) {
    free(b->body); free(b->headers);
    b->body = b->headers = NULL;
    b->body_len = b->body_cap = b->headers_len = b->headers_cap = 0;
}

char *ccurl_first_cert_field(CURL *h, const char *field) {
    struct curl_certinfo *info = NULL;
    if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &info) != CURLE_OK || !info || info->num_of_certs < 1) return NULL;
    size_t flen = strlen(field);
    for (struct curl_slist *s = info->certinfo[0]; s; s = s->next) {
        if (strncmp(s->data, field, flen) == 0 && s->data[flen] == ':') return strdup(s->data + flen + 1);
    }
    return NULL;
}
