//! `<sys/un.h>`: Unix-domain socket addresses.

use core::ffi::c_char;

use super::sys_socket::sa_family_t;

#[repr(C)]
pub struct sockaddr_un {
    pub sun_family: sa_family_t,
    pub sun_path: [c_char; 108],
}
