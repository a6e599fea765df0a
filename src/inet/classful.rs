//! The classful (pre-CIDR) helpers `inet_makeaddr`, `inet_lnaof` and
//! `inet_netof`, on host-order values as glibc computes them.
//!
//! An address's class is read from its top bits: A `0xxx` (8-bit network,
//! 24-bit host), B `10xx` (16/16), anything else C (24/8). `inet_makeaddr`
//! instead reads the class from the size of the network number.

const CLASS_A_HOST: u32 = 0x00ff_ffff;
const CLASS_B_HOST: u32 = 0x0000_ffff;
const CLASS_C_HOST: u32 = 0x0000_00ff;

/// The host-part mask and network shift of `addr`'s class.
#[inline(always)]
fn class_of(addr: u32) -> (u32, u32) {
    if addr & 0x8000_0000 == 0 {
        (CLASS_A_HOST, 24)
    } else if addr & 0xc000_0000 == 0x8000_0000 {
        (CLASS_B_HOST, 16)
    } else {
        (CLASS_C_HOST, 8)
    }
}

/// `inet_makeaddr(net, host)` as a host-order address: `net` below 128 is a
/// class A network, below 65536 class B, below 2^24 class C; a larger `net`
/// is taken as already shifted and simply or-ed with `host`.
#[inline]
pub fn makeaddr(net: u32, host: u32) -> u32 {
    if net < 128 {
        net << 24 | (host & CLASS_A_HOST)
    } else if net < 65536 {
        net << 16 | (host & CLASS_B_HOST)
    } else if net < 16_777_216 {
        net << 8 | (host & CLASS_C_HOST)
    } else {
        net | host
    }
}

/// `inet_lnaof`: the host part of a host-order address.
#[inline]
pub fn lnaof(addr: u32) -> u32 {
    addr & class_of(addr).0
}

/// `inet_netof`: the network number of a host-order address.
#[inline]
pub fn netof(addr: u32) -> u32 {
    let (host_mask, shift) = class_of(addr);
    (addr & !host_mask) >> shift
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makeaddr_by_network_size() {
        let h = 0x1234_5678;
        assert_eq!(makeaddr(0, h), 0x0034_5678);
        assert_eq!(makeaddr(127, h), 0x7f34_5678);
        assert_eq!(makeaddr(128, h), 0x0080_5678);
        assert_eq!(makeaddr(255, h), 0x00ff_5678);
        assert_eq!(makeaddr(256, h), 0x0100_5678);
        assert_eq!(makeaddr(65535, h), 0xffff_5678);
        assert_eq!(makeaddr(65536, h), 0x0100_0078);
        assert_eq!(makeaddr(0xff_ffff, h), 0xffff_ff78);
        assert_eq!(makeaddr(0x100_0000, h), 0x1334_5678);
        assert_eq!(makeaddr(0x8000_0000, h), 0x9234_5678);
        assert_eq!(makeaddr(u32::MAX, h), u32::MAX);
    }

    #[test]
    fn lnaof_netof_by_class() {
        assert_eq!((netof(0x0a01_0203), lnaof(0x0a01_0203)), (0x0a, 0x01_0203));
        assert_eq!((netof(0x7fff_ffff), lnaof(0x7fff_ffff)), (0x7f, 0xff_ffff));
        assert_eq!((netof(0x8000_0000), lnaof(0x8000_0000)), (0x8000, 0));
        assert_eq!((netof(0xbfff_ffff), lnaof(0xbfff_ffff)), (0xbfff, 0xffff));
        assert_eq!((netof(0xc000_0001), lnaof(0xc000_0001)), (0xc0_0000, 1));
        assert_eq!((netof(0xffff_ffff), lnaof(0xffff_ffff)), (0xff_ffff, 0xff));
        assert_eq!((netof(0), lnaof(0)), (0, 0));
    }

    #[test]
    fn netof_and_lnaof_rebuild_the_address() {
        let mut x = 1u32;
        for _ in 0..10000 {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let (_, shift) = class_of(x);
            assert_eq!(netof(x) << shift | lnaof(x), x);
        }
    }
}
