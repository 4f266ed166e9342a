//! The attendance code a class page shows: `class.slot.mac`, where the
//! slot is the 30-second window ([`jinguo_domain::training::slot_of`]) and
//! the MAC is HMAC-SHA256 under a secret drawn when the process starts,
//! like the help page's challenges (a restart turns away codes shown in
//! the last minute, which the page replaces within 30 seconds anyway).
//! The current and the previous slot are accepted. The code is drawn as
//! an inline SVG QR code of the scan page's address.

use std::sync::OnceLock;

use hmac::{Hmac, Mac};
use jinguo_domain::training::{ClassId, slot_fresh, slot_of};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::Sha256;

use crate::auth::token::{constant_time_eq, hex};

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Malformed or not signed by this server.
    Invalid,
    /// Signed for a slot older than the previous one.
    Expired,
    /// Signed, but for a different class than the one asked about.
    OtherClass,
}

impl Refusal {
    pub const fn key(self) -> &'static str {
        match self {
            Refusal::Invalid => "err.training.code_invalid",
            Refusal::Expired => "err.training.code_expired",
            Refusal::OtherClass => "err.training.code_other_class",
        }
    }
}

fn secret() -> &'static [u8; 32] {
    static SECRET: OnceLock<[u8; 32]> = OnceLock::new();
    SECRET.get_or_init(|| {
        let mut s = [0u8; 32];
        OsRng.fill_bytes(&mut s);
        s
    })
}

fn mac(class: i64, slot: i64) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    m.update(format!("training-attendance\n{class}\n{slot}\n").as_bytes());
    hex(&m.finalize().into_bytes()[..12])
}

/// The code of a class at `now`.
pub fn issue(class: ClassId, now: i64) -> String {
    let slot = slot_of(now);
    format!("{}.{slot}.{}", class.get(), mac(class.get(), slot))
}

/// Checks a code: signed here, fresh, and (when the request names one)
/// for that class; gives the class it was signed for.
pub fn check(code: &str, expected: Option<ClassId>, now: i64) -> Result<ClassId, Refusal> {
    let mut it = code.trim().split('.');
    let (Some(c), Some(s), Some(m), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(Refusal::Invalid);
    };
    let (Ok(class), Ok(slot)) = (c.parse::<i64>(), s.parse::<i64>()) else {
        return Err(Refusal::Invalid);
    };
    if m.len() != 24 || !constant_time_eq(m, &mac(class, slot)) {
        return Err(Refusal::Invalid);
    }
    if expected.is_some_and(|e| e.get() != class) {
        return Err(Refusal::OtherClass);
    }
    if !slot_fresh(slot, now) {
        return Err(Refusal::Expired);
    }
    Ok(ClassId::new(class))
}

/// A QR code of `text` as an SVG image (dark modules on white, a quiet
/// zone of four modules), sized by the page's CSS.
pub fn qr_svg(text: &str, label: &str) -> String {
    use qrcodegen::{QrCode, QrCodeEcc};
    let Ok(qr) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return String::new();
    };
    let n = qr.size();
    let mut path = String::new();
    for y in 0..n {
        for x in 0..n {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let side = n + 8;
    let label = label
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" width=\"280\" height=\"280\" role=\"img\" \
         aria-label=\"{label}\" shape-rendering=\"crispEdges\" class=\"qr\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_good_for_two_slots_and_its_own_class_only() {
        let now = 1_800_000_000;
        let c = ClassId::new(7);
        let code = issue(c, now);
        assert_eq!(check(&code, Some(c), now), Ok(c));
        assert_eq!(check(&code, None, now + 30), Ok(c));
        assert_eq!(check(&code, Some(c), now + 61), Err(Refusal::Expired));
        assert_eq!(
            check(&code, Some(ClassId::new(8)), now),
            Err(Refusal::OtherClass)
        );
        let forged = code.replacen("7.", "8.", 1);
        assert_eq!(check(&forged, None, now), Err(Refusal::Invalid));
        assert_eq!(check("x", None, now), Err(Refusal::Invalid));
        assert!(qr_svg("https://example.org/training/scan?t=1", "码").starts_with("<svg"));
    }
}
