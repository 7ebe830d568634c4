// Thin, non-variadic wrappers around libcurl's variadic API so Swift can call it.
#ifndef SQUAWK_CCURL_SHIM_H
#define SQUAWK_CCURL_SHIM_H

#include <curl/curl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>

static inline CURLcode squawk_curl_global_init(void) { return curl_global_init(CURL_GLOBAL_ALL); }

static inline CURLcode squawk_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode squawk_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode squawk_easy_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode squawk_easy_setopt_cstr(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode squawk_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*squawk_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode squawk_easy_setopt_datacb(CURL *h, CURLoption o, squawk_data_cb cb) { return curl_easy_setopt(h, o, cb); }

typedef curl_socket_t (*squawk_opensocket_cb)(void *clientp, curlsocktype purpose, struct curl_sockaddr *address);
static inline CURLcode squawk_easy_setopt_opensocketcb(CURL *h, squawk_opensocket_cb cb) { return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, cb); }

typedef int (*squawk_xferinfo_cb)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode squawk_easy_setopt_xferinfocb(CURL *h, squawk_xferinfo_cb cb) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, cb); }

typedef int (*squawk_prereq_cb)(void *clientp, char *conn_primary_ip, char *conn_local_ip, int conn_primary_port, int conn_local_port);
static inline CURLcode squawk_easy_setopt_prereqcb(CURL *h, squawk_prereq_cb cb) { return curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, cb); }

static inline CURLcode squawk_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode squawk_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode squawk_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode squawk_easy_getinfo_ptr(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode squawk_easy_getinfo_cstr(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode squawk_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

/// Formats the address curl is about to connect to as text ("127.0.0.1" or "::1").
/// Returns 0 on success, -1 for an address family other than IPv4/IPv6.
static inline int squawk_sockaddr_to_string(const struct curl_sockaddr *a, char *out, socklen_t len) {
    if (a->family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&a->addr;
        return inet_ntop(AF_INET, &in->sin_addr, out, len) ? 0 : -1;
    }
    if (a->family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a->addr;
        return inet_ntop(AF_INET6, &in6->sin6_addr, out, len) ? 0 : -1;
    }
    return -1;
}

/// The port of the address curl is about to connect to, or -1 for another family.
static inline int squawk_sockaddr_port(const struct curl_sockaddr *a) {
    if (a->family == AF_INET) return ntohs(((const struct sockaddr_in *)&a->addr)->sin_port);
    if (a->family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)&a->addr)->sin6_port);
    return -1;
}

/// Opens the socket curl asked for (what curl does itself when no opensocket callback is set),
/// close-on-exec so it never leaks into a child process.
static inline curl_socket_t squawk_socket_open(const struct curl_sockaddr *a) {
#ifdef SOCK_CLOEXEC
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
#else
    return socket(a->family, a->socktype, a->protocol);
#endif
}

#endif
