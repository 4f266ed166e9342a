//! Units' Mongolian names, for the pages read in Mongolian: breadcrumbs,
//! pickers, headings and the header's own unit. Pages name units through
//! many record shapes (a unit, a path step, a list row), most of which
//! carry only the code and the Chinese name; rather than widen every one,
//! the few hundred names are kept here by code and looked up as a page is
//! rendered (the template filter `uname`, [`UnitNamesMn::name_in`]).
//!
//! Loaded when the server starts and again every five minutes, so names
//! changed by `jinguo org import` in another process show within that
//! time; a sector created here is added at once.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use jinguo_store::{Store, StoreError};

use crate::i18n::Lang;

#[derive(Default)]
pub struct UnitNamesMn {
    names: RwLock<Arc<HashMap<String, String>>>,
}

impl UnitNamesMn {
    /// Reads every Mongolian name from the store, replacing what was kept.
    pub async fn load(&self, store: &dyn Store) -> Result<(), StoreError> {
        let names: HashMap<String, String> = store
            .unit_names_mn()
            .await?
            .into_iter()
            .map(|(code, name)| (code.to_string(), name))
            .collect();
        *self.names.write().expect("not poisoned") = Arc::new(names);
        Ok(())
    }

    /// Keeps one name (a unit created by this server).
    pub fn set(&self, code: &str, name: &str) {
        let mut names = self.names.write().expect("not poisoned");
        Arc::make_mut(&mut names).insert(code.to_owned(), name.to_owned());
    }

    /// The Mongolian name of the unit `code`, if it has one.
    pub fn get(&self, code: &str) -> Option<String> {
        self.names.read().expect("not poisoned").get(code).cloned()
    }

    /// How a page in `lang` names the unit: its Mongolian name on a
    /// Mongolian page when it has one, else `name` (the Chinese). A
    /// Mongolian page shows a Chinese name rather than none: most townships
    /// and villages have no published Mongolian name.
    pub fn name_in<'a>(&self, lang: Lang, code: &str, name: &'a str) -> Cow<'a, str> {
        match lang {
            Lang::Mn => self.get(code).map_or(Cow::Borrowed(name), Cow::Owned),
            _ => Cow::Borrowed(name),
        }
    }
}

/// Reloads the names every five minutes (the first load is done by
/// [`crate::serve_on`] before the server answers).
pub async fn reload_forever(state: crate::state::AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
    tick.tick().await;
    loop {
        tick.tick().await;
        if let Err(e) = state.unit_names.load(state.store.as_ref()).await {
            tracing::warn!(error = %e, "reloading units' Mongolian names failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mongolian_page_names_a_unit_in_mongolian_where_it_can() {
        let names = UnitNamesMn::default();
        names.set("152500000000", "ᠰᠢᠯᠢ ᠶᠢᠨ ᠭᠣᠣᠯ ᠠᠶᠢᠮᠠᠭ");
        assert_eq!(
            names.name_in(Lang::Mn, "152500000000", "锡林郭勒盟"),
            "ᠰᠢᠯᠢ ᠶᠢᠨ ᠭᠣᠣᠯ ᠠᠶᠢᠮᠠᠭ"
        );
        assert_eq!(
            names.name_in(Lang::Zh, "152500000000", "锡林郭勒盟"),
            "锡林郭勒盟"
        );
        assert_eq!(
            names.name_in(Lang::En, "152500000000", "锡林郭勒盟"),
            "锡林郭勒盟"
        );
        assert_eq!(
            names.name_in(Lang::Mn, "152502000000", "锡林浩特市"),
            "锡林浩特市"
        );
    }
}
