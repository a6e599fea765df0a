//! DNS: /etc/resolv.conf, the wire format, and the client.
