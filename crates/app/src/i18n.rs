//! The message catalogue: every visible string is looked up here by key.
//!
//! Chinese (zh-CN) is the source language and complete; English and
//! traditional Mongolian fall back to Chinese for keys they lack, so a page
//! never shows a bare key.

use std::collections::HashMap;

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

pub struct Catalogue {
    maps: HashMap<Lang, HashMap<String, String>>,
}

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
        toml::Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

/// The catalogue files found under `i18n/` at build time (see `build.rs`).
mod files {
    include!(concat!(env!("OUT_DIR"), "/catalogue_files.rs"));
}

impl Catalogue {
    /// The catalogue compiled into the binary: every file under `i18n/`,
    /// the shared one and each module's, merged per language.
    pub fn bundled() -> Self {
        Self::from_files(files::FILES)
    }

    /// Merges `(language tag, file name, TOML text)` sources. A key defined
    /// in two files of one language is a build mistake, so it panics (the
    /// tests load the bundled catalogue and would fail first).
    fn from_files(sources: &[(&str, &str, &str)]) -> Self {
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
        Catalogue { maps }
    }

    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
