/* Compiles against include/sockshim.h alone (no system socket headers), as
 * C11 and as C++17 with -Wall -Wextra -Werror -pedantic, and uses the macros
 * and types a program uses. Built and run by `make check`; as a program it
 * also proves the header's declarations link against the library. */
#include "sockshim.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
    int failures = 0;
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    struct sockaddr_un sun;
    fd_set set;
    struct pollfd pfd;
    struct epoll_event ev;
    unsigned char control[CMSG_SPACE(sizeof(int))];
    struct msghdr msg;
    struct cmsghdr *cmsg;
    int sv[2];

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(80);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_addr = in6addr_loopback;
    failures += sin6.sin6_addr.s6_addr[15] != 1;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    FD_ZERO(&set);
    FD_SET(3, &set);
    failures += !FD_ISSET(3, &set);
    FD_CLR(3, &set);
    failures += FD_ISSET(3, &set);
    pfd.fd = -1;
    pfd.events = POLLIN;
    ev.events = EPOLLIN | EPOLLET;
    ev.data.fd = 0;
    memset(&msg, 0, sizeof msg);
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &pfd.fd, sizeof(int));
    failures += CMSG_NXTHDR(&msg, cmsg) != NULL;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0) {
        failures += send(sv[0], "x", 1, MSG_NOSIGNAL) != 1;
        close(sv[0]);
        close(sv[1]);
    } else {
        failures++;
    }
    (void)ev;
    printf("1..1\n%sok 1 - program built on sockshim.h alone works (version %s)\n", failures ? "not " : "",
           sockshim_version());
    return failures != 0;
}
