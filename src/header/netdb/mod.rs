//! `<netdb.h>`: name and service resolution.
