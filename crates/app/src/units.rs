//! Unit actions shared by the API and the web pages.

use jinguo_domain::{FieldError, Level, UnitKind};
use jinguo_store::model::{NewSector, Unit};

use crate::auth::Actor;
use crate::error::AppResult;
use crate::state::AppState;

/// A unit name: 2–60 characters after trimming.
pub fn sector_name(s: &str, field: &'static str) -> AppResult<String> {
    let s = s.trim();
    let n = s.chars().count();
    if (2..=60).contains(&n) && !s.chars().any(char::is_control) {
        Ok(s.to_owned())
    } else {
        Err(FieldError::new(field, "err.unit.name").into())
    }
}

/// Creates a sector organisation under `parent`, which the caller has
/// already found in the actor's scope.
pub async fn create_sector(
    state: &AppState,
    actor: &Actor,
    ip: Option<String>,
    parent: &Unit,
    name: &str,
    name_mn: Option<&str>,
) -> AppResult<Unit> {
    if parent.kind != UnitKind::Geo || parent.level == Level::VILLAGE {
        return Err(FieldError::new("parent", "err.sector.parent").into());
    }
    let name = sector_name(name, "name")?;
    let name_mn = match name_mn.map(str::trim).filter(|s| !s.is_empty()) {
        // Shown on Mongolian pages and found by Mongolian search: only
        // Mongolian script is a Mongolian name.
        Some(n) if !jinguo_domain::text::in_mongolian_script(n) => {
            return Err(FieldError::new("name_mn", "err.text.mongolian").into());
        }
        Some(n) => Some(sector_name(n, "name_mn")?),
        None => None,
    };
    let unit = state
        .store
        .create_sector(
            actor.scope(),
            NewSector {
                parent: parent.id,
                name,
                name_mn,
            },
        )
        .await?;
    // The parent's number of children changed.
    state.units.invalidate();
    if let Some(mn) = &unit.name_mn {
        state.unit_names.set(unit.code.as_str(), mn);
    }
    actor
        .audit(
            state,
            ip,
            "unit.sector_created",
            unit.id,
            format!("unit={}", unit.code),
        )
        .await?;
    Ok(unit)
}

/// How many units a form's unit picker lists at most; deeper units are
/// found with its search box.
pub const PICKER_MAX: usize = 400;

/// One choice of a unit picker: the code it posts and the path it shows,
/// in Chinese and, on a Mongolian page, with the Mongolian names the path's
/// units have (`label_mn`, absent when none has one).
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnitChoice {
    pub code: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_mn: Option<String>,
}

impl UnitChoice {
    /// A choice for `unit` whose path (from the picker's first unit) is
    /// `above` in Chinese and `above_mn` with Mongolian names.
    fn new(state: &AppState, unit: &Unit, above: Option<(&str, &str)>) -> Self {
        let mn = mongolian_name(state, unit);
        let (label, label_mn) = match above {
            Some((zh, mn_above)) => (
                format!("{zh} › {}", unit.name),
                format!("{mn_above} › {mn}"),
            ),
            None => (unit.name.clone(), mn.into_owned()),
        };
        UnitChoice {
            code: unit.code.to_string(),
            label_mn: (label_mn != label).then_some(label_mn),
            label,
        }
    }

    /// The path in Mongolian where it has names, for the next level down.
    fn label_mn(&self) -> &str {
        self.label_mn.as_deref().unwrap_or(&self.label)
    }
}

/// A unit's Mongolian name, or its Chinese one when it has none.
fn mongolian_name<'a>(state: &AppState, unit: &'a Unit) -> std::borrow::Cow<'a, str> {
    match &unit.name_mn {
        Some(n) => std::borrow::Cow::Borrowed(n.as_str()),
        None => state
            .unit_names
            .name_in(crate::i18n::Lang::Mn, unit.code.as_str(), &unit.name),
    }
}

/// What `macros/units.html`'s `unit_picker` lists: the actor's own unit and
/// the units below it, whole levels at a time while they fit in
/// [`PICKER_MAX`], each shown with its path from her unit; the chosen unit
/// is listed even when it lies deeper. `more` says that deeper units exist,
/// so the page offers the search box for them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnitChoices {
    pub options: Vec<UnitChoice>,
    pub more: bool,
}

/// The picker's choices for a form whose unit field holds `selected`
/// (a code, possibly empty or malformed).
pub async fn picker(state: &AppState, actor: &Actor, selected: &str) -> AppResult<UnitChoices> {
    picker_under(state, actor, &actor.unit, selected).await
}

/// The choices from `own` (a unit of the actor's scope, listed first) down;
/// `selected` holds the chosen codes, separated by spaces or commas, and
/// those of the actor's scope are listed even when they lie deeper.
pub async fn picker_under(
    state: &AppState,
    actor: &Actor,
    own: &Unit,
    selected: &str,
) -> AppResult<UnitChoices> {
    // (sort key, choice): the key is the path of child positions, so the
    // list reads as a tree, each unit under its parent.
    let first = UnitChoice::new(state, own, None);
    let mut listed: Vec<(Vec<usize>, UnitChoice)> = vec![(Vec::new(), first.clone())];
    let mut frontier = vec![(Vec::new(), own.clone(), first)];
    let mut more = false;
    while !frontier.is_empty() {
        let below: usize = frontier
            .iter()
            .map(|(_, u, _)| usize::try_from(u.children_count).unwrap_or(0))
            .sum();
        if below == 0 {
            break;
        }
        if listed.len() + below > PICKER_MAX {
            more = true;
            break;
        }
        let mut next = Vec::new();
        for (key, unit, above) in &frontier {
            for (i, child) in state.store.children(unit.id).await?.into_iter().enumerate() {
                if !child.active {
                    continue;
                }
                let mut k = key.clone();
                k.push(i);
                let choice = UnitChoice::new(state, &child, Some((&above.label, above.label_mn())));
                listed.push((k.clone(), choice.clone()));
                next.push((k, child, choice));
            }
        }
        frontier = next;
    }
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut options: Vec<UnitChoice> = listed.into_iter().map(|(_, c)| c).collect();
    for selected in selected.split(|c: char| !c.is_ascii_digit()) {
        if selected.is_empty() || options.iter().any(|c| c.code == selected) {
            continue;
        }
        let Ok(code) = jinguo_domain::UnitCode::parse(selected) else {
            continue;
        };
        let Ok(unit) = state.unit_in_scope(actor.scope(), &code).await else {
            continue;
        };
        let path = state.store.path(&unit).await?;
        let from = path.iter().position(|p| p.id == own.id).unwrap_or(0);
        let path_in = |lang| {
            path[from..]
                .iter()
                .map(|p| state.unit_names.name_in(lang, p.code.as_str(), &p.name))
                .collect::<Vec<_>>()
                .join(" › ")
        };
        let (label, label_mn) = (
            path_in(crate::i18n::Lang::Zh),
            path_in(crate::i18n::Lang::Mn),
        );
        options.push(UnitChoice {
            code: code.to_string(),
            label_mn: (label_mn != label).then_some(label_mn),
            label,
        });
    }
    Ok(UnitChoices { options, more })
}

/// Where a case of `unit` may be transferred, for the transfer form's
/// list: the region, the case's league, the league's banners and the
/// townships of the case's own banner, each with its path. The store
/// checks the choice again (the league chain rule).
pub async fn transfer_choices(state: &AppState, unit: &Unit) -> AppResult<Vec<UnitChoice>> {
    let at = |level: Level| unit.ancestors[usize::from(level.get() - 1)];
    let mut out = Vec::new();
    let root = state.store.root_unit().await?;
    out.push(UnitChoice::new(state, &root, None));
    let Some(league_id) = at(Level::LEAGUE) else {
        return Ok(out);
    };
    let league = state.units.by_id(state.store.as_ref(), league_id).await?;
    let league_choice = UnitChoice::new(state, &league, None);
    out.push(league_choice.clone());
    let own_banner = at(Level::BANNER);
    for banner in state.store.children(league.id).await? {
        if !banner.active {
            continue;
        }
        let banner_choice = UnitChoice::new(
            state,
            &banner,
            Some((&league_choice.label, league_choice.label_mn())),
        );
        out.push(banner_choice.clone());
        if Some(banner.id) != own_banner {
            continue;
        }
        for township in state.store.children(banner.id).await? {
            if township.active {
                out.push(UnitChoice::new(
                    state,
                    &township,
                    Some((&banner_choice.label, banner_choice.label_mn())),
                ));
            }
        }
    }
    Ok(out)
}
