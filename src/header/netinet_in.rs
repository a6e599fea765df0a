//! `<netinet/in.h>`: Internet addresses, protocols and byte order.

use core::ffi::c_int;

use super::sys_socket::sa_family_t;

pub type in_addr_t = u32;
pub type in_port_t = u16;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct in_addr {
    pub s_addr: in_addr_t,
}

/// glibc's union: the 32-bit member gives the struct an alignment of 4.
/// C code names the bytes `s6_addr`, a macro the header defines.
#[repr(C)]
#[derive(Clone, Copy)]
pub union in6_addr_union {
    pub __u6_addr8: [u8; 16],
    pub __u6_addr16: [u16; 8],
    pub __u6_addr32: [u32; 4],
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct in6_addr {
    pub __in6_u: in6_addr_union,
}

#[repr(C)]
pub struct sockaddr_in {
    pub sin_family: sa_family_t,
    pub sin_port: in_port_t,
    pub sin_addr: in_addr,
    pub sin_zero: [u8; 8],
}

#[repr(C)]
pub struct sockaddr_in6 {
    pub sin6_family: sa_family_t,
    pub sin6_port: in_port_t,
    pub sin6_flowinfo: u32,
    pub sin6_addr: in6_addr,
    pub sin6_scope_id: u32,
}

#[no_mangle]
pub static in6addr_any: in6_addr = in6_addr {
    __in6_u: in6_addr_union { __u6_addr8: [0; 16] },
};

#[no_mangle]
pub static in6addr_loopback: in6_addr = in6_addr {
    __in6_u: in6_addr_union {
        __u6_addr8: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    },
};

pub const IPPROTO_IP: c_int = 0;
pub const IPPROTO_ICMP: c_int = 1;
pub const IPPROTO_IGMP: c_int = 2;
pub const IPPROTO_IPIP: c_int = 4;
pub const IPPROTO_TCP: c_int = 6;
pub const IPPROTO_EGP: c_int = 8;
pub const IPPROTO_PUP: c_int = 12;
pub const IPPROTO_UDP: c_int = 17;
pub const IPPROTO_IDP: c_int = 22;
pub const IPPROTO_TP: c_int = 29;
pub const IPPROTO_DCCP: c_int = 33;
pub const IPPROTO_IPV6: c_int = 41;
pub const IPPROTO_RSVP: c_int = 46;
pub const IPPROTO_GRE: c_int = 47;
pub const IPPROTO_ESP: c_int = 50;
pub const IPPROTO_AH: c_int = 51;
pub const IPPROTO_MTP: c_int = 92;
pub const IPPROTO_BEETPH: c_int = 94;
pub const IPPROTO_ENCAP: c_int = 98;
pub const IPPROTO_PIM: c_int = 103;
pub const IPPROTO_COMP: c_int = 108;
pub const IPPROTO_SCTP: c_int = 132;
pub const IPPROTO_UDPLITE: c_int = 136;
pub const IPPROTO_MPLS: c_int = 137;
pub const IPPROTO_RAW: c_int = 255;
pub const IPPROTO_HOPOPTS: c_int = 0;
pub const IPPROTO_ROUTING: c_int = 43;
pub const IPPROTO_FRAGMENT: c_int = 44;
pub const IPPROTO_ICMPV6: c_int = 58;
pub const IPPROTO_NONE: c_int = 59;
pub const IPPROTO_DSTOPTS: c_int = 60;
pub const IPPROTO_MH: c_int = 135;

pub const SOL_IP: c_int = 0;
pub const SOL_IPV6: c_int = 41;
pub const SOL_ICMPV6: c_int = 58;

pub const IP_TOS: c_int = 1;
pub const IP_TTL: c_int = 2;
pub const IP_HDRINCL: c_int = 3;
pub const IP_OPTIONS: c_int = 4;
pub const IP_PKTINFO: c_int = 8;
pub const IP_MULTICAST_IF: c_int = 32;
pub const IP_MULTICAST_TTL: c_int = 33;
pub const IP_MULTICAST_LOOP: c_int = 34;
pub const IP_ADD_MEMBERSHIP: c_int = 35;
pub const IP_DROP_MEMBERSHIP: c_int = 36;
pub const IPV6_UNICAST_HOPS: c_int = 16;
pub const IPV6_MULTICAST_IF: c_int = 17;
pub const IPV6_MULTICAST_HOPS: c_int = 18;
pub const IPV6_MULTICAST_LOOP: c_int = 19;
pub const IPV6_JOIN_GROUP: c_int = 20;
pub const IPV6_LEAVE_GROUP: c_int = 21;
pub const IPV6_V6ONLY: c_int = 26;

pub const INADDR_ANY: in_addr_t = 0x0000_0000;
pub const INADDR_BROADCAST: in_addr_t = 0xffff_ffff;
pub const INADDR_NONE: in_addr_t = 0xffff_ffff;
pub const INADDR_LOOPBACK: in_addr_t = 0x7f00_0001;
pub const INADDR_UNSPEC_GROUP: in_addr_t = 0xe000_0000;
pub const INADDR_ALLHOSTS_GROUP: in_addr_t = 0xe000_0001;
pub const INADDR_ALLRTRS_GROUP: in_addr_t = 0xe000_0002;
pub const INADDR_MAX_LOCAL_GROUP: in_addr_t = 0xe000_00ff;
pub const IN_LOOPBACKNET: c_int = 127;

#[no_mangle]
pub extern "C" fn htonl(v: u32) -> u32 {
    v.to_be()
}

#[no_mangle]
pub extern "C" fn htons(v: u16) -> u16 {
    v.to_be()
}

#[no_mangle]
pub extern "C" fn ntohl(v: u32) -> u32 {
    u32::from_be(v)
}

#[no_mangle]
pub extern "C" fn ntohs(v: u16) -> u16 {
    u16::from_be(v)
}
