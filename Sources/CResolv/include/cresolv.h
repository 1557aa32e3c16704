#ifndef CRESOLV_H
#define CRESOLV_H
// glibc's stub resolver (libresolv), exposed to Swift for DNS queries to a chosen server.
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>
#endif
