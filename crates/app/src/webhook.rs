//! Task notices to the outside: the deadline reminders, made every few
//! minutes, and an optional JSON webhook per deployment, so a messaging
//! gateway (SMS, WeChat Work …) can relay what the in-app notices say.
//!
//! The payloads hold task titles, dates and unit codes only — never names
//! or phone numbers — and a failed delivery is logged and dropped: the
//! in-app notice is the record, the webhook a courtesy.

use std::collections::BTreeMap;
use std::time::Duration;

use jinguo_store::model::Notice;
use serde_json::{Value, json};

use crate::state::{AppState, now, today};

/// Posts one event to the configured webhook, if any, without waiting.
pub fn send(state: &AppState, event: Value) {
    let Some(url) = state.config.webhook_url.clone() else {
        return;
    };
    tokio::spawn(async move {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build();
        let result = match client {
            Ok(c) => c.post(&url).json(&event).send().await.map(|r| r.status()),
            Err(e) => Err(e),
        };
        match result {
            Ok(s) if s.is_success() => {}
            Ok(s) => tracing::warn!(status = s.as_u16(), "webhook refused a notice"),
            Err(e) => tracing::warn!(error = %e.without_url(), "webhook unreachable"),
        }
    });
}

/// Reminders grouped into one event per task and kind, with the units.
pub fn reminder_events(notices: &[Notice]) -> Vec<Value> {
    let mut groups: BTreeMap<(i64, &str), (&Notice, Vec<&str>)> = BTreeMap::new();
    for n in notices {
        groups
            .entry((n.task_id.get(), n.kind.as_str()))
            .or_insert((n, Vec::new()))
            .1
            .push(n.unit.code.as_str());
    }
    groups
        .into_values()
        .map(|(n, units)| {
            json!({
                "event": n.kind,
                "task": {"id": n.task_id, "title": n.task_title,
                         "deadline": jinguo_domain::activity::format_date(n.deadline)},
                "units": units,
            })
        })
        .collect()
}

/// Adds due reminders now and every ten minutes; relays them.
pub async fn remind_forever(state: AppState, system: std::sync::Arc<jinguo_store::SqlStore>) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        match system.add_reminders(today(&state.config), now()).await {
            Ok(added) if added.is_empty() => {}
            Ok(added) => {
                tracing::info!(notices = added.len(), "deadline reminders added");
                for event in reminder_events(&added) {
                    send(&state, event);
                }
            }
            Err(e) => tracing::warn!(error = %e, "reminder sweep failed"),
        }
        // Terms overdue for election, told to the unit above (issue 15).
        match system.add_term_notices(today(&state.config), now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(notices = n, "overdue-term notices added"),
            Err(e) => tracing::warn!(error = %e, "overdue-term sweep failed"),
        }
    }
}
