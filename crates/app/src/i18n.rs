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

impl Catalogue {
    /// The catalogue compiled into the binary.
    pub fn bundled() -> Self {
        let sources = [
            (Lang::Zh, include_str!("../i18n/zh-CN.toml")),
            (Lang::Mn, include_str!("../i18n/mn-Mong.toml")),
            (Lang::En, include_str!("../i18n/en.toml")),
        ];
        let maps = sources
            .into_iter()
            .map(|(lang, src)| {
                let value: toml::Value = toml::from_str(src)
                    .unwrap_or_else(|e| panic!("message catalogue {} is invalid: {e}", lang.tag()));
                let mut map = HashMap::new();
                flatten("", &value, &mut map);
                (lang, map)
            })
            .collect();
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
}
