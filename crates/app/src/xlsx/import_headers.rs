//! Column headers as people write them: the template's names and keys,
//! and the common wording of ledgers kept by hand (活动时间, 参加人数,
//! 其中女性, 村名 …), with spaces, line breaks, asterisks and bracketed
//! notes (`参加人数（人）`, `*活动类型`) ignored, and the Mongolian line of
//! a bilingual header (our own exports, [`super::bilingual`]) dropped.

use std::collections::HashMap;
use std::sync::OnceLock;

use jinguo_domain::halfwidth::halfwidth;

use super::bilingual::without_mongolian;
use super::import::COLUMNS;
use super::import_cells::Value;
use crate::i18n::Lang;

/// How sure a header is: the template's own names (and the keys) beat
/// common wording, so a re-imported export, which has both 单位代码 and
/// 单位名称, reads its codes.
pub type Rank = u8;

/// Common wording, by column key. The first group of each key ranks 1,
/// the second 2 (a weaker guess, used only when nothing better is there).
const COMMON: [(&str, Rank, &[&str]); 12] = [
    (
        "unit_code",
        1,
        &[
            "单位",
            "单位名称",
            "所属单位",
            "填报单位",
            "开展单位",
            "举办单位",
            "主办单位",
            "组织名称",
            "嘎查村",
            "嘎查村名称",
            "嘎查村社区",
            "嘎查",
            "村",
            "村名",
            "村名称",
            "村社区",
            "社区",
            "村居",
            "所在村",
        ],
    ),
    (
        "date",
        1,
        &[
            "活动时间",
            "活动日期",
            "开展时间",
            "开展日期",
            "举办时间",
            "举办日期",
            "时间",
        ],
    ),
    (
        "type",
        1,
        &["类型", "类别", "活动类别", "活动种类", "种类", "活动形式"],
    ),
    (
        "program",
        1,
        &[
            "所属项目",
            "项目类别",
            "工程",
            "所属工程",
            "品牌项目",
            "项目工程",
        ],
    ),
    (
        "title",
        1,
        &["名称", "标题", "活动标题", "活动主题", "主题"],
    ),
    (
        "place",
        1,
        &["活动地点", "开展地点", "举办地点", "地址", "场所"],
    ),
    (
        "participants",
        1,
        &[
            "参加人数",
            "人数",
            "参与人次",
            "参加人次",
            "参会人数",
            "总人数",
            "参加人员数",
            "参与人员数",
            "受益人数",
            "人次",
        ],
    ),
    (
        "women",
        1,
        &[
            "其中女性",
            "女性人数",
            "妇女人数",
            "其中妇女人数",
            "其中女性人数",
            "妇女参与人数",
            "参与妇女人数",
            "参加妇女人数",
            "女性参与人数",
            "其中女",
        ],
    ),
    ("women", 2, &["女性", "妇女", "女"]),
    (
        "summary",
        1,
        &[
            "活动内容",
            "内容",
            "活动简介",
            "简介",
            "主要内容",
            "内容简介",
            "活动情况",
            "简要内容",
            "情况说明",
        ],
    ),
    ("summary", 2, &["备注"]),
    ("title_mn", 1, &["蒙文名称", "蒙古文标题", "蒙文标题"]),
];

/// Header texts → (column key, rank).
fn header_names() -> &'static HashMap<String, (&'static str, Rank)> {
    static NAMES: OnceLock<HashMap<String, (&'static str, Rank)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let cat = crate::i18n_global();
        let mut m = HashMap::new();
        for key in COLUMNS {
            m.insert(norm_header(key), (key, 0));
            for lang in [Lang::Zh, Lang::En] {
                m.entry(norm_header(cat.get(lang, &format!("imp.col.{key}"))))
                    .or_insert((key, 0));
            }
        }
        let form = [
            ("act.unit_code", "unit_code"),
            ("act.date", "date"),
            ("act.type", "type"),
            ("act.program", "program"),
            ("act.title", "title"),
            ("act.place", "place"),
            ("act.participants", "participants"),
            ("act.women", "women"),
            ("act.women_of", "women"),
            ("act.summary", "summary"),
            ("act.title_mn", "title_mn"),
        ];
        for (label, key) in form {
            for lang in [Lang::Zh, Lang::En] {
                m.entry(norm_header(cat.get(lang, label)))
                    .or_insert((key, 0));
            }
        }
        for (key, rank, names) in COMMON {
            for name in names {
                m.entry(norm_header(name)).or_insert((key, rank));
            }
        }
        m
    })
}

/// `  活动类型*（必填）` → `活动类型`; `参加\n人数(人)` → `参加人数`;
/// `Unit Code` → `unitcode`; `其中：女性` → `其中女性`; `ᠡᠳᠦᠷ\n日期` →
/// `日期`. A header in Mongolian only normalises to nothing and is matched
/// by no column: the Chinese is what names it.
pub fn norm_header(s: &str) -> String {
    let mut s = halfwidth(&without_mongolian(s)).to_lowercase();
    for (open, close) in [('(', ')'), ('[', ']'), ('【', '】'), ('〔', '〕')] {
        while let Some(i) = s.find(open) {
            let Some(j) = s[i..].find(close) else { break };
            s.replace_range(i..i + j + close.len_utf8(), "");
        }
    }
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '※' | ':' | '★' | '、'))
        .collect()
}

/// The known columns among a row's text cells: (column, key, rank).
pub fn recognise(cells: &[(u16, Value)]) -> Vec<(u16, &'static str, Rank)> {
    let names = header_names();
    cells
        .iter()
        .filter_map(|(c, v)| match v {
            Value::Text(s) => names.get(&norm_header(s)).map(|(k, r)| (*c, *k, *r)),
            _ => None,
        })
        .collect()
}

/// Where each column is: for each key the best-ranked header, leftmost
/// among equals. `taken` columns keep what an earlier header row gave.
pub fn place(found: &[(u16, &'static str, Rank)], columns: &mut [Option<(u16, Rank)>; 10]) {
    for (c, key, rank) in found {
        let Some(i) = COLUMNS.iter().position(|k| k == key) else {
            continue;
        };
        if columns.iter().flatten().any(|(col, _)| col == c) {
            continue;
        }
        match columns[i] {
            Some((_, r)) if r <= *rank => {}
            _ => columns[i] = Some((*c, *rank)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Option<&'static str> {
        header_names().get(&norm_header(s)).map(|(k, _)| *k)
    }

    #[test]
    fn normalising() {
        assert_eq!(norm_header("活动类型*（必填）"), "活动类型");
        assert_eq!(norm_header("*活动类型"), "活动类型");
        assert_eq!(norm_header("参加\n人数（人）"), "参加人数");
        assert_eq!(norm_header("其中：女性"), "其中女性");
        assert_eq!(norm_header("嘎查（村）"), "嘎查");
        assert_eq!(norm_header("【必填】日期"), "日期");
        assert_eq!(norm_header("Unit Code"), "unitcode");
        assert_eq!(norm_header("ᠡᠳᠦᠷ\n日期"), "日期");
        assert_eq!(norm_header("ᠣᠷᠣᠯᠤᠭᠰᠠᠨ ᠬᠦᠮᠦᠨ ᠦ ᠲᠣᠣ"), "");
    }

    #[test]
    fn bilingual_headers_are_known_by_their_chinese_and_mongolian_alone_is_not() {
        let cat = crate::i18n_global();
        for col in COLUMNS {
            let h = crate::xlsx::bilingual::Heading::of(cat, &format!("imp.col.{col}"));
            assert!(h.mn.is_some(), "{col}");
            assert_eq!(key(&h.text()), Some(col), "{}", h.text());
            assert_eq!(key(h.mn.as_deref().unwrap()), None, "{col}");
        }
        assert_eq!(key(""), None);
    }

    #[test]
    fn template_and_common_wording() {
        assert_eq!(key("unit_code"), Some("unit_code"));
        assert_eq!(key("单位代码"), Some("unit_code"));
        assert_eq!(key("Participants"), Some("participants"));
        for (h, k) in [
            ("活动时间", "date"),
            ("开展时间", "date"),
            ("日期", "date"),
            ("参加人数", "participants"),
            ("参与人数（人）", "participants"),
            ("人数", "participants"),
            ("其中女性", "women"),
            ("其中：妇女", "women"),
            ("女性人数", "women"),
            ("妇女人数", "women"),
            ("活动名称", "title"),
            ("标题", "title"),
            ("单位", "unit_code"),
            ("村名", "unit_code"),
            ("嘎查村", "unit_code"),
            ("嘎查（村）", "unit_code"),
            ("活动类型", "type"),
            ("类别", "type"),
            ("*活动\n类型", "type"),
            ("活动内容", "summary"),
        ] {
            assert_eq!(key(h), Some(k), "{h}");
        }
        assert_eq!(key("序号"), None);
        assert_eq!(key("2026年活动台账"), None);
    }

    #[test]
    fn codes_beat_names_and_the_leftmost_wins() {
        let row: Vec<(u16, Value)> = ["日期", "单位代码", "单位名称", "嘎查村", "备注", "活动内容"]
            .iter()
            .enumerate()
            .map(|(c, s)| (c as u16, Value::Text((*s).into())))
            .collect();
        let mut columns = [None; 10];
        place(&recognise(&row), &mut columns);
        assert_eq!(columns[0], Some((1, 0)), "单位代码, not 单位名称");
        assert_eq!(columns[8], Some((5, 1)), "活动内容 beats 备注");
        // A second header row fills only what is missing.
        let second = vec![
            (6u16, Value::Text("其中女性".into())),
            (1, Value::Text("单位".into())),
        ];
        place(&recognise(&second), &mut columns);
        assert_eq!(columns[7], Some((6, 1)));
        assert_eq!(columns[0], Some((1, 0)));
    }
}
