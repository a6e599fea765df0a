//! `getservbyname` and friends: /etc/services.
