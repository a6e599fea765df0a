//! `<netdb.h>`: name and service resolution.

pub mod protocols;
pub mod services;
