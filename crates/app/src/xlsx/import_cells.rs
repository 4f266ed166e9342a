//! The cells of an imported ledger as people really fill them in Excel
//! or WPS: full-width digits (`４０`, `２０２６．１１．３`), dates in every
//! common spelling, counts written `40人`, unit codes or names, and the
//! signature and total rows under the table. Pure functions, no store.

use calamine::DataRef;
use jinguo_domain::UnitCode;
use jinguo_domain::activity::format_date;
use jinguo_domain::halfwidth::halfwidth;
use time::{Date, Month};

use super::unsafe_text;

/// A cell as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Empty,
    Text(String),
    Number(f64),
    Date(Date),
    /// A boolean or an error value (`#N/A`), as Excel shows it.
    Other(String),
}

impl Value {
    pub(super) fn of(d: &DataRef<'_>) -> Value {
        let text = |s: &str| {
            let s = unsafe_text(s.trim());
            if s.is_empty() {
                Value::Empty
            } else {
                Value::Text(s.to_owned())
            }
        };
        match d {
            DataRef::Empty => Value::Empty,
            DataRef::Int(i) => Value::Number(*i as f64),
            DataRef::Float(f) => Value::Number(*f),
            DataRef::String(s) => text(s),
            DataRef::SharedString(s) => text(s),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text(s),
            DataRef::DateTime(dt) if dt.is_datetime() => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                ymd(i64::from(y), i64::from(m), i64::from(d))
                    .map_or_else(|| Value::Number(dt.as_f64()), Value::Date)
            }
            DataRef::DateTime(dt) => Value::Number(dt.as_f64()),
            DataRef::Bool(b) => Value::Other(if *b { "TRUE" } else { "FALSE" }.to_owned()),
            DataRef::Error(e) => Value::Other(e.to_string()),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Value::Empty
    }

    /// The cell as text, as its owner sees it: what a message quotes.
    pub fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) | Value::Other(s) => s.clone(),
            Value::Number(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Value::Number(f) => f.to_string(),
            Value::Date(d) => format_date(*d),
        }
    }
}

/// Full-width to half-width, trimmed.
fn plain(s: &str) -> String {
    halfwidth(s).trim().to_owned()
}

fn ymd(y: i64, m: i64, d: i64) -> Option<Date> {
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()
}

/// `20261103` → 2026-11-03.
fn compact(n: i64) -> Option<Date> {
    (19_000_101..=29_991_231)
        .contains(&n)
        .then(|| ymd(n / 10_000, n / 100 % 100, n % 100))
        .flatten()
}

/// Days since 1899-12-30, Excel's serial dates (from 2000 on, so a count
/// typed in the wrong column is not taken for a date in 1900).
fn serial(f: f64) -> Option<Date> {
    if !(36_526.0..2_958_466.0).contains(&f) {
        return None;
    }
    Date::from_calendar_date(1899, Month::December, 30)
        .ok()?
        .checked_add(time::Duration::days(f.floor() as i64))
}

/// A date cell. Excel dates and serial numbers whose format was lost;
/// `20261103` as a number or text; and text with the year first
/// (`2026-11-3`, `2026/11/3`, `2026.11.3`, `2026年11月3日`, `2026年11月3号`,
/// a time or a weekday after it) or last.
///
/// With the year last, the order is month/day/year (`11/3/2026` is
/// 3 November): that is how Excel and WPS display a date under a US-English
/// system setting, which is where such text comes from — Chinese usage puts
/// the year first. Only when the first number cannot be a month (`25/11/2026`)
/// is it read as day/month/year.
pub fn date_of(v: &Value) -> Option<Date> {
    match v {
        Value::Date(d) => Some(*d),
        Value::Number(f) if f.fract() == 0.0 && *f >= 19_000_101.0 => compact(*f as i64),
        Value::Number(f) => serial(*f),
        Value::Text(s) => date_text(&plain(s)),
        Value::Empty | Value::Other(_) => None,
    }
}

fn date_text(s: &str) -> Option<Date> {
    // A weekday, bare or in brackets, or a note: `2026年11月3日(星期二)`,
    // `2026/11/3 周二`.
    let s = s.split(['(', '星', '周', '礼']).next().unwrap_or(s);
    // A time: `2026/11/3 9:30`, `2026-11-01T00:00:00`.
    let s = match s.find(':') {
        Some(i) => &s[..s[..i].rfind([' ', 'T']).unwrap_or(i)],
        None => s,
    };
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.trim_end_matches(['日', '号']);
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return compact(s.parse().ok()?);
    }
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if !parts
        .iter()
        .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |p: &str| p.parse::<i64>().ok();
    let short = |p: &str| (1..=2).contains(&p.len());
    match (a.len(), c.len()) {
        (4, _) if short(b) && short(c) => ymd(n(a)?, n(b)?, n(c)?),
        (_, 4) if short(a) && short(b) => {
            let (first, second) = (n(a)?, n(b)?);
            if first > 12 {
                ymd(n(c)?, second, first)
            } else {
                ymd(n(c)?, first, second)
            }
        }
        _ => None,
    }
}

/// A count: `Ok(None)` when empty; `Err` when it is not a whole number.
/// `40`, `４０`, `40人`, `1,200` and `40.0` are all fine.
pub fn count_of(v: &Value) -> Result<Option<i64>, ()> {
    match v {
        Value::Empty => Ok(None),
        // A formula's result may be a hair off a whole number (32.000000001).
        Value::Number(f) if (f - f.round()).abs() < 1e-6 && f.abs() < 1e12 => {
            Ok(Some(f.round() as i64))
        }
        Value::Text(s) => {
            let s: String = plain(s)
                .chars()
                .filter(|c| !c.is_whitespace() && *c != ',')
                .collect();
            let s = ["人次", "人", "名", "位"]
                .iter()
                .find_map(|u| s.strip_suffix(u))
                .unwrap_or(&s);
            s.parse::<i64>()
                .ok()
                .or_else(|| {
                    s.parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 1e12)
                        .map(|f| f as i64)
                })
                .map(Some)
                .ok_or(())
        }
        _ => Err(()),
    }
}

/// What a unit cell names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UnitCell {
    Empty,
    /// A code, alone or before the name (`152502200200 伊利勒特嘎查`, as in
    /// the template's list), in any digit width, or a number Excel made of
    /// the digits.
    Code(UnitCode),
    /// Digits that are no code.
    BadCode,
    /// A name, spaces removed.
    Name(String),
}

pub fn unit_cell(v: &Value) -> UnitCell {
    let text = match v {
        Value::Empty => return UnitCell::Empty,
        Value::Text(s) => plain(s),
        other => other.text(),
    };
    let first = text.split_whitespace().next().unwrap_or("");
    if first.starts_with(|c: char| c.is_ascii_digit()) {
        return UnitCode::parse(first).map_or(UnitCell::BadCode, UnitCell::Code);
    }
    let name: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if name.is_empty() {
        UnitCell::Empty
    } else {
        UnitCell::Name(name)
    }
}

/// How the lines under a table begin: who made it, who checked it, the
/// totals, notes.
const FOOTER_MARKERS: [&str; 27] = [
    "制表",
    "填表",
    "填报",
    "审核",
    "审批",
    "复核",
    "合计",
    "总计",
    "小计",
    "共计",
    "备注",
    "说明",
    "注:",
    "附注",
    "负责人",
    "单位负责人",
    "主要负责人",
    "分管",
    "签字",
    "签名",
    "盖章",
    "联系人",
    "联系电话",
    "统计人",
    "经办人",
    "报送",
    "日期:",
];

/// Whether a text reads as part of a signature, total or note line
/// (`制表人：`, `审核人：`, `合计`, `备注：…`, `日期：…`).
pub fn footer_text(v: &Value) -> bool {
    let Value::Text(s) = v else { return false };
    let s: String = halfwidth(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    FOOTER_MARKERS.iter().any(|m| s.starts_with(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<String> {
        date_of(&Value::Text(s.into())).map(format_date)
    }

    #[test]
    fn dates_year_first() {
        for s in [
            "2026-11-03",
            "2026-11-3",
            "2026/11/3",
            "2026.11.3",
            "２０２６．１１．３",
            "2026年11月3日",
            "2026 年 11 月 3 日",
            "２０２６年１１月３日",
            "2026年11月3号",
            "2026年11月3日(星期二)",
            "2026年11月3日（星期二）",
            "2026年11月3日 星期二",
            "2026/11/3 周二",
            "2026/11/3 9:30",
            "2026-11-03T00:00:00",
            "2026-11-03 00:00:00",
            "20261103",
            "２０２６１１０３",
        ] {
            assert_eq!(d(s).as_deref(), Some("2026-11-03"), "{s}");
        }
    }

    #[test]
    fn dates_year_last_are_month_first() {
        // Excel-US order: 11/3/2026 is 3 November.
        assert_eq!(d("11/3/2026").as_deref(), Some("2026-11-03"));
        assert_eq!(d("3/11/2026").as_deref(), Some("2026-03-11"));
        // The first number cannot be a month: day/month/year.
        assert_eq!(d("25/11/2026").as_deref(), Some("2026-11-25"));
        assert_eq!(d("11-3-2026").as_deref(), Some("2026-11-03"));
    }

    #[test]
    fn dates_as_numbers_and_cells() {
        let n = |f: f64| date_of(&Value::Number(f)).map(format_date);
        assert_eq!(n(46_327.0).as_deref(), Some("2026-11-01"));
        assert_eq!(
            n(46_327.75).as_deref(),
            Some("2026-11-01"),
            "a date with a time"
        );
        assert_eq!(n(20_261_103.0).as_deref(), Some("2026-11-03"));
        assert_eq!(n(40.0), None, "a count is not a date");
        assert_eq!(n(20_261_340.0), None);
        let day = Date::from_calendar_date(2026, Month::November, 3).unwrap();
        assert_eq!(date_of(&Value::Date(day)), Some(day));
    }

    #[test]
    fn not_dates() {
        for s in [
            "昨天",
            "2026年11月",
            "2026-13-01",
            "2026-02-30",
            "11/3/26",
            "2026.11.3-11.5",
            "",
            "20261",
        ] {
            assert_eq!(d(s), None, "{s}");
        }
        assert_eq!(date_of(&Value::Empty), None);
    }

    #[test]
    fn counts() {
        let t = |s: &str| count_of(&Value::Text(s.into()));
        assert_eq!(count_of(&Value::Number(40.0)), Ok(Some(40)));
        assert_eq!(count_of(&Value::Number(40.5)), Err(()));
        assert_eq!(count_of(&Value::Number(32.000_000_001)), Ok(Some(32)));
        assert_eq!(count_of(&Value::Empty), Ok(None));
        assert_eq!(t(" 12 "), Ok(Some(12)));
        assert_eq!(t("４０"), Ok(Some(40)));
        assert_eq!(t("40人"), Ok(Some(40)));
        assert_eq!(t("４０ 人"), Ok(Some(40)));
        assert_eq!(t("1,200"), Ok(Some(1200)));
        assert_eq!(t("１，２００"), Ok(Some(1200)));
        assert_eq!(t("40.0"), Ok(Some(40)));
        assert_eq!(t("-3"), Ok(Some(-3)), "the range rule reports it");
        assert_eq!(t("四十"), Err(()));
        assert_eq!(t("约40"), Err(()));
        assert_eq!(t("40.5"), Err(()));
        assert_eq!(count_of(&Value::Other("#N/A".into())), Err(()));
    }

    #[test]
    fn unit_cells() {
        let t = |s: &str| unit_cell(&Value::Text(s.into()));
        let code = |s: &str| UnitCell::Code(UnitCode::parse(s).unwrap());
        assert_eq!(
            unit_cell(&Value::Number(152_502_200_200.0)),
            code("152502200200")
        );
        assert_eq!(t("152502200200 伊利勒特嘎查"), code("152502200200"));
        assert_eq!(t("１５２５０２２００２００"), code("152502200200"));
        assert_eq!(t("152502000000-S01"), code("152502000000-S01"));
        assert_eq!(t("1525"), UnitCell::BadCode);
        assert_eq!(t(" 伊利勒特 嘎查 "), UnitCell::Name("伊利勒特嘎查".into()));
        assert_eq!(unit_cell(&Value::Empty), UnitCell::Empty);
    }

    #[test]
    fn footer_lines() {
        for s in [
            "制表人：张三",
            "填表人:李四",
            "审核人：",
            "合计",
            "合 计",
            "备注：以上数据截至11月",
            "日期：２０２６．１１．３",
            "说明：",
            "单位负责人签字",
        ] {
            assert!(footer_text(&Value::Text(s.into())), "{s}");
        }
        for s in ["伊利勒特嘎查", "巾帼大宣讲", "日期", "2026-11-03"] {
            assert!(!footer_text(&Value::Text(s.into())), "{s}");
        }
        assert!(!footer_text(&Value::Number(40.0)));
    }
}
