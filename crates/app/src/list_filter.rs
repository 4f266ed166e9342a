//! What every list's filter form shares: a typed value trimmed to nothing
//! or something, a day range with its field errors, and the filters as a
//! query string for the page's links (paging, export).

use jinguo_domain::FieldError;
use jinguo_domain::activity::parse_date;

/// A typed value, trimmed; blank is none.
pub fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The days of a `from`/`to` pair (`YYYY-MM-DD`, both inclusive); a
/// malformed day, or a range ending before it starts, is a field error
/// naming its field.
pub fn day_range(
    from: &Option<String>,
    to: &Option<String>,
    errors: &mut Vec<FieldError>,
) -> (Option<time::Date>, Option<time::Date>) {
    let mut day = |field: &'static str, v: &Option<String>| {
        let s = text(v)?;
        let d = parse_date(&s);
        if d.is_none() {
            errors.push(FieldError::new(field, "err.audit.date"));
        }
        d
    };
    let (from, to) = (day("from", from), day("to", to));
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.push(FieldError::new("to", "err.audit.range"));
    }
    (from, to)
}

/// The filters that hold something, as a query string.
pub fn query(pairs: &[(&str, &Option<String>)]) -> String {
    let pairs: Vec<(&str, String)> = pairs
        .iter()
        .filter_map(|(k, v)| text(v).map(|v| (*k, v)))
        .collect();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}
