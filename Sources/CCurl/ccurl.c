#include "ccurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// libcurl's functions, resolved from the dlopen()ed library.
typedef struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_perform)(CURL *);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl_api;

/// Opens `name` and resolves every function into `api`: the handle, or NULL with the reason in `error`.
static void *open_curl(const char *name, curl_api *api, char *error, size_t error_len) {
    void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(error, error_len, "%s", why ? why : name);
        return NULL;
    }
    struct { const char *symbol; void **slot; } table[] = {
        {"curl_global_init", (void **)&api->global_init},
        {"curl_easy_init", (void **)&api->easy_init},
        {"curl_easy_perform", (void **)&api->easy_perform},
        {"curl_easy_cleanup", (void **)&api->easy_cleanup},
        {"curl_easy_strerror", (void **)&api->easy_strerror},
        {"curl_easy_setopt", (void **)&api->easy_setopt},
        {"curl_easy_getinfo", (void **)&api->easy_getinfo},
        {"curl_slist_append", (void **)&api->slist_append},
        {"curl_slist_free_all", (void **)&api->slist_free_all},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        dlerror();
        *table[i].slot = dlsym(lib, table[i].symbol);
        if (!*table[i].slot) {
            const char *why = dlerror();
            snprintf(error, error_len, "%s: %s", name, why ? why : table[i].symbol);
            dlclose(lib);
            memset(api, 0, sizeof *api);
            return NULL;
        }
    }
    return lib;
}

static curl_api api;
static int loaded;
static char load_error[512];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    const char *name = getenv("SELFHOST_LIBCURL");
    if (!name || !*name) name = "libcurl.so.4";
    loaded = open_curl(name, &api, load_error, sizeof load_error) != NULL;
}

int ccurl_loaded(void) { pthread_once(&load_once, load); return loaded; }
const char *ccurl_load_error(void) { return ccurl_loaded() ? NULL : load_error; }

int ccurl_check_library(const char *name, char *error, size_t error_len) {
    curl_api probe;
    void *lib = open_curl(name, &probe, error, error_len);
    if (!lib) return 0;
    dlclose(lib);
    return 1;
}

CURLcode ccurl_global_init(void) { return ccurl_loaded() ? api.global_init(CURL_GLOBAL_DEFAULT) : CURLE_FAILED_INIT; }
CURL *ccurl_easy_init(void) { return ccurl_loaded() ? api.easy_init() : NULL; }
CURLcode ccurl_easy_perform(CURL *h) { return ccurl_loaded() ? api.easy_perform(h) : CURLE_FAILED_INIT; }
void ccurl_easy_cleanup(CURL *h) { if (h && ccurl_loaded()) api.easy_cleanup(h); }
const char *ccurl_easy_strerror(CURLcode code) {
    const char *text = ccurl_loaded() ? api.easy_strerror(code) : NULL;
    return text ? text : "libcurl is not loaded";
}
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *line) { return ccurl_loaded() ? api.slist_append(list, line) : NULL; }
void ccurl_slist_free_all(struct curl_slist *list) { if (list && ccurl_loaded()) api.slist_free_all(list); }

// The typed setopt/getinfo wrappers: a handle only exists once libcurl is loaded.
#define SETOPT(h, opt, value) (ccurl_loaded() ? api.easy_setopt((h), (opt), (value)) : CURLE_FAILED_INIT)
#define GETINFO(h, info, out) (ccurl_loaded() ? api.easy_getinfo((h), (info), (out)) : CURLE_FAILED_INIT)
CURLcode ccurl_setopt_long(CURL *h, CURLoption opt, long value) { return SETOPT(h, opt, value); }
CURLcode ccurl_setopt_string(CURL *h, CURLoption opt, const char *value) { return SETOPT(h, opt, value); }
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption opt, void *value) { return SETOPT(h, opt, value); }
CURLcode ccurl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *list) { return SETOPT(h, opt, list); }
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO info, long *value) { return GETINFO(h, info, value); }
CURLcode ccurl_getinfo_double(CURL *h, CURLINFO info, double *value) { return GETINFO(h, info, value); }
CURLcode ccurl_getinfo_string(CURL *h, CURLINFO info, char **value) { return GETINFO(h, info, value); }

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
    if ((rc = SETOPT(h, CURLOPT_WRITEFUNCTION, on_body)) != CURLE_OK) return rc;
    if ((rc = SETOPT(h, CURLOPT_WRITEDATA, b)) != CURLE_OK) return rc;
    if ((rc = SETOPT(h, CURLOPT_HEADERFUNCTION, on_header)) != CURLE_OK) return rc;
    return SETOPT(h, CURLOPT_HEADERDATA, b);
}

void ccurl_buffers_free(ccurl_buffers *b) {
    free(b->body); free(b->headers);
    b->body = b->headers = NULL;
    b->body_len = b->body_cap = b->headers_len = b->headers_cap = 0;
}

char *ccurl_first_cert_field(CURL *h, const char *field) {
    struct curl_certinfo *info = NULL;
    if (GETINFO(h, CURLINFO_CERTINFO, &info) != CURLE_OK || !info || info->num_of_certs < 1) return NULL;
    size_t flen = strlen(field);
    for (struct curl_slist *s = info->certinfo[0]; s; s = s->next) {
        if (strncmp(s->data, field, flen) == 0 && s->data[flen] == ':') return strdup(s->data + flen + 1);
    }
    return NULL;
}
