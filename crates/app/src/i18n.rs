//! The message catalogue: every visible string is looked up here by key.
//!
//! Chinese (zh-CN) is the source language and complete; English and
//! traditional Mongolian fall back to Chinese for keys they lack, so a page
//! never shows a bare key.
//!
//! The Mongolian entries were drafted without a native reviewer, so each
//! carries a status ([`MnStatus`]): the keys a reviewer has accepted are
//! listed, one a line, in `i18n/mn-Mong.reviewed`; every other Mongolian
//! entry is a draft. A list of reviewed keys (rather than a status field in
//! each TOML entry) keeps the catalogue files plain `key = "text"` and makes a
//! review a one-line diff.

use std::collections::{HashMap, HashSet};

/// A language the interface can speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Lang {
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "mn-Mong")]
    Mn,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Zh, Lang::Mn, Lang::En];
    /// The order the public pages (help, honours) offer them in: Mongolian
    /// first, as Inner Mongolia's rules for bilingual public text ask.
    pub const PUBLIC: [Lang; 3] = [Lang::Mn, Lang::Zh, Lang::En];

    pub const fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::Mn => "mn-Mong",
            Lang::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        if t.starts_with("zh") {
            Some(Lang::Zh)
        } else if t.starts_with("mn") {
            Some(Lang::Mn)
        } else if t.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .filter_map(|part| Lang::from_tag(part.split(';').next().unwrap_or("")))
            .next()
    }
}

/// Where a key's Mongolian text stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MnStatus {
    /// No Mongolian entry: the page shows the Chinese.
    Missing,
    /// Drafted, not yet accepted by a reviewer.
    Draft,
    /// Accepted by a bilingual reviewer (listed in `mn-Mong.reviewed`).
    Reviewed,
}

/// The keys whose Mongolian a reviewer has accepted, one a line (`#`
/// starts a comment).
const MN_REVIEWED: &str = include_str!("../i18n/mn-Mong.reviewed");

pub struct Catalogue {
    maps: HashMap<Lang, HashMap<String, String>>,
    mn_reviewed: HashSet<String>,
    /// Mongolian saved on the translation page since the binary was built
    /// (text, accepted), read before the compiled entries. Each text is
    /// leaked into a `&'static str` so [`Catalogue::get`] keeps lending a
    /// borrowed string: saves are human reviews, bounded by the number of
    /// keys times the reviews in one process's life, a few hundred KB.
    mn_saved: std::sync::RwLock<HashMap<String, (&'static str, bool)>>,
}

/// Flattens a TOML table into dotted keys. A dotted key can be spelt two
/// ways (`[a.b] c = ..` and `[a] "b.c" = ..`), which TOML itself does not
/// see as a clash, so a second definition panics here.
fn flatten(prefix: &str, v: &toml::Value, out: &mut HashMap<String, String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => define(out, prefix, s.clone()),
        other => define(out, prefix, other.to_string()),
    }
}

fn define(out: &mut HashMap<String, String>, key: &str, text: String) {
    if out.insert(key.to_owned(), text).is_some() {
        panic!("key {key} is defined twice in one file");
    }
}

/// The lines of a reviewed-keys list that name a key.
fn reviewed_keys(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
}

/// The `{placeholders}` of a message, sorted, for comparing translations.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = text
        .match_indices('{')
        .filter_map(|(i, _)| text[i..].find('}').map(|j| &text[i..=i + j]))
        .collect();
    out.sort_unstable();
    out
}

/// The catalogue files found under `i18n/` at build time (see `build.rs`).
mod files {
    include!(concat!(env!("OUT_DIR"), "/catalogue_files.rs"));
}

impl Catalogue {
    /// The catalogue compiled into the binary: every file under `i18n/`,
    /// the shared one and each module's, merged per language.
    pub fn bundled() -> Self {
        Self::from_files(files::FILES).with_mn_reviewed(MN_REVIEWED)
    }

    /// Marks the keys listed in `text` (the format of `mn-Mong.reviewed`)
    /// as reviewed Mongolian.
    fn with_mn_reviewed(mut self, text: &str) -> Self {
        self.mn_reviewed = reviewed_keys(text).map(str::to_owned).collect();
        self
    }

    /// Merges `(language tag, file name, TOML text)` sources. A key defined
    /// in two files of one language is a build mistake, so it panics (the
    /// tests load the bundled catalogue and would fail first).
    pub(crate) fn from_files(sources: &[(&str, &str, &str)]) -> Self {
        let mut maps: HashMap<Lang, HashMap<String, String>> =
            Lang::ALL.iter().map(|&l| (l, HashMap::new())).collect();
        let mut origin: HashMap<(Lang, String), &str> = HashMap::new();
        for &(tag, file, src) in sources {
            let lang = Lang::ALL
                .into_iter()
                .find(|l| l.tag() == tag)
                .unwrap_or_else(|| panic!("catalogue file {file}: unknown language {tag}"));
            let value: toml::Value = toml::from_str(src)
                .unwrap_or_else(|e| panic!("message catalogue {file} is invalid: {e}"));
            let mut map = HashMap::new();
            flatten("", &value, &mut map);
            for (key, text) in map {
                if let Some(first) = origin.insert((lang, key.clone()), file) {
                    panic!("key {key} is defined in both {first} and {file}");
                }
                maps.get_mut(&lang)
                    .expect("every language")
                    .insert(key, text);
            }
        }
        Catalogue {
            maps,
            mn_reviewed: HashSet::new(),
            mn_saved: Default::default(),
        }
    }

    /// Puts a reviewer's Mongolian for `key` in force, over the compiled
    /// entry; `false` for a key the catalogue does not have.
    pub fn save_mn(&self, key: &str, text: &str, reviewed: bool) -> bool {
        if !self.maps[&Lang::Zh].contains_key(key) {
            return false;
        }
        let text: &'static str = Box::leak(text.to_owned().into_boxed_str());
        self.mn_saved
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key.to_owned(), (text, reviewed));
        true
    }

    /// The reviewer's saved Mongolian of a key, if any: (text, accepted).
    pub fn saved_mn(&self, key: &str) -> Option<(&'static str, bool)> {
        self.mn_saved
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key)
            .copied()
    }

    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        if lang == Lang::Mn
            && let Some((text, _)) = self.saved_mn(key)
        {
            return text;
        }
        self.maps[&lang]
            .get(key)
            .or_else(|| self.maps[&Lang::Zh].get(key))
            .map(String::as_str)
            .unwrap_or(key)
    }

    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.maps[&lang].contains_key(key)
    }

    pub fn keys(&self, lang: Lang) -> impl Iterator<Item = &str> {
        self.maps[&lang].keys().map(String::as_str)
    }

    /// The review status of a key's Mongolian text.
    pub fn mn_status(&self, key: &str) -> MnStatus {
        if let Some((_, reviewed)) = self.saved_mn(key) {
            return if reviewed {
                MnStatus::Reviewed
            } else {
                MnStatus::Draft
            };
        }
        if !self.has(Lang::Mn, key) {
            MnStatus::Missing
        } else if self.mn_reviewed.contains(key) {
            MnStatus::Reviewed
        } else {
            MnStatus::Draft
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a translation lacks against Chinese: keys without an entry in
    /// `lang`, and keys whose placeholders differ from the Chinese.
    fn gaps(c: &Catalogue, lang: Lang) -> Vec<String> {
        let mut out: Vec<String> = c
            .keys(Lang::Zh)
            .filter_map(|key| {
                let zh = c.get(Lang::Zh, key);
                if !c.has(lang, key) {
                    Some(format!("{key}: no {} entry", lang.tag()))
                } else if placeholders(zh) != placeholders(c.get(lang, key)) {
                    Some(format!(
                        "{key}: placeholders {:?} in zh-CN but {:?} in {}",
                        placeholders(zh),
                        placeholders(c.get(lang, key)),
                        lang.tag()
                    ))
                } else {
                    None
                }
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn every_key_has_mongolian_and_english_with_the_same_placeholders() {
        let c = Catalogue::bundled();
        for lang in [Lang::Mn, Lang::En] {
            let gaps = gaps(&c, lang);
            assert!(gaps.is_empty(), "{} gaps:\n{}", gaps.len(), gaps.join("\n"));
        }
    }

    #[test]
    fn a_missing_entry_or_a_changed_placeholder_is_a_gap() {
        let c = Catalogue::from_files(&[
            (
                "zh-CN",
                "zh-CN.toml",
                "[a]\none = \"共 {n} 张\"\ntwo = \"{unit}的{n}\"\nthree = \"三\"",
            ),
            (
                "mn-Mong",
                "mn-Mong.toml",
                "[a]\none = \"ᠨᠡᠶᠢᠲᠡ {n}\"\ntwo = \"{unit} ᠤᠨ {m}\"",
            ),
        ]);
        let gaps = gaps(&c, Lang::Mn);
        assert_eq!(gaps.len(), 2, "{gaps:?}");
        assert!(gaps[0].starts_with("a.three: no mn-Mong entry"), "{gaps:?}");
        assert!(gaps[1].starts_with("a.two: placeholders"), "{gaps:?}");
    }

    #[test]
    fn placeholders_are_compared_as_a_sorted_list() {
        assert_eq!(placeholders("{unit} ᠤᠨ {n} {n}"), ["{n}", "{n}", "{unit}"]);
        assert!(placeholders("ᠦᠭᠡᠢ").is_empty());
    }

    #[test]
    fn every_chinese_file_has_a_mongolian_file_beside_it() {
        for (tag, file, _) in files::FILES {
            if *tag == "zh-CN" {
                let mn = file.replace("zh-CN.toml", "mn-Mong.toml");
                assert!(
                    files::FILES.iter().any(|(_, f, _)| *f == mn),
                    "{file} has no {mn}"
                );
            }
        }
    }

    #[test]
    fn mongolian_entries_are_in_mongolian_script() {
        let c = Catalogue::bundled();
        let mut latin: Vec<_> = c
            .keys(Lang::Mn)
            .filter(|k| !k.starts_with("lang."))
            .filter(|k| {
                !c.get(Lang::Mn, k)
                    .chars()
                    .any(|ch| ('\u{1800}'..='\u{18AF}').contains(&ch))
            })
            .collect();
        latin.sort_unstable();
        assert!(latin.is_empty(), "not in Mongolian script: {latin:?}");
    }

    #[test]
    fn reviewed_keys_name_mongolian_entries_once() {
        let c = Catalogue::bundled();
        let mut seen = HashSet::new();
        for key in reviewed_keys(MN_REVIEWED) {
            assert!(
                seen.insert(key),
                "{key} is listed twice in mn-Mong.reviewed"
            );
            assert!(
                c.has(Lang::Mn, key),
                "mn-Mong.reviewed lists {key}, which has no Mongolian entry"
            );
        }
    }

    #[test]
    fn mongolian_status_is_missing_draft_or_reviewed() {
        let c = Catalogue::from_files(&[
            (
                "zh-CN",
                "zh-CN.toml",
                "[a]\none = \"一\"\ntwo = \"二\"\nthree = \"三\"",
            ),
            (
                "mn-Mong",
                "mn-Mong.toml",
                "[a]\none = \"ᠨᠢᠭᠡ\"\ntwo = \"ᠬᠣᠶᠠᠷ\"",
            ),
        ])
        .with_mn_reviewed("# reviewed\na.two  # by a reviewer\n\n");
        assert_eq!(c.mn_status("a.one"), MnStatus::Draft);
        assert_eq!(c.mn_status("a.two"), MnStatus::Reviewed);
        assert_eq!(c.mn_status("a.three"), MnStatus::Missing);
        // The bundled catalogue: nothing is reviewed yet, everything drafted.
        let bundled = Catalogue::bundled();
        assert_eq!(bundled.mn_status("app.name"), MnStatus::Draft);
        // Other languages keep falling back to Chinese.
        assert_eq!(c.get(Lang::En, "a.one"), "一");
        assert_eq!(c.get(Lang::Mn, "a.three"), "三");
    }

    #[test]
    #[should_panic(expected = "key a.b.c is defined twice in one file")]
    fn a_key_spelt_twice_in_one_file_is_refused() {
        Catalogue::from_files(&[(
            "zh-CN",
            "zh-CN.toml",
            "[a]\n\"b.c\" = \"一\"\n[a.b]\nc = \"二\"",
        )]);
    }

    #[test]
    fn english_is_complete_and_nothing_is_extra() {
        let c = Catalogue::bundled();
        let missing: Vec<_> = c.keys(Lang::Zh).filter(|k| !c.has(Lang::En, k)).collect();
        assert!(missing.is_empty(), "English lacks {missing:?}");
        for lang in [Lang::En, Lang::Mn] {
            let extra: Vec<_> = c.keys(lang).filter(|k| !c.has(Lang::Zh, k)).collect();
            assert!(
                extra.is_empty(),
                "{} has keys unknown to zh-CN: {extra:?}",
                lang.tag()
            );
        }
    }

    #[test]
    fn fallback_to_chinese() {
        let c = Catalogue::bundled();
        assert_eq!(c.get(Lang::Zh, "app.name"), "巾帼");
        assert_eq!(c.get(Lang::En, "no.such.key"), "no.such.key");
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr"), None);
    }

    #[test]
    fn module_files_merge_into_their_language() {
        let c = Catalogue::from_files(&[
            ("zh-CN", "zh-CN.toml", "[app]\nname = \"巾帼\""),
            ("zh-CN", "families/zh-CN.toml", "[family]\ntitle = \"家庭\""),
            ("en", "families/en.toml", "[family]\ntitle = \"Families\""),
        ]);
        assert_eq!(c.get(Lang::Zh, "family.title"), "家庭");
        assert_eq!(c.get(Lang::En, "family.title"), "Families");
        assert_eq!(c.get(Lang::En, "app.name"), "巾帼");
    }

    #[test]
    #[should_panic(expected = "key app.name is defined in both")]
    fn a_key_in_two_files_is_refused() {
        Catalogue::from_files(&[
            ("zh-CN", "zh-CN.toml", "[app]\nname = \"巾帼\""),
            ("zh-CN", "families/zh-CN.toml", "\"app.name\" = \"又一个\""),
        ]);
    }

    #[test]
    fn the_bundled_catalogue_has_module_files() {
        assert!(
            files::FILES.iter().any(|(_, file, _)| file.contains('/')),
            "no module catalogue found under i18n/"
        );
    }

    #[test]
    fn every_dictionary_and_menu_entry_has_a_label() {
        let c = Catalogue::bundled();
        for kind in crate::routes::dictionaries() {
            let key = format!("dict.{}", kind.slug());
            assert!(c.has(Lang::Zh, &key), "no label {key}");
            assert!(c.has(Lang::En, &key), "no English label {key}");
        }
        for item in crate::routes::MODULES.iter().flat_map(|m| m.menu) {
            assert!(c.has(Lang::Zh, item.label), "no label {}", item.label);
        }
    }
}
