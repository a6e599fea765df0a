//! Every row of the function table round-trips: its aux, written
//! through its shape's encoder (`aux.rs`), decodes and re-encodes to the
//! same bytes and prints the same text and JSON line as the original.
//! `shape` names every row with no catch-all, so a new row does not
//! compile here until it says what it keeps. (A test module of its own, so
//! that the aux layouts need not import the formats that print them.)

use super::aux::*;
use super::decode::Descs;
use super::event::{AuxArray, AuxWriter, Event, AUX_MAX};
use super::func::Func;
use super::json::format_json;
use super::netdb::{ResolveAux, ResolveEvent};
use super::out::Out;
use super::text::{format_line, TextOptions};

/// The shape of each function's aux (for the row test: a new table row
/// fails to compile here until it says).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    None,
    Pair,
    OptVal,
    PollFds,
    Ppoll,
    FdSets,
    EpollEvent,
    EpollEvents,
    Iovs,
    MsgHdr,
    Mmsgs,
    Resolve,
}

fn shape(f: Func) -> Shape {
    use Func::*;
    match f {
        Socketpair => Shape::Pair,
        Getsockopt | Setsockopt => Shape::OptVal,
        Poll => Shape::PollFds,
        Ppoll => Shape::Ppoll,
        Select | Pselect => Shape::FdSets,
        EpollCtl => Shape::EpollEvent,
        EpollWait | EpollPwait => Shape::EpollEvents,
        Readv | Writev => Shape::Iovs,
        Sendmsg | Recvmsg => Shape::MsgHdr,
        Sendmmsg | Recvmmsg => Shape::Mmsgs,
        Socket | Bind | Listen | Accept | Accept4 | Connect | Shutdown | Getsockname | Getpeername | Send | Recv
        | Sendto | Recvfrom | Read | Write | Close | EpollCreate | EpollCreate1 | Dup | Dup2 | Dup3 | Fcntl
        | CloseRange | Closefrom | Sockatmark => Shape::None,
        Getaddrinfo | Getnameinfo | Gethostbyname | Gethostbyname2 | Gethostbyaddr | GethostbynameR
        | Gethostbyname2R | GethostbyaddrR | Getservbyname | Getservbyport | GetservbynameR | GetservbyportR
        | Getprotobyname | Getprotobynumber | GetprotobynameR | GetprotobynumberR => Shape::Resolve,
    }
}

/// A representative aux of `f`, written through its shape's encoder
/// (the resolver's through `ResolveAux`).
fn sample_aux(f: Func, w: &mut AuxWriter) {
    let name = [2u8, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    let head = MsgHead {
        namelen: 16,
        flags: 0,
        controllen: 24,
    };
    match shape(f) {
        Shape::None => {}
        Shape::Pair => Pair { fds: [3, 4] }.encode(w),
        Shape::OptVal => OptVal {
            bytes: &1i32.to_le_bytes(),
        }
        .encode(w),
        Shape::PollFds | Shape::Ppoll => {
            let e = [
                PollFd {
                    fd: 3,
                    events: 1,
                    revents: 1,
                },
                PollFd {
                    fd: 4,
                    events: 4,
                    revents: 0,
                },
            ];
            PollFds::encode_entries(w, &e);
            if f == Func::Ppoll {
                Ppoll::encode_timeout(w, Some((1, 500)));
            }
        }
        Shape::FdSets => {
            let set = [0b11000u8, 0, 0, 0, 0, 0, 0, 0];
            let sets = [Some(&set[..]), None, Some(&[][..])];
            FdSets::encode_before(w, 8, sets);
            let left = (f == Func::Select).then_some((0, 250));
            FdSets::encode_after(w, 8, sets, Some((1, 0)), left);
        }
        Shape::EpollEvent => EpollEvent { events: 1, data: 4 }.encode(w),
        Shape::EpollEvents => EpollEvents::encode_entries(w, &[EpollEvent { events: 1, data: 4 }]),
        Shape::Iovs => {
            let mut e = Iovs::encoder(w, 2);
            e.push(2);
            e.push(3);
        }
        Shape::MsgHdr => {
            let mut e = MsgHdr::encoder(w, head, 2);
            e.iovs().push(2);
            e.iovs().push(3);
            e.rights(&[5]);
        }
        Shape::Mmsgs => {
            Mmsgs::encode_count(w, 2);
            for _ in 0..2 {
                let mut e = Mmsg::encoder(w, 5, head, &name, 2);
                e.iovs().push(2);
                e.iovs().push(3);
                e.payload(5, b"hello");
            }
        }
        Shape::Resolve => {
            let mut a = ResolveAux { w };
            match f {
                Func::Getaddrinfo => {
                    a.string(Some(b"localhost"));
                    a.string(Some(b"80"));
                    a.hints(Some([0, 2, 1, 0]));
                    a.string(None);
                    a.count(1);
                    a.addrinfo(2, 1, 6, &name);
                }
                Func::Getnameinfo => {
                    a.string(Some(b"localhost"));
                    a.string(Some(b"http"));
                }
                Func::Getservbyport | Func::GetservbyportR => {
                    a.string(Some(b"tcp"));
                    a.flag(true);
                    a.string(Some(b"http"));
                    a.count(0);
                    a.int(i32::from(80u16.to_be()));
                    a.string(Some(b"tcp"));
                }
                Func::Getservbyname | Func::GetservbynameR => {
                    a.string(Some(b"http"));
                    a.string(Some(b"tcp"));
                    a.flag(false);
                }
                Func::Getprotobyname | Func::GetprotobynameR => {
                    a.string(Some(b"tcp"));
                    a.flag(true);
                    a.string(Some(b"tcp"));
                    a.count(1);
                    a.string(Some(b"TCP"));
                    a.int(6);
                }
                Func::Getprotobynumber | Func::GetprotobynumberR => a.flag(false),
                // The hostent family.
                _ => {
                    a.string(Some(b"localhost"));
                    if matches!(f, Func::GethostbynameR | Func::Gethostbyname2R | Func::GethostbyaddrR) {
                        a.int(0);
                        a.flag(true);
                    }
                    a.string(Some(b"localhost"));
                    a.count(0);
                    a.count(1);
                    a.host_addr(&[127, 0, 0, 1]);
                }
            }
        }
    }
}

/// `aux` decoded through `f`'s shape and encoded again (the resolver's
/// through `trace::netdb`'s typed events).
fn reencode(f: Func, aux: &[u8]) -> Vec<u8> {
    match shape(f) {
        Shape::None => aux.to_vec(),
        Shape::Resolve => enc(|w| ResolveEvent::decode(f, aux).unwrap().encode(w)),
        Shape::Pair => enc(|w| Pair::decode(aux).unwrap().encode(w)),
        Shape::OptVal => enc(|w| OptVal::decode(aux).unwrap().encode(w)),
        Shape::PollFds => enc(|w| PollFds::decode(aux).encode(w)),
        Shape::Ppoll => enc(|w| Ppoll::decode(aux).encode(w)),
        Shape::FdSets => enc(|w| FdSets::decode(aux).encode(w)),
        Shape::EpollEvent => enc(|w| EpollEvent::decode(aux).unwrap().encode(w)),
        Shape::EpollEvents => enc(|w| EpollEvents::decode(aux).encode(w)),
        Shape::Iovs => enc(|w| Iovs::decode(aux).encode(w)),
        Shape::MsgHdr => enc(|w| MsgHdr::decode(aux).unwrap().encode(w)),
        Shape::Mmsgs => enc(|w| Mmsgs::decode(aux).encode(w)),
    }
}

fn lines(ev: &Event) -> (String, String) {
    let mut b = vec![0u8; 8192];
    let mut o = Out::new(&mut b);
    format_line(ev, &TextOptions::default(), &Descs::default(), &mut o);
    let text = String::from_utf8(o.as_bytes().to_vec()).unwrap();
    let mut o = Out::new(&mut b);
    format_json(ev, 32, &Descs::default(), &mut o);
    (text, String::from_utf8(o.as_bytes().to_vec()).unwrap())
}

/// Every row of the function table: an event with a representative
/// aux (written through its shape's encoder) formats, as text and JSON,
/// without panicking and without being cut; its aux decodes and encodes
/// back to the same bytes; and a copy of the event carrying the
/// re-encoded aux formats to the same lines (the resolver rows' typed
/// events are in `trace::netdb`).
#[test]
fn every_row_round_trips() {
    let addr = [2u8, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    for &f in Func::all() {
        let mut a = AuxArray::<AUX_MAX>::default();
        sample_aux(f, &mut AuxWriter::new(&mut a));
        let aux = a.as_bytes();
        assert_eq!(aux.is_empty(), shape(f) == Shape::None, "{f:?}");
        let mut ev = Event::new(f);
        ev.args = [3, 0x1000, 2, 0x3000, 0x4000, 0x5000];
        ev.ret = if shape(f) == Shape::Resolve { 0 } else { 1 };
        ev.aux = aux;
        ev.addr = &addr;
        ev.data = b"hello";
        ev.data_total = 5;
        let (text, json) = lines(&ev);
        assert!(text.starts_with(&format!("{}(", f.name())), "{text}");
        assert!(text.ends_with('\n') && !text.contains("...>"), "{text}");
        assert!(json.starts_with('{') && json.ends_with("}\n"), "{json}");

        let copy_aux = reencode(f, aux);
        assert_eq!(copy_aux, aux, "{f:?}");
        let copy_addr = addr.to_vec();
        let copy_data = ev.data.to_vec();
        let mut copy = ev;
        copy.aux = &copy_aux;
        copy.addr = &copy_addr;
        copy.data = &copy_data;
        assert_eq!(lines(&copy), (text.clone(), json), "{f:?}");

        // The same event failed formats too.
        ev.ret = -1;
        ev.errno = libc::EINVAL;
        let (text, _) = lines(&ev);
        assert!(
            text.ends_with("EINVAL (Invalid argument)\n") || shape(f) == Shape::Resolve,
            "{text}"
        );
    }
}
