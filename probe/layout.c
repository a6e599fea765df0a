/* The layout proof: compiled by build.rs against the *system* headers and
 * run; it prints Rust compile-time assertions that every exported struct
 * (size, alignment, every field's offset and size) and every exported
 * constant equals glibc's. Any difference fails the build. build.rs also
 * checks that every struct, field and #define of include/sockshim.h is
 * listed here, so nothing exported escapes the proof. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#define TYPE(rust, ctype)                                                                   \
    printf("const _: () = assert!(size_of::<%s>() == %zu && align_of::<%s>() == %zu, \"%s: size/align differ from glibc\");\n", \
           #rust, sizeof(ctype), #rust, _Alignof(ctype), #rust)
#define STRUCT(s) TYPE(s, struct s)
/* Offset and size of field `f` (named `rf` on the Rust side). */
#define FIELD2(rust, ctype, rf, f)                                                               \
    printf("const _: () = assert!(offset_of!(%s, %s) == %zu && field_size(|v: &%s| &raw const v.%s) == %zu, \"%s.%s differs from glibc\");\n", \
           #rust, #rf, offsetof(ctype, f), #rust, #rf, sizeof(((ctype *)0)->f), #rust, #rf)
#define FIELD(s, f) FIELD2(s, struct s, f, f)
#define CONST(c) printf("const _: () = assert!(%s as i128 == %lldi128, \"%s differs from glibc\");\n", #c, (long long)(c), #c)

int main(void)
{
    /* <sys/types.h> types the header declares when missing */
    TYPE(ssize_t, ssize_t);
    TYPE(pid_t, pid_t);
    TYPE(uid_t, uid_t);
    TYPE(gid_t, gid_t);
    /* <sys/socket.h> */
    TYPE(socklen_t, socklen_t);
    TYPE(sa_family_t, sa_family_t);
    STRUCT(sockaddr);
    FIELD(sockaddr, sa_family);
    FIELD(sockaddr, sa_data);
    STRUCT(sockaddr_storage);
    FIELD(sockaddr_storage, ss_family);
    FIELD(sockaddr_storage, __ss_padding);
    FIELD(sockaddr_storage, __ss_align);
    STRUCT(msghdr);
    FIELD(msghdr, msg_name);
    FIELD(msghdr, msg_namelen);
    FIELD(msghdr, msg_iov);
    FIELD(msghdr, msg_iovlen);
    FIELD(msghdr, msg_control);
    FIELD(msghdr, msg_controllen);
    FIELD(msghdr, msg_flags);
    STRUCT(mmsghdr);
    FIELD(mmsghdr, msg_hdr);
    FIELD(mmsghdr, msg_len);
    STRUCT(cmsghdr);
    FIELD(cmsghdr, cmsg_len);
    FIELD(cmsghdr, cmsg_level);
    FIELD(cmsghdr, cmsg_type);
    STRUCT(linger);
    FIELD(linger, l_onoff);
    FIELD(linger, l_linger);
    STRUCT(ucred);
    FIELD(ucred, pid);
    FIELD(ucred, uid);
    FIELD(ucred, gid);
    /* <sys/uio.h> */
    STRUCT(iovec);
    FIELD(iovec, iov_base);
    FIELD(iovec, iov_len);
    /* <netinet/in.h> */
    TYPE(in_addr_t, in_addr_t);
    TYPE(in_port_t, in_port_t);
    STRUCT(in_addr);
    FIELD(in_addr, s_addr);
    STRUCT(in6_addr);
    FIELD(in6_addr, __in6_u);
    TYPE(in6_addr_union, ((struct in6_addr *)0)->__in6_u);
    FIELD2(in6_addr_union, struct in6_addr, __u6_addr8, __in6_u.__u6_addr8);
    FIELD2(in6_addr_union, struct in6_addr, __u6_addr16, __in6_u.__u6_addr16);
    FIELD2(in6_addr_union, struct in6_addr, __u6_addr32, __in6_u.__u6_addr32);
    STRUCT(sockaddr_in);
    FIELD(sockaddr_in, sin_family);
    FIELD(sockaddr_in, sin_port);
    FIELD(sockaddr_in, sin_addr);
    FIELD(sockaddr_in, sin_zero);
    STRUCT(sockaddr_in6);
    FIELD(sockaddr_in6, sin6_family);
    FIELD(sockaddr_in6, sin6_port);
    FIELD(sockaddr_in6, sin6_flowinfo);
    FIELD(sockaddr_in6, sin6_addr);
    FIELD(sockaddr_in6, sin6_scope_id);
    /* <sys/un.h> */
    STRUCT(sockaddr_un);
    FIELD(sockaddr_un, sun_family);
    FIELD(sockaddr_un, sun_path);
    /* <poll.h> */
    TYPE(nfds_t, nfds_t);
    STRUCT(pollfd);
    FIELD(pollfd, fd);
    FIELD(pollfd, events);
    FIELD(pollfd, revents);
    /* <sys/epoll.h> */
    TYPE(epoll_data, union epoll_data);
    TYPE(epoll_data_t, epoll_data_t);
    FIELD2(epoll_data, union epoll_data, ptr, ptr);
    FIELD2(epoll_data, union epoll_data, fd, fd);
    FIELD2(epoll_data, union epoll_data, u32, u32);
    FIELD2(epoll_data, union epoll_data, u64, u64);
    STRUCT(epoll_event);
    FIELD(epoll_event, events);
    FIELD(epoll_event, data);
    /* <sys/select.h> */
    TYPE(fd_set, fd_set);
    FIELD2(fd_set, fd_set, __fds_bits, fds_bits); /* __fds_bits without _XOPEN_SOURCE */

    /* <netdb.h> (resolver/api) */
    STRUCT(addrinfo);
    FIELD(addrinfo, ai_flags);
    FIELD(addrinfo, ai_family);
    FIELD(addrinfo, ai_socktype);
    FIELD(addrinfo, ai_protocol);
    FIELD(addrinfo, ai_addrlen);
    FIELD(addrinfo, ai_addr);
    FIELD(addrinfo, ai_canonname);
    FIELD(addrinfo, ai_next);
    STRUCT(hostent);
    FIELD(hostent, h_name);
    FIELD(hostent, h_aliases);
    FIELD(hostent, h_addrtype);
    FIELD(hostent, h_length);
    FIELD(hostent, h_addr_list);
    /* <netdb.h> (resolver/files) */
    STRUCT(servent);
    FIELD(servent, s_name);
    FIELD(servent, s_aliases);
    FIELD(servent, s_port);
    FIELD(servent, s_proto);
    STRUCT(protoent);
    FIELD(protoent, p_name);
    FIELD(protoent, p_aliases);
    FIELD(protoent, p_proto);

#include "constants.h"
    return 0;
}
