//! A DNS reply, as a network peer could send it: `sockshim::resolve::dns`'s
//! header, question, record and name parsing, and the answer walk.
//!
//! The input is a whole message. Its own question (id, name, type) is taken
//! as the query it answers, so the fuzzer reaches the answer section; the
//! walk then runs for that type and for A, AAAA, PTR and CNAME. Properties:
//! nothing panics, every record's rdata lies inside the message, a walk finds
//! at most ANCOUNT records, every name read prints as text that reads back to
//! the same name, and a query built for the question parses as its own reply
//! once QR is set.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sockshim::resolve::dns::answer;
use sockshim::resolve::dns::name::{read_name, WireName};
use sockshim::resolve::dns::wire::{build_query, Header, QueryOpts, Reply};

const TYPE_A: u16 = 1;
const TYPE_CNAME: u16 = 5;
const TYPE_PTR: u16 = 12;
const TYPE_AAAA: u16 = 28;
/// `WireName`'s longest text (127 labels of one `\DDD` byte, plus dots).
const NAME_TEXT_MAX: usize = 1009;
/// Room for any query: header, a 255-byte name, type and class, OPT.
const QUERY_BUF: usize = 12 + 255 + 4 + 11;
/// CNAMEs one walk follows (`answer::MAX_CNAME_HOPS`).
const MAX_CNAME_HOPS: usize = 16;
/// Offsets at which `read_name` is tried directly.
const NAME_OFFSETS: usize = 512;
const QR: u16 = 0x8000;

/// The name prints as text that reads back to the same name.
fn check_text_round_trip(name: &WireName) {
    let mut text = [0u8; NAME_TEXT_MAX];
    let n = name.to_text(&mut text).expect("a name's text fits NAME_TEXT_MAX");
    let again = WireName::from_text(&text[..n]).expect("printed name reads back");
    assert_eq!(again.as_bytes(), name.as_bytes(), "name text round trip");
}

fuzz_target!(|msg: &[u8]| {
    let header = Header::parse(msg);
    assert_eq!(header.is_some(), msg.len() >= 12);

    for off in 0..msg.len().min(NAME_OFFSETS) {
        if let Some((name, next)) = read_name(msg, off) {
            assert!(next > off && next <= msg.len());
            assert!(name.as_bytes().len() <= 255);
            check_text_round_trip(&name);
        }
    }

    let Some(header) = header else { return };
    let Some((qname, end)) = read_name(msg, 12) else { return };
    let Some(qtype) = msg.get(end..end + 2).map(|b| u16::from_be_bytes([b[0], b[1]])) else {
        return;
    };

    // The query for this question parses as its own (empty) reply.
    let mut query = [0u8; QUERY_BUF];
    let opts = QueryOpts {
        edns0: header.flags & 1 != 0,
        ad: header.flags & 2 != 0,
    };
    let qlen = build_query(header.id, &qname, qtype, opts, &mut query).expect("QUERY_BUF holds any query");
    query[2] |= (QR >> 8) as u8;
    let echo = Reply::parse(&query[..qlen], header.id, &qname, qtype).expect("own query parses as a reply");
    assert_eq!(echo.answers().count(), 0);

    let Ok(reply) = Reply::parse(msg, header.id, &qname, qtype) else {
        return;
    };
    assert_eq!(reply.header, header);
    let mut records = 0usize;
    for rec in reply.answers() {
        let Ok(rec) = rec else { break };
        records += 1;
        assert!(rec.rdata_at + rec.rdata.len() <= msg.len());
        assert_eq!(&msg[rec.rdata_at..rec.rdata_at + rec.rdata.len()], rec.rdata);
        check_text_round_trip(&rec.owner);
        if let Some(target) = rec.rdata_name(msg) {
            check_text_round_trip(&target);
        }
    }
    assert!(records <= usize::from(header.ancount));

    for wanted in [qtype, TYPE_A, TYPE_AAAA, TYPE_PTR, TYPE_CNAME] {
        let mut seen = 0usize;
        let mut chain = Vec::new();
        let walk = answer::walk_chain(
            &reply,
            &qname,
            wanted,
            |target| chain.push(*target),
            |rec| {
                seen += 1;
                assert_eq!(rec.rtype, wanted);
                if answer::record_addr(rec).is_some() {
                    assert!(
                        wanted == TYPE_A || wanted == TYPE_AAAA,
                        "an address from a type {wanted} record"
                    );
                }
                if wanted == TYPE_PTR {
                    if let Some(target) = rec.rdata_name(msg) {
                        check_text_round_trip(&target);
                    }
                }
                true
            },
        );
        assert_eq!(walk.found, seen);
        assert!(walk.found <= records);
        check_text_round_trip(&walk.canon);
        assert_eq!(answer::walk_error(&walk).is_some(), walk.malformed);

        // The CNAMEs followed: at most MAX_CNAME_HOPS, none for a CNAME
        // query; with none found the walk ends on the last one's target.
        assert!(chain.len() <= MAX_CNAME_HOPS);
        if wanted == TYPE_CNAME {
            assert!(chain.is_empty());
        }
        chain.iter().for_each(check_text_round_trip);
        if walk.found == 0 {
            assert_eq!(walk.canon, *chain.last().unwrap_or(&qname));
        }
        // `walk` is `walk_chain` without the chain.
        let plain = answer::walk(&reply, &qname, wanted, |_| true);
        assert_eq!(
            (plain.found, plain.canon, plain.malformed),
            (walk.found, walk.canon, walk.malformed)
        );
    }
});
