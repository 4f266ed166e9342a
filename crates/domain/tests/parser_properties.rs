//! Property tests of the parsers that take outside input (issue 19 item 8):
//! ID numbers, phone numbers, unit codes, tracking codes, division-list rows,
//! free text, full-width input, months, user names and passwords.
//!
//! Every parser must (a) never panic, whatever it is given — arbitrary
//! Unicode, control characters, full-width digits, very long input — and
//! (b) keep its round trips and invariants. The oracles here are written
//! independently of the code under test (the ID check digit is computed
//! from the standard's weights, not by calling the parser's helper).
//!
//! Case counts: proptest's default of 256 per property, or `PROPTEST_CASES`
//! (the long run in BENCHMARKS.md sets it to 1,000,000).

use std::collections::HashSet;

use jinguo_domain::division_list::{RawDivisionRow, parse_division_rows};
use jinguo_domain::halfwidth::{halfwidth, to_halfwidth};
use jinguo_domain::help::{CODE_ALPHABET, CODE_LEN, TrackingCode};
use jinguo_domain::text::{TextError, clean_line, clean_text};
use jinguo_domain::{
    IdNumber, Level, Month, Password, Phone, PhoneKind, Sex, UnitCode, UnitKind, Username,
};
use proptest::prelude::*;
use proptest::sample::select;
use time::{Date, Duration};

// ---------------------------------------------------------------------------
// Input generators shared by the "never panics" properties.
// ---------------------------------------------------------------------------

/// Characters a hostile or careless user sends: ASCII digits and letters,
/// full-width digits and letters, every kind of space and separator, control
/// characters, bidi and zero-width characters, CJK and Mongolian, and then
/// any scalar value at all.
fn nasty_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => select(
            "0123456789xX+-.()# \t\n\r"
                .chars()
                .collect::<Vec<_>>()
        ),
        2 => (0xFF01u32..=0xFF5E).prop_map(|c| char::from_u32(c).unwrap()),
        1 => select(vec![
            '\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '\u{a0}', '\u{ad}', '\u{3000}', '\u{200b}',
            '\u{200d}', '\u{202e}', '\u{2066}', '\u{2028}', '\u{feff}', '\u{180e}', '\u{fffd}',
            '字', 'ᠮ', 'İ', 'ß', 'ﬃ', '𝟘', '٣', '①',
        ]),
        1 => any::<char>(),
    ]
}

/// Short strings mostly made of the characters above (they reach the
/// parsers' inner branches), arbitrary strings, and very long ones.
fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::collection::vec(nasty_char(), 0..40).prop_map(String::from_iter),
        3 => any::<String>(),
        // Very long input, built by repeating a short piece (cheap to make,
        // so a long run spends its time in the parsers).
        1 => (proptest::collection::vec(nasty_char(), 1..24), 100usize..400)
            .prop_map(|(piece, times)| String::from_iter(piece).repeat(times)),
    ]
}

/// A short string of the characters above, for the many fields of a row.
fn short_string() -> impl Strategy<Value = String> {
    proptest::collection::vec(nasty_char(), 0..24).prop_map(String::from_iter)
}

fn digits(n: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(select(b"0123456789".to_vec()), n)
        .prop_map(|v| String::from_utf8(v).unwrap())
}

/// A string in full width where `fullwidth` says so, character by character.
fn widen(s: &str, fullwidth: &[bool]) -> String {
    s.chars()
        .zip(fullwidth.iter().cycle())
        .map(|(c, &w)| {
            if w && c.is_ascii_graphic() {
                char::from_u32(c as u32 + 0xFEE0).unwrap()
            } else {
                c
            }
        })
        .collect()
}

fn date_between(from: Date, to: Date) -> impl Strategy<Value = Date> {
    let days = (to - from).whole_days();
    (0..=days).prop_map(move |d| from + Duration::days(d))
}

fn today() -> impl Strategy<Value = Date> {
    date_between(
        Date::from_ordinal_date(1990, 1).unwrap(),
        Date::from_ordinal_date(2100, 1).unwrap(),
    )
}

// ---------------------------------------------------------------------------
// ID numbers (GB 11643-1999)
// ---------------------------------------------------------------------------

/// The ISO 7064 MOD 11-2 check character, from the standard's definition:
/// weight 2^(17-i) mod 11, remainder mapped through `10X98765432`.
fn gb11643_check(first17: &str) -> char {
    let sum: u32 = first17
        .bytes()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * (2u32.pow(17 - i as u32) % 11))
        .sum();
    "10X98765432".as_bytes()[(sum % 11) as usize] as char
}

/// What the standard says about a string after the typing leniency
/// (full width, spaces, lower-case x) is taken away: `Some(birth date)`
/// when it is a valid number born between 1900 and `today`.
fn id_oracle(typed: &str, today: Date) -> Option<(String, Date)> {
    let s: String = typed
        .chars()
        .map(to_halfwidth)
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18
        || !chars[..17].iter().all(char::is_ascii_digit)
        || !(chars[17].is_ascii_digit() || chars[17] == 'X')
    {
        return None;
    }
    if gb11643_check(&s[..17]) != chars[17] {
        return None;
    }
    let y: i32 = s[6..10].parse().ok()?;
    let m: u8 = s[10..12].parse().ok()?;
    let d: u8 = s[12..14].parse().ok()?;
    let date = Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()?;
    (y >= 1900 && date <= today).then_some((s, date))
}

/// A valid number: any area code, a birth date from 1900 to `today`, any
/// sequence, and its check character.
fn valid_id() -> impl Strategy<Value = (String, Date, Date)> {
    today()
        .prop_flat_map(|today| {
            (
                digits(6),
                date_between(Date::from_ordinal_date(1900, 1).unwrap(), today),
                digits(3),
                Just(today),
            )
        })
        .prop_map(|(area, born, seq, today)| {
            let first17 = format!(
                "{area}{:04}{:02}{:02}{seq}",
                born.year(),
                u8::from(born.month()),
                born.day()
            );
            let check = gb11643_check(&first17);
            (format!("{first17}{check}"), born, today)
        })
}

proptest! {
    #[test]
    fn id_number_never_panics_and_agrees_with_the_standard(s in nasty_string(), today in today()) {
        let parsed = IdNumber::parse(&s, today);
        let oracle = id_oracle(&s, today);
        prop_assert_eq!(parsed.is_ok(), oracle.is_some(), "{:?}", s);
        if let (Ok(id), Some((canon, born))) = (parsed, oracle) {
            prop_assert_eq!(id.as_str(), canon.as_str());
            prop_assert_eq!(id.birth_date(), born);
        }
    }

    /// Near-misses of valid numbers (one character replaced by a digit,
    /// `X`, a full-width digit or a space) exercise the checksum and date
    /// branches that arbitrary strings rarely reach.
    #[test]
    fn id_number_near_misses_agree_with_the_standard(
        (s, _, today) in valid_id(),
        at in 0usize..18,
        with in select("0123456789Xx１Ｘ ".chars().collect::<Vec<_>>()),
    ) {
        let mut chars: Vec<char> = s.chars().collect();
        chars[at] = with;
        let typed: String = chars.into_iter().collect();
        let parsed = IdNumber::parse(&typed, today);
        prop_assert_eq!(parsed.is_ok(), id_oracle(&typed, today).is_some(), "{}", typed);
    }

    #[test]
    fn a_valid_id_number_parses_and_keeps_birth_date_and_sex(
        (s, born, today) in valid_id(),
        fullwidth in proptest::collection::vec(any::<bool>(), 18),
        spaces in proptest::collection::vec(0usize..=18, 0..4),
        lower in any::<bool>(),
    ) {
        let id = IdNumber::parse(&s, today).unwrap();
        prop_assert_eq!(id.as_str(), s.as_str());
        prop_assert_eq!(id.birth_date(), born);
        let seq_digit = s.as_bytes()[16] - b'0';
        let sex = if seq_digit % 2 == 1 { Sex::Male } else { Sex::Female };
        prop_assert_eq!(id.sex(), sex);
        prop_assert!(id.matches_sex(sex));
        prop_assert!(id.matches_birth_year(born.year()));
        prop_assert_eq!(id.area_code(), &s[..6]);
        // The mask hides the birth date and sequence; Debug shows only the mask.
        let mask = id.mask();
        prop_assert_eq!(mask.chars().count(), 18);
        prop_assert_eq!(&mask[..6], &s[..6]);
        prop_assert_eq!(&mask[14..], &s[14..]);
        let dbg = format!("{id:?}");
        prop_assert!(!dbg.contains(&s[6..14]), "{}", dbg);
        // As typed on a phone: full-width characters, spaces, a lower-case x.
        let mut typed = widen(&s, &fullwidth);
        if lower {
            typed = typed.replace('X', "x").replace('Ｘ', "ｘ");
        }
        let mut chars: Vec<char> = typed.chars().collect();
        for at in spaces {
            chars.insert(at.min(chars.len()), ' ');
        }
        let typed: String = chars.into_iter().collect();
        prop_assert_eq!(IdNumber::parse(&typed, today).unwrap(), id);
    }

    #[test]
    fn a_changed_check_character_is_refused(
        (s, _, today) in valid_id(),
        offset in 1usize..11,
    ) {
        // Any of the ten other check characters.
        const CHECKS: &str = "0123456789X";
        let at = CHECKS.find(&s[17..]).unwrap();
        let other = &CHECKS[(at + offset) % 11..][..1];
        let wrong = format!("{}{other}", &s[..17]);
        prop_assert_eq!(
            IdNumber::parse(&wrong, today).unwrap_err().key,
            "err.id_number.checksum"
        );
    }

    /// MOD 11-2 catches every single-digit substitution and every swap of
    /// two different adjacent characters; the checksum is tested before
    /// the date, so the message is the checksum one.
    #[test]
    fn typos_are_caught_by_the_check_character(
        (s, _, today) in valid_id(),
        at in 0usize..17,
        offset in 1u8..10,
    ) {
        let b = s.as_bytes();
        let mut changed = b.to_vec();
        changed[at] = b'0' + (b[at] - b'0' + offset) % 10;
        let changed = String::from_utf8(changed).unwrap();
        prop_assert_eq!(
            IdNumber::parse(&changed, today).unwrap_err().key,
            "err.id_number.checksum"
        );
        if at < 16 && b[at] != b[at + 1] {
            let mut swapped = b.to_vec();
            swapped.swap(at, at + 1);
            let swapped = String::from_utf8(swapped).unwrap();
            prop_assert_eq!(
                IdNumber::parse(&swapped, today).unwrap_err().key,
                "err.id_number.checksum"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------

fn mobile() -> impl Strategy<Value = String> {
    (select(b"3456789".to_vec()), digits(9))
        .prop_map(|(second, rest)| format!("1{}{rest}", second as char))
}

/// A landline as (area, local): `010`, `02x` or a 4-digit area, then 7 or
/// 8 digits not starting with 0 or 1.
fn landline() -> impl Strategy<Value = (String, String)> {
    let area = prop_oneof![
        Just("010".to_owned()),
        digits(1).prop_map(|d| format!("02{d}")),
        (select(b"3456789".to_vec()), digits(2)).prop_map(|(c, d)| format!("0{}{d}", c as char)),
    ];
    let local = (
        select(b"23456789".to_vec()),
        prop_oneof![digits(6), digits(7)],
    )
        .prop_map(|(c, d)| format!("{}{d}", c as char));
    (area, local)
}

/// Inserts separators people type (spaces, dashes, dots, brackets) at
/// arbitrary places and widens arbitrary characters.
fn decorate() -> impl Strategy<Value = (Vec<(usize, char)>, Vec<bool>)> {
    (
        proptest::collection::vec(
            (0usize..16, select(vec![' ', '-', '.', '(', ')', '　'])),
            0..5,
        ),
        proptest::collection::vec(any::<bool>(), 1..16),
    )
}

fn apply(s: &str, (seps, wide): &(Vec<(usize, char)>, Vec<bool>)) -> String {
    let mut chars: Vec<char> = widen(s, wide).chars().collect();
    for (at, c) in seps {
        chars.insert((*at).min(chars.len()), *c);
    }
    chars.into_iter().collect()
}

proptest! {
    #[test]
    fn phone_never_panics_and_is_idempotent(s in nasty_string()) {
        if let Ok(p) = Phone::parse(&s) {
            // The canonical form parses to itself: normalising is idempotent.
            let again = Phone::parse(p.as_str()).unwrap();
            prop_assert_eq!(again.as_str(), p.as_str());
            prop_assert_eq!(again.kind(), p.kind());
            let digits: String = p.as_str().chars().filter(char::is_ascii_digit).collect();
            prop_assert!(!p.mask().contains(&digits));
            let dbg = format!("{p:?}");
            prop_assert!(!dbg.contains(&digits), "{}", dbg);
        }
    }

    #[test]
    fn a_mobile_parses_in_every_typed_form(
        m in mobile(),
        prefix in select(vec!["", "+86", "+86 ", "0086", "0086-"]),
        deco in decorate(),
    ) {
        let typed = apply(&format!("{prefix}{m}"), &deco);
        // A separator inside the country prefix is still a separator.
        let p = Phone::parse(&typed).unwrap();
        prop_assert_eq!(p.as_str(), m.as_str());
        prop_assert_eq!(p.kind(), PhoneKind::Mobile);
        prop_assert_eq!(Phone::parse(p.as_str()).unwrap(), p.clone());
        prop_assert_eq!(p.mask(), format!("{}****{}", &m[..3], &m[7..]));
    }

    #[test]
    fn a_landline_parses_in_every_typed_form((area, local) in landline(), deco in decorate()) {
        let typed = apply(&format!("{area}{local}"), &deco);
        let p = Phone::parse(&typed).unwrap();
        let canonical = format!("{area}-{local}");
        prop_assert_eq!(p.as_str(), canonical.as_str());
        prop_assert_eq!(p.kind(), PhoneKind::Landline);
        prop_assert_eq!(Phone::parse(p.as_str()).unwrap(), p.clone());
        // A landline dialled with a country prefix drops its trunk 0; the
        // form with both is refused.
        let international = format!("+86{area}{local}");
        prop_assert!(Phone::parse(&international).is_err(), "{}", international);
    }

    /// A mobile with a digit too many or too few is never accepted as a
    /// mobile (it may be a landline only if it starts with the trunk 0).
    #[test]
    fn a_mobile_of_the_wrong_length_is_refused(m in mobile(), cut in 1usize..11, extra in digits(1)) {
        prop_assert!(Phone::parse(&m[..cut]).is_err());
        let long = format!("{m}{extra}");
        prop_assert!(Phone::parse(&long).is_err(), "{}", long);
    }
}

// ---------------------------------------------------------------------------
// Unit codes
// ---------------------------------------------------------------------------

/// The level a 12-digit code's zero padding denotes: 2 digits region, 4
/// league, 6 banner, 9 township, else village.
fn level_of(code: &str) -> u8 {
    let zeros = |from: usize| code[from..].bytes().all(|b| b == b'0');
    if zeros(2) {
        1
    } else if zeros(4) {
        2
    } else if zeros(6) {
        3
    } else if zeros(9) {
        4
    } else {
        5
    }
}

/// A 12-digit code of a given level: its prefix non-zero where the level
/// needs it, zeros after.
fn code_of_level() -> impl Strategy<Value = (String, u8)> {
    (1u8..=5, digits(12)).prop_map(|(level, d)| {
        let keep = [2, 4, 6, 9, 12][usize::from(level - 1)];
        let mut b: Vec<u8> = d.into_bytes();
        for x in &mut b[keep..] {
            *x = b'0';
        }
        // The last digit of the level's part is made non-zero, so the code
        // is not padded to a higher level.
        if level > 1 {
            b[keep - 1] = b'1' + (b[keep - 1] - b'0') % 9;
        }
        (String::from_utf8(b).unwrap(), level)
    })
}

fn division_row(line: usize, code: &str, level: &str, parent: &str) -> RawDivisionRow {
    RawDivisionRow {
        line,
        code: code.into(),
        name: format!("单位{line}"),
        parent_code: parent.into(),
        level: level.into(),
        name_mn: String::new(),
    }
}

proptest! {
    #[test]
    fn unit_code_never_panics_and_round_trips(s in nasty_string()) {
        if let Ok(c) = UnitCode::parse(&s) {
            prop_assert_eq!(UnitCode::parse(c.as_str()).unwrap(), c.clone());
            prop_assert_eq!(c.as_str(), s.trim());
            prop_assert!(c.as_str().is_ascii());
            match c.kind() {
                UnitKind::Geo => {
                    prop_assert_eq!(c.as_str().len(), 12);
                    prop_assert_eq!(c.implied_level().map(Level::get), Some(level_of(c.as_str())));
                }
                UnitKind::Sector => prop_assert_eq!(c.implied_level(), None),
            }
        }
    }

    /// Any 12 digits are a well-formed code, and the division list takes a
    /// row iff its level is the one the code's padding denotes.
    #[test]
    fn a_12_digit_code_is_taken_iff_its_level_follows_the_padding(
        code in digits(12),
        level in 1u8..=5,
    ) {
        let c = UnitCode::parse(&code).unwrap();
        prop_assert_eq!(c.kind(), UnitKind::Geo);
        let implied = level_of(&code);
        prop_assert_eq!(c.implied_level().map(Level::get), Some(implied));
        // One row alone: a region needs no parent; lower levels name one
        // that is not in the list, which is reported on parent_code.
        let parent = if level == 1 { "" } else { "150000000000" };
        let result = parse_division_rows(&[division_row(2, &code, &level.to_string(), parent)]);
        let level_error = matches!(&result, Err(e) if e.iter().any(|e| e.column == "level"));
        prop_assert_eq!(level_error, level != implied, "{} at level {}", code, level);
    }

    #[test]
    fn codes_of_each_level_denote_it((code, level) in code_of_level()) {
        prop_assert_eq!(
            UnitCode::parse(&code).unwrap().implied_level().map(Level::get),
            Some(level)
        );
    }

    /// A sector organisation's code made from its parent parses back, with
    /// the parent's division code and the serial; codes stay within the
    /// pattern the OpenAPI document states (2–4 digits of serial), and a
    /// serial that would not is refused rather than made.
    #[test]
    fn sector_codes_parse_back(parent in digits(12), serial in 0u32..20_000) {
        let p = UnitCode::parse(&parent).unwrap();
        let made = UnitCode::sector(&p, serial);
        prop_assert_eq!(made.is_some(), serial <= UnitCode::MAX_SECTOR_SERIAL);
        let Some(s) = made else { return Ok(()) };
        prop_assert_eq!(UnitCode::parse(s.as_str()).unwrap(), s.clone());
        prop_assert_eq!(s.kind(), UnitKind::Sector);
        let prefix = format!("{parent}-S");
        prop_assert!(s.as_str().starts_with(&prefix), "{}", s);
        let n = &s.as_str()[14..];
        prop_assert!((2..=4).contains(&n.len()));
        prop_assert_eq!(n.parse::<u32>().unwrap(), serial);
    }
}

// ---------------------------------------------------------------------------
// Tracking codes of the public help page
// ---------------------------------------------------------------------------

fn generated_code() -> impl Strategy<Value = TrackingCode> {
    proptest::collection::vec(any::<u8>(), 12..64).prop_map(|bytes| {
        let mut it = bytes.into_iter();
        // When the bytes run out, a byte that is always taken.
        TrackingCode::generate(|| it.next().unwrap_or(7))
    })
}

proptest! {
    #[test]
    fn tracking_code_never_panics_and_is_canonical(s in nasty_string()) {
        if let Some(c) = TrackingCode::parse(&s) {
            prop_assert_eq!(c.as_str().len(), CODE_LEN);
            prop_assert!(c.as_str().bytes().all(|b| CODE_ALPHABET.contains(&b)));
            prop_assert_eq!(TrackingCode::parse(c.as_str()), Some(c.clone()));
            prop_assert_eq!(TrackingCode::parse(&c.grouped()), Some(c.clone()));
        }
    }

    #[test]
    fn an_issued_code_parses_back_as_typed(
        code in generated_code(),
        lower in proptest::collection::vec(any::<bool>(), CODE_LEN),
        wide in proptest::collection::vec(any::<bool>(), CODE_LEN),
        seps in proptest::collection::vec((0usize..=CODE_LEN, select(vec![' ', '-', '　'])), 0..4),
    ) {
        prop_assert_eq!(code.as_str().len(), CODE_LEN);
        prop_assert!(code.as_str().bytes().all(|b| CODE_ALPHABET.contains(&b)));
        prop_assert_eq!(TrackingCode::parse(&code.grouped()), Some(code.clone()));
        prop_assert_eq!(TrackingCode::parse(&code.to_string()), Some(code.clone()));
        let mut typed: Vec<char> = code
            .as_str()
            .chars()
            .zip(&lower)
            .map(|(c, l)| if *l { c.to_ascii_lowercase() } else { c })
            .collect();
        for (at, c) in seps {
            typed.insert(at.min(typed.len()), c);
        }
        let typed = widen(&typed.into_iter().collect::<String>(), &wide);
        prop_assert_eq!(TrackingCode::parse(&typed), Some(code));
    }

    /// A character outside the alphabet (a look-alike such as 0, O, 1, I,
    /// L, U, or anything else), a lost or an extra character is refused.
    /// A code has no check character, so a substitution by another letter
    /// of the alphabet reads as a different code: it never finds the
    /// original request.
    #[test]
    fn a_mutated_code_is_refused_or_is_another_code(
        code in generated_code(),
        at in 0usize..CODE_LEN,
        foreign in nasty_char(),
        letter in select(CODE_ALPHABET.to_vec()),
    ) {
        let chars: Vec<char> = code.as_str().chars().collect();
        let with = |i: usize, c: char| {
            let mut v = chars.clone();
            v[i] = c;
            v.into_iter().collect::<String>()
        };
        // Characters the parser reads as a letter of the alphabet (in any
        // case or width) or skips as a separator.
        let h = to_halfwidth(foreign);
        let foreign_ok = (h.is_ascii() && CODE_ALPHABET.contains(&(h.to_ascii_uppercase() as u8)))
            || matches!(h, ' ' | '-');
        if !foreign_ok {
            prop_assert_eq!(TrackingCode::parse(&with(at, foreign)), None);
        }
        let mut shorter = chars.clone();
        shorter.remove(at);
        prop_assert_eq!(TrackingCode::parse(&shorter.into_iter().collect::<String>()), None);
        let mut longer = chars.clone();
        longer.insert(at, letter as char);
        prop_assert_eq!(TrackingCode::parse(&longer.into_iter().collect::<String>()), None);
        let other = TrackingCode::parse(&with(at, letter as char)).unwrap();
        prop_assert_eq!(other == code, chars[at] == letter as char);
    }
}

// ---------------------------------------------------------------------------
// Division-list rows
// ---------------------------------------------------------------------------

fn raw_row() -> impl Strategy<Value = RawDivisionRow> {
    let code = prop_oneof![
        3 => code_of_level().prop_map(|(c, _)| c),
        1 => short_string(),
    ];
    let level = prop_oneof![
        3 => (0u8..=6).prop_map(|l| l.to_string()),
        1 => short_string(),
    ];
    let parent = prop_oneof![
        1 => Just(String::new()),
        3 => code_of_level().prop_map(|(c, _)| c),
        1 => short_string(),
    ];
    let name = prop_oneof![
        3 => short_string(),
        1 => nasty_string(),
    ];
    (code, name, parent, level, short_string()).prop_map(
        |(code, name, parent_code, level, name_mn)| RawDivisionRow {
            line: 0,
            code,
            name,
            parent_code,
            level,
            name_mn,
        },
    )
}

/// A valid list: a region, leagues under it, banners under those, and so on,
/// each code derived from its parent's.
fn valid_list() -> impl Strategy<Value = Vec<RawDivisionRow>> {
    proptest::collection::vec((1usize..5, 1u8..=4), 1..30).prop_map(|picks| {
        let mut rows = vec![division_row(0, "150000000000", "1", "")];
        let mut by_level: Vec<Vec<String>> =
            vec![vec!["150000000000".into()], vec![], vec![], vec![], vec![]];
        let widths = [2usize, 4, 6, 9, 12];
        for (i, (pick, level)) in picks.into_iter().enumerate() {
            // The deepest level that has a possible parent.
            let mut level = usize::from(level);
            while by_level[level - 1].is_empty() {
                level -= 1;
            }
            let parents = &by_level[level - 1];
            let parent = parents[pick % parents.len()].clone();
            let serial = i + 1;
            let (from, to) = (widths[level - 1], widths[level]);
            let digits = format!("{serial:0width$}", width = to - from);
            let code = format!("{}{digits}{}", &parent[..from], "0".repeat(12 - to));
            rows.push(division_row(0, &code, &(level + 1).to_string(), &parent));
            by_level[level].push(code);
        }
        rows
    })
}

fn number_lines(mut rows: Vec<RawDivisionRow>) -> Vec<RawDivisionRow> {
    for (i, r) in rows.iter_mut().enumerate() {
        r.line = i + 2;
    }
    rows
}

proptest! {
    /// Arbitrary rows never panic; the answer is the whole list or errors
    /// that each name a line of the list (line 1 for the list as a whole),
    /// sorted by line.
    #[test]
    fn division_rows_never_panic_and_are_all_or_nothing(
        rows in proptest::collection::vec(raw_row(), 0..6),
    ) {
        let rows = number_lines(rows);
        match parse_division_rows(&rows) {
            Ok(records) => {
                prop_assert_eq!(records.len(), rows.len());
                let codes: HashSet<_> = records.iter().map(|r| r.code.clone()).collect();
                prop_assert_eq!(codes.len(), records.len());
                prop_assert!(records.windows(2).all(|w| w[0].level <= w[1].level));
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                prop_assert!(errors.windows(2).all(|w| w[0].line <= w[1].line));
                for e in &errors {
                    prop_assert!(e.line == 1 || rows.iter().any(|r| r.line == e.line), "{:?}", e);
                }
            }
        }
    }

    #[test]
    fn a_valid_list_is_taken_whole_in_any_order(
        rows in valid_list().prop_shuffle(),
    ) {
        let rows = number_lines(rows);
        let records = parse_division_rows(&rows).unwrap();
        prop_assert_eq!(records.len(), rows.len());
        prop_assert_eq!(records[0].level, Level::REGION);
        // Parents come before their children.
        let mut seen = HashSet::new();
        for r in &records {
            if let Some(p) = &r.parent {
                prop_assert!(seen.contains(p));
            }
            seen.insert(r.code.clone());
        }
    }

    /// One bad row (a malformed code, a wrong level, an empty name or an
    /// unknown parent) refuses the whole list and is reported by its line.
    #[test]
    fn a_bad_row_is_reported_by_its_line(
        rows in valid_list().prop_shuffle(),
        which in any::<prop::sample::Index>(),
        how in 0u8..4,
        junk in nasty_string(),
    ) {
        let mut rows = number_lines(rows);
        let i = which.index(rows.len());
        let r = &mut rows[i];
        match how {
            0 => r.code = format!("{}x", &r.code[..11]),
            1 => r.level = if r.level == "5" { "4".into() } else { "5".into() },
            2 => r.name = junk.chars().filter(|c| c.is_whitespace()).collect(),
            _ => r.parent_code = if r.level == "1" { "150100000000".into() } else { "159900000000".into() },
        }
        let line = r.line;
        let errors = parse_division_rows(&rows).unwrap_err();
        prop_assert!(errors.iter().any(|e| e.line == line), "{:?}", errors);
    }
}

// ---------------------------------------------------------------------------
// Free text, full width, months, user names, passwords
// ---------------------------------------------------------------------------

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

proptest! {
    #[test]
    fn text_never_panics_and_keeps_its_rules(s in nasty_string(), max in 1usize..200) {
        for (lines, result) in [(true, clean_text(&s, max)), (false, clean_line(&s, max))] {
            match result {
                Ok(Some(t)) => {
                    prop_assert!(s.contains(t.as_str()));
                    prop_assert!(t.chars().count() <= max);
                    prop_assert!(!t.starts_with(char::is_whitespace));
                    prop_assert!(!t.ends_with(char::is_whitespace));
                    for c in t.chars() {
                        prop_assert!(!is_bidi(c), "{:?}", t);
                        let line_break = matches!(c, '\n' | '\r');
                        prop_assert!(!c.is_control() || (lines && line_break), "{:?}", t);
                        prop_assert!(lines || !matches!(c, '\u{2028}' | '\u{2029}'), "{:?}", t);
                    }
                    // Cleaning is idempotent.
                    let again = if lines { clean_text(&t, max) } else { clean_line(&t, max) };
                    prop_assert_eq!(again, Ok(Some(t.clone())));
                }
                Ok(None) => {
                    // Nothing visible: only whitespace and format characters.
                    prop_assert!(s.chars().all(|c| c.is_whitespace()
                        || matches!(c, '\u{ad}' | '\u{34f}' | '\u{180b}'..='\u{180f}'
                            | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
                            | '\u{2060}'..='\u{206f}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}')), "{:?}", s);
                }
                Err(TextError::TooLong) => prop_assert!(s.chars().count() > max),
                Err(TextError::Control) => prop_assert!(s.chars().any(|c| c.is_control()
                    || is_bidi(c) || matches!(c, '\u{2028}' | '\u{2029}')), "{:?}", s),
            }
        }
    }

    #[test]
    fn halfwidth_maps_only_fullwidth_ascii(s in nasty_string()) {
        let h = halfwidth(&s);
        prop_assert_eq!(h.chars().count(), s.chars().count());
        for (a, b) in s.chars().zip(h.chars()) {
            match a {
                '\u{FF01}'..='\u{FF5E}' => {
                    prop_assert!(b.is_ascii_graphic());
                    prop_assert_eq!(b as u32 + 0xFEE0, a as u32);
                }
                '\u{3000}' => prop_assert_eq!(b, ' '),
                _ => prop_assert_eq!(a, b),
            }
        }
        // Idempotent.
        prop_assert_eq!(halfwidth(&h), h);
    }

    /// A month parses only in its canonical `YYYY-MM` form (surrounding
    /// spaces aside), and prints back the same.
    #[test]
    fn month_never_panics_and_prints_as_typed(
        s in prop_oneof![
            nasty_string(),
            // Near-months reach the inner branches: signs, spaces, a year
            // in range with a month of two arbitrary characters.
            "[ ]?(20[0-9][0-9]|[-+ 0-9]{4})-[-+ 0-9]{1,3}[ ]?",
        ],
        n in any::<i64>(),
    ) {
        if let Ok(m) = Month::parse(&s, "month") {
            prop_assert_eq!(m.to_string(), s.trim());
            prop_assert_eq!(Month::from_yyyymm(m.yyyymm()), Some(m));
        }
        if let Some(m) = Month::from_yyyymm(n) {
            prop_assert_eq!(m.yyyymm(), n);
        }
    }

    #[test]
    fn months_round_trip_and_step(year in 2000i32..=2100, month in 1u8..=12, k in 0u32..600) {
        let m = Month::new(year, month).unwrap();
        prop_assert_eq!(Month::parse(&format!(" {m} "), "month").unwrap(), m);
        prop_assert_eq!(m.succ_n(k).minus(k), m);
        prop_assert_eq!(m.succ_n(1), m.succ());
        prop_assert!(m.minus(k) <= m);
    }

    #[test]
    fn username_never_panics_and_is_canonical(s in nasty_string()) {
        if let Ok(u) = Username::parse(&s) {
            let name = u.as_str();
            prop_assert!((3..=32).contains(&name.len()));
            prop_assert!(name.starts_with(|c: char| c.is_ascii_lowercase()));
            prop_assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)));
            prop_assert_eq!(Username::parse(name).unwrap(), u.clone());
        }
    }

    #[test]
    fn password_never_panics_and_never_shows(s in nasty_string()) {
        if let Ok(p) = Password::parse(&s) {
            prop_assert!(p.expose().chars().count() >= 8);
            prop_assert!(p.expose().len() <= 256);
            prop_assert_eq!(format!("{p:?}"), "Password(***)");
        }
    }
}
