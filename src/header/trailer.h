/* The C API's macros, which cbindgen cannot generate from Rust: appended to
 * include/sockshim.h by build.rs. Same meaning as glibc's. */
#ifndef SOCKSHIM_MACROS_H
#define SOCKSHIM_MACROS_H

/* <netinet/in.h> */
#define s6_addr __in6_u.__u6_addr8
#define s6_addr16 __in6_u.__u6_addr16
#define s6_addr32 __in6_u.__u6_addr32
#define IN6ADDR_ANY_INIT { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } } }
#define IN6ADDR_LOOPBACK_INIT { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } }

/* <netinet/in.h>: the IN6_* tests on a `const struct in6_addr *`, with
 * glibc's results for every address (c-tests/header_mix.sh compares them). */
#define SOCKSHIM_IN6_W(a, i) (((const struct in6_addr *)(a))->s6_addr32[i])
#define SOCKSHIM_IN6_B(a, i) (((const struct in6_addr *)(a))->s6_addr[i])
#define IN6_IS_ADDR_UNSPECIFIED(a) \
    (SOCKSHIM_IN6_W(a, 0) == 0 && SOCKSHIM_IN6_W(a, 1) == 0 && SOCKSHIM_IN6_W(a, 2) == 0 && SOCKSHIM_IN6_W(a, 3) == 0)
#define IN6_IS_ADDR_LOOPBACK(a) \
    (SOCKSHIM_IN6_W(a, 0) == 0 && SOCKSHIM_IN6_W(a, 1) == 0 && SOCKSHIM_IN6_W(a, 2) == 0 && \
     SOCKSHIM_IN6_W(a, 3) == htonl(1))
#define IN6_IS_ADDR_LINKLOCAL(a) ((SOCKSHIM_IN6_W(a, 0) & htonl(0xffc00000)) == htonl(0xfe800000))
#define IN6_IS_ADDR_SITELOCAL(a) ((SOCKSHIM_IN6_W(a, 0) & htonl(0xffc00000)) == htonl(0xfec00000))
#define IN6_IS_ADDR_V4MAPPED(a) \
    (SOCKSHIM_IN6_W(a, 0) == 0 && SOCKSHIM_IN6_W(a, 1) == 0 && SOCKSHIM_IN6_W(a, 2) == htonl(0xffff))
#define IN6_IS_ADDR_V4COMPAT(a) \
    (SOCKSHIM_IN6_W(a, 0) == 0 && SOCKSHIM_IN6_W(a, 1) == 0 && SOCKSHIM_IN6_W(a, 2) == 0 && \
     ntohl(SOCKSHIM_IN6_W(a, 3)) > 1)
#define IN6_ARE_ADDR_EQUAL(a, b) \
    (SOCKSHIM_IN6_W(a, 0) == SOCKSHIM_IN6_W(b, 0) && SOCKSHIM_IN6_W(a, 1) == SOCKSHIM_IN6_W(b, 1) && \
     SOCKSHIM_IN6_W(a, 2) == SOCKSHIM_IN6_W(b, 2) && SOCKSHIM_IN6_W(a, 3) == SOCKSHIM_IN6_W(b, 3))
#define IN6_IS_ADDR_MULTICAST(a) (SOCKSHIM_IN6_B(a, 0) == 0xff)
#define SOCKSHIM_IN6_MC_SCOPE(a, s) (IN6_IS_ADDR_MULTICAST(a) && (SOCKSHIM_IN6_B(a, 1) & 0xf) == (s))
#define IN6_IS_ADDR_MC_NODELOCAL(a) SOCKSHIM_IN6_MC_SCOPE(a, 0x1)
#define IN6_IS_ADDR_MC_LINKLOCAL(a) SOCKSHIM_IN6_MC_SCOPE(a, 0x2)
#define IN6_IS_ADDR_MC_SITELOCAL(a) SOCKSHIM_IN6_MC_SCOPE(a, 0x5)
#define IN6_IS_ADDR_MC_ORGLOCAL(a) SOCKSHIM_IN6_MC_SCOPE(a, 0x8)
#define IN6_IS_ADDR_MC_GLOBAL(a) SOCKSHIM_IN6_MC_SCOPE(a, 0xe)

/* <sys/un.h> */
#define SUN_LEN(ptr) (offsetof(struct sockaddr_un, sun_path) + strlen((ptr)->sun_path))

/* <sys/socket.h>: control messages. */
#define CMSG_ALIGN(len) (((len) + sizeof(size_t) - 1) & (size_t) ~(sizeof(size_t) - 1))
#define CMSG_DATA(cmsg) ((unsigned char *)((struct cmsghdr *)(cmsg) + 1))
#define CMSG_SPACE(len) (CMSG_ALIGN(len) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_LEN(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_FIRSTHDR(mhdr)                                                                \
    ((size_t)(mhdr)->msg_controllen >= sizeof(struct cmsghdr) ? (struct cmsghdr *)(mhdr)->msg_control \
                                                               : (struct cmsghdr *)0)
#define CMSG_NXTHDR(mhdr, cmsg) sockshim_cmsg_nxthdr((mhdr), (cmsg))

static inline struct cmsghdr *sockshim_cmsg_nxthdr(struct msghdr *mhdr, struct cmsghdr *cmsg)
{
    unsigned char *end = (unsigned char *)mhdr->msg_control + mhdr->msg_controllen;
    if ((size_t)cmsg->cmsg_len < sizeof(struct cmsghdr))
        return (struct cmsghdr *)0;
    cmsg = (struct cmsghdr *)((unsigned char *)cmsg + CMSG_ALIGN(cmsg->cmsg_len));
    if ((unsigned char *)(cmsg + 1) > end ||
        (unsigned char *)cmsg + CMSG_ALIGN(cmsg->cmsg_len) > end)
        return (struct cmsghdr *)0;
    return cmsg;
}

/* <netdb.h> */
#ifdef __cplusplus
extern "C" {
#endif
extern int *__h_errno_location(void);
#ifdef __cplusplus
}
#endif
#define h_errno (*__h_errno_location())
#define h_addr h_addr_list[0]

/* <fcntl.h>: variadic in C. sockshim defines them with an unsigned long third
 * argument, which the x86_64 calling convention passes the same way. */
#ifdef __cplusplus
extern "C" {
#endif
int fcntl(int fd, int cmd, ...);
int fcntl64(int fd, int cmd, ...);
#ifdef __cplusplus
}
#endif

#endif /* SOCKSHIM_MACROS_H */
