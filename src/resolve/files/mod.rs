//! /etc/hosts, /etc/services, /etc/protocols and /etc/nsswitch.conf.
