//! Name resolution core: hosts, services, protocols, resolv.conf, DNS, RFC 6724 sorting.
