//! `getprotobyname` and friends: /etc/protocols.
