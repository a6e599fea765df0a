//! The kernel's socket diagnostics for Unix-domain sockets (sock_diag(7),
//! unix_diag): the request asking for one socket by inode, and its reply.
//! This is how strace's `-yy` learns a Unix socket's peer inode and name,
//! which no socket call tells.

/// `SOCK_DIAG_BY_FAMILY`.
const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLMSG_ERROR: u16 = 2;
const NLM_F_REQUEST: u16 = 1;
const UDIAG_SHOW_NAME: u32 = 0x1;
const UDIAG_SHOW_PEER: u32 = 0x4;
const UNIX_DIAG_NAME: u16 = 0;
const UNIX_DIAG_PEER: u16 = 2;
const NLMSG_HDR: usize = 16;
/// `struct unix_diag_msg`.
const UNIX_DIAG_MSG: usize = 16;
/// `struct sockaddr_un`'s path.
const PATH_MAX: usize = 108;

/// The request for the Unix socket with inode `inode` (an exact lookup:
/// `struct nlmsghdr` + `struct unix_diag_req`).
pub fn unix_request(inode: u64) -> [u8; 40] {
    let mut b = [0u8; 40];
    b[0..4].copy_from_slice(&40u32.to_ne_bytes());
    b[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    b[6..8].copy_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    b[8..12].copy_from_slice(&1u32.to_ne_bytes());
    b[16] = 1; // AF_UNIX
    b[20..24].copy_from_slice(&u32::MAX.to_ne_bytes()); // every state
    b[24..28].copy_from_slice(&(inode as u32).to_ne_bytes());
    b[28..32].copy_from_slice(&(UDIAG_SHOW_NAME | UDIAG_SHOW_PEER).to_ne_bytes());
    b[32..40].fill(0xff); // no cookie
    b
}

/// What the kernel said about a Unix socket: its peer's inode (0: none)
/// and its own name as a `sockaddr_un` image (`name_len` 0: unnamed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnixDiag {
    pub peer: u32,
    pub name: [u8; 2 + PATH_MAX],
    pub name_len: usize,
}

impl UnixDiag {
    pub fn name(&self) -> &[u8] {
        self.name.get(..self.name_len).unwrap_or(&[])
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Parses the reply to `unix_request(inode)`; `None` for an error reply
/// (no such socket) or anything malformed.
pub fn parse_unix_reply(b: &[u8], inode: u64) -> Option<UnixDiag> {
    let len = (u32_at(b, 0)? as usize).min(b.len());
    if u16_at(b, 4)? == NLMSG_ERROR || u16_at(b, 4)? != SOCK_DIAG_BY_FAMILY {
        return None;
    }
    let msg = b.get(NLMSG_HDR..len)?;
    if *msg.first()? != 1 || u32_at(msg, 4)? != inode as u32 {
        return None;
    }
    let mut d = UnixDiag {
        peer: 0,
        name: [0; 2 + PATH_MAX],
        name_len: 0,
    };
    let mut at = UNIX_DIAG_MSG;
    while at + 4 <= msg.len() {
        let alen = usize::from(u16_at(msg, at)?);
        if alen < 4 || at + alen > msg.len() {
            break;
        }
        let payload = msg.get(at + 4..at + alen)?;
        match u16_at(msg, at + 2)? {
            UNIX_DIAG_NAME if d.name_len == 0 && !payload.is_empty() => {
                let p = payload.get(..PATH_MAX).unwrap_or(payload);
                d.name[..2].copy_from_slice(&1u16.to_ne_bytes());
                d.name[2..2 + p.len()].copy_from_slice(p);
                d.name_len = 2 + p.len();
            }
            UNIX_DIAG_PEER => d.peer = u32_at(payload, 0)?,
            _ => {}
        }
        at += (alen + 3) & !3;
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_reply() {
        let r = unix_request(0x1234);
        assert_eq!(u32_at(&r, 0), Some(40));
        assert_eq!(u32_at(&r, 24), Some(0x1234));
        // A reply: header, unix_diag_msg (ino 0x1234), NAME "u.sock\0", PEER 77.
        let mut b = vec![0u8; 16];
        b[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
        let mut m = vec![1u8, 1, 1, 0];
        m.extend_from_slice(&0x1234u32.to_ne_bytes());
        m.extend_from_slice(&[0xff; 8]);
        let name = b"u.sock\0";
        m.extend_from_slice(&((4 + name.len()) as u16).to_ne_bytes());
        m.extend_from_slice(&UNIX_DIAG_NAME.to_ne_bytes());
        m.extend_from_slice(name);
        m.push(0); // pad to 4
        m.extend_from_slice(&8u16.to_ne_bytes());
        m.extend_from_slice(&UNIX_DIAG_PEER.to_ne_bytes());
        m.extend_from_slice(&77u32.to_ne_bytes());
        b.extend_from_slice(&m);
        let len = b.len() as u32;
        b[..4].copy_from_slice(&len.to_ne_bytes());
        let d = parse_unix_reply(&b, 0x1234).unwrap();
        assert_eq!(d.peer, 77);
        assert_eq!(&d.name()[2..], name);
        assert!(parse_unix_reply(&b, 0x1235).is_none());
        b[4..6].copy_from_slice(&NLMSG_ERROR.to_ne_bytes());
        assert!(parse_unix_reply(&b, 0x1234).is_none());
        assert!(parse_unix_reply(&b[..10], 0x1234).is_none());
    }
}
