//! Names instead of keys and codes: a unit named within the importer's
//! subtree, an activity type or programme named by its label or a close
//! variant of it. A name that fits several is never guessed: the row is
//! reported with the candidates.

use std::collections::{BTreeMap, HashMap};

use jinguo_domain::halfwidth::halfwidth;
use jinguo_store::model::{DictEntry, Unit, UnitWithPath};
use jinguo_store::{Scope, Store, StoreError};

/// What a name found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match<T> {
    One(T),
    /// Several fit: how to tell them apart, for the message.
    Many(Vec<String>),
    /// So many start alike that the store's answer was cut short.
    TooMany,
    None,
}

/// Spaces out, full-width to half-width, lower case.
fn norm(s: &str) -> String {
    halfwidth(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A dictionary (activity types or programmes) as the import reads it.
pub struct Dictionary {
    /// Keys and labels in every language → key.
    exact: HashMap<String, String>,
    /// (normalised label, key, Chinese label) of every active entry.
    labels: Vec<(String, String, String)>,
}

/// A variant shorter than this is not matched inside labels (`送` is in
/// ten of them, and says nothing).
const MIN_VARIANT_CHARS: usize = 2;

impl Dictionary {
    pub fn new(entries: &[DictEntry]) -> Self {
        let mut exact = HashMap::new();
        let mut labels = Vec::new();
        let active: Vec<&DictEntry> = entries.iter().filter(|e| e.active).collect();
        for e in &active {
            exact.insert(norm(&e.key), e.key.clone());
        }
        for e in &active {
            for label in [Some(&e.label_zh), e.label_en.as_ref(), e.label_mn.as_ref()]
                .into_iter()
                .flatten()
            {
                let n = norm(label);
                exact.entry(n.clone()).or_insert_with(|| e.key.clone());
                if n.chars().count() >= MIN_VARIANT_CHARS {
                    labels.push((n, e.key.clone(), e.label_zh.clone()));
                }
            }
        }
        Dictionary { exact, labels }
    }

    /// The key a cell means: a key or a label (any language, any width,
    /// any case); else the one entry whose label contains the text
    /// (`宣讲` → 巾帼大宣讲) or is contained in it (`巾帼大宣讲活动`).
    pub fn resolve(&self, text: &str) -> Match<String> {
        let n = norm(text);
        if let Some(k) = self.exact.get(&n) {
            return Match::One(k.clone());
        }
        if n.chars().count() < MIN_VARIANT_CHARS {
            return Match::None;
        }
        let fits: BTreeMap<&str, &str> = self
            .labels
            .iter()
            .filter(|(label, ..)| label.contains(&n) || n.contains(label.as_str()))
            .map(|(_, key, zh)| (key.as_str(), zh.as_str()))
            .collect();
        match fits.len() {
            0 => Match::None,
            1 => Match::One(
                fits.keys()
                    .next()
                    .map(|k| (*k).to_owned())
                    .unwrap_or_default(),
            ),
            _ => {
                let mut names: Vec<String> = fits.values().map(|z| (*z).to_owned()).collect();
                names.sort();
                names.dedup();
                Match::Many(names)
            }
        }
    }
}

/// Endings a unit's name may carry or drop (伊利勒特嘎查, 伊利勒特村,
/// 伊利勒特), longest first.
const SUFFIXES: [&str; 13] = [
    "社区居委会",
    "居民委员会",
    "村民委员会",
    "嘎查村",
    "居委会",
    "村委会",
    "嘎查",
    "社区",
    "苏木",
    "街道",
    "村",
    "镇",
    "乡",
];

/// A unit's name without its ending; the whole name when that would
/// leave less than two characters.
pub fn stem(name: &str) -> String {
    let n = norm(name);
    SUFFIXES
        .iter()
        .find_map(|s| n.strip_suffix(s))
        .filter(|rest| rest.chars().count() >= 2)
        .map_or(n.clone(), str::to_owned)
}

/// Matches the store answers at most; more means the name is too vague
/// to be sure nothing was left out.
const SEARCH_LIMIT: usize = 100;

/// `宝力根苏木 › 伊利勒特嘎查 152502200200`: the path below the importer's
/// unit, and the code, so she can tell two units of one name apart and
/// copy the code.
fn describe(u: &UnitWithPath, below: usize) -> String {
    let names: Vec<&str> = u.path.iter().skip(below).map(|p| p.name.as_str()).collect();
    let path = if names.is_empty() {
        u.unit.name.clone()
    } else {
        names.join(" › ")
    };
    format!("{path} {}", u.unit.code)
}

/// The active unit of this name in the scope: the exact name first, then
/// the one unit whose name is the same without its ending. Units outside
/// the scope are never looked at, so they read as unknown.
pub async fn find_unit(
    store: &dyn Store,
    scope: Scope,
    name: &str,
) -> Result<Match<Unit>, StoreError> {
    let wanted = norm(name);
    let found = store
        .search_units(&wanted, Some(scope), SEARCH_LIMIT as i64)
        .await?;
    let exact: Vec<&UnitWithPath> = found
        .iter()
        .filter(|u| norm(&u.unit.name) == wanted)
        .collect();
    let below = usize::from(scope.level().get());
    if let Some(m) = decide(&exact, found.len(), below) {
        return Ok(m);
    }
    let base = stem(&wanted);
    let found = store
        .search_units(&base, Some(scope), SEARCH_LIMIT as i64)
        .await?;
    let close: Vec<&UnitWithPath> = found
        .iter()
        .filter(|u| stem(&u.unit.name) == base)
        .collect();
    Ok(decide(&close, found.len(), below).unwrap_or(Match::None))
}

/// One fit decides; several are listed; none decides nothing. When the
/// search was cut short the unseen rest might hold another fit, so even
/// one is not sure.
/// `below`: the importer's level, so paths start under her unit.
fn decide(fits: &[&UnitWithPath], searched: usize, below: usize) -> Option<Match<Unit>> {
    let cut_short = searched >= SEARCH_LIMIT;
    match fits {
        [] if cut_short => Some(Match::TooMany),
        [] => None,
        [one] if !cut_short => Some(Match::One(one.unit.clone())),
        _ => Some(Match::Many(
            fits.iter().map(|u| describe(u, below)).collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, zh: &str, en: &str) -> DictEntry {
        DictEntry {
            key: key.into(),
            label_zh: zh.into(),
            label_mn: None,
            label_en: Some(en.into()),
            active: true,
            sort: 0,
        }
    }

    fn types() -> Dictionary {
        let mut retired = entry("old_lecture", "宣讲会", "Old");
        retired.active = false;
        Dictionary::new(&[
            entry("send_theory", "送理论", "Theory delivered"),
            entry("send_law", "送法律", "Law delivered"),
            entry("lecture", "巾帼大宣讲", "Women's lecture tour"),
            entry("ideology_class", "北疆巾帼思政大讲堂", "Ideology class"),
            entry(
                "family_education",
                "家庭教育指导",
                "Family education guidance",
            ),
            entry(
                "integrity_family",
                "廉洁文化进家庭",
                "Integrity culture in families",
            ),
            entry("training", "培训", "Training"),
            retired,
        ])
    }

    #[test]
    fn exact_keys_and_labels() {
        let t = types();
        assert_eq!(t.resolve("lecture"), Match::One("lecture".into()));
        assert_eq!(t.resolve("巾帼大宣讲"), Match::One("lecture".into()));
        assert_eq!(t.resolve(" 巾帼 大宣讲 "), Match::One("lecture".into()));
        assert_eq!(t.resolve("TRAINING"), Match::One("training".into()));
        assert_eq!(t.resolve("Ｔｒａｉｎｉｎｇ"), Match::One("training".into()));
    }

    #[test]
    fn close_variants() {
        let t = types();
        // The only label holding it, even with a retired entry named so.
        assert_eq!(t.resolve("宣讲"), Match::One("lecture".into()));
        assert_eq!(t.resolve("巾帼大宣讲活动"), Match::One("lecture".into()));
        assert_eq!(t.resolve("思政大讲堂"), Match::One("ideology_class".into()));
        assert_eq!(
            t.resolve("家庭"),
            Match::Many(vec!["家庭教育指导".into(), "廉洁文化进家庭".into()])
        );
        assert_eq!(
            t.resolve("送理论送法律"),
            Match::Many(vec!["送法律".into(), "送理论".into()])
        );
        assert_eq!(
            t.resolve("讲"),
            Match::None,
            "one character says too little"
        );
        assert_eq!(t.resolve("不存在的类型"), Match::None);
        assert_eq!(
            t.resolve("宣讲会"),
            Match::None,
            "retired entries are not matched"
        );
    }

    fn village(id: i64, code: &str, path: &[&str]) -> UnitWithPath {
        use jinguo_domain::{Level, UnitCode, UnitId, UnitKind};
        use jinguo_store::model::UnitRef;
        let unit = Unit {
            id: UnitId::new(id),
            code: UnitCode::parse(code).unwrap(),
            name: path.last().unwrap().to_string(),
            name_mn: None,
            level: Level::new(path.len() as u8).unwrap(),
            kind: UnitKind::Geo,
            parent_id: None,
            active: true,
            ancestors: [None; 5],
            children_count: 0,
        };
        let path = path
            .iter()
            .enumerate()
            .map(|(i, n)| UnitRef {
                id: UnitId::new(i as i64),
                code: unit.code.clone(),
                name: (*n).to_owned(),
                level: Level::new(i as u8 + 1).unwrap(),
            })
            .collect();
        UnitWithPath { unit, path }
    }

    /// Units by code, to compare.
    fn codes(m: Option<Match<Unit>>) -> Option<Match<String>> {
        m.map(|m| match m {
            Match::One(u) => Match::One(u.code.to_string()),
            Match::Many(c) => Match::Many(c),
            Match::TooMany => Match::TooMany,
            Match::None => Match::None,
        })
    }

    #[test]
    fn deciding_between_units() {
        let a = village(
            1,
            "152502200203",
            &["区", "盟", "锡林浩特市", "宝力根苏木", "巴彦淖尔嘎查"],
        );
        let b = village(
            2,
            "152522102209",
            &["区", "盟", "阿巴嘎旗", "查干淖尔镇", "巴彦淖尔嘎查"],
        );
        assert_eq!(codes(decide(&[], 3, 2)), None);
        assert_eq!(
            codes(decide(&[&a], 3, 2)),
            Some(Match::One("152502200203".into()))
        );
        // Paths start below the importer's unit (a league: level 2).
        assert_eq!(
            codes(decide(&[&a, &b], 3, 2)),
            Some(Match::Many(vec![
                "锡林浩特市 › 宝力根苏木 › 巴彦淖尔嘎查 152502200203".into(),
                "阿巴嘎旗 › 查干淖尔镇 › 巴彦淖尔嘎查 152522102209".into(),
            ]))
        );
        // The store's answer was cut short: one fit is not sure, none is vague.
        assert!(matches!(
            decide(&[&a], SEARCH_LIMIT, 2),
            Some(Match::Many(_))
        ));
        assert_eq!(codes(decide(&[], SEARCH_LIMIT, 2)), Some(Match::TooMany));
        // Her own unit: its name.
        assert_eq!(describe(&a, 5), "巴彦淖尔嘎查 152502200203");
    }

    #[test]
    fn programmes_too() {
        let p = Dictionary::new(&[
            entry("soul_casting", "北疆巾帼铸魂工程", "Soul-Casting Project"),
            entry("happy_family", "家家幸福安康工程", "Happy Families Project"),
        ]);
        assert_eq!(p.resolve("铸魂工程"), Match::One("soul_casting".into()));
        assert_eq!(p.resolve("幸福安康"), Match::One("happy_family".into()));
        assert_eq!(
            p.resolve("工程"),
            Match::Many(vec!["北疆巾帼铸魂工程".into(), "家家幸福安康工程".into()])
        );
    }

    #[test]
    fn unit_stems() {
        assert_eq!(stem("伊利勒特嘎查"), "伊利勒特");
        assert_eq!(stem("伊利勒特村"), "伊利勒特");
        assert_eq!(stem("伊利勒特嘎查村"), "伊利勒特");
        assert_eq!(stem("宝力根苏木"), "宝力根");
        assert_eq!(stem("锡林敖包社区居委会"), "锡林敖包");
        assert_eq!(stem("新村"), "新村", "too short to lose its ending");
    }
}
