//! A task from the region down to villages and its reports back up, through
//! the store, on SQLite and on PostgreSQL.

use jinguo_domain::task::FieldDef;
use jinguo_domain::{Level, ReportStatus, Roles, UnitCode, Username};
use jinguo_store::csv_import::read_division_csv;
use jinguo_store::model::{NewTask, NewUser, Page, ReportAnswer, TaskBox, TaskTargets};
use jinguo_store::testing::{PostgresTarget, fresh_postgres, fresh_sqlite_url};
use jinguo_store::{BUNDLED_DIVISIONS_CSV, SqlStore, StoreError, TaskStore, UnitStore, UserStore};
use time::macros::date;

fn code(s: &str) -> UnitCode {
    UnitCode::parse(s).unwrap()
}

fn count_field() -> FieldDef {
    serde_json::from_value(serde_json::json!({
        "key": "homes", "label": "入户走访户数", "type": "integer", "required": true
    }))
    .unwrap()
}

fn answer(n: i64, by: jinguo_domain::UserId) -> ReportAnswer {
    ReportAnswer {
        values_json: format!("{{\"homes\":{n}}}"),
        reasons_json: "{}".into(),
        numbers: vec![("homes".into(), n as f64)],
        note: None,
        by,
    }
}

/// A target unit's report, opened as the system would open it.
async fn report_of(
    store: &SqlStore,
    task: jinguo_domain::TaskId,
    unit: &jinguo_store::model::Unit,
) -> jinguo_store::InScope<jinguo_store::model::Report> {
    let all = store.root_scope().await.unwrap();
    let task = store.task_in_scope(all, task).await.unwrap();
    store.report(&task, unit).await.unwrap()
}

async fn story(store: SqlStore) {
    let records = read_division_csv(BUNDLED_DIVISIONS_CSV.as_bytes()).unwrap();
    store.import_divisions(&records).await.unwrap();
    let region = store.root_unit().await.unwrap();
    let township = store.unit_by_code(&code("152502200000")).await.unwrap();
    let village = store.unit_by_code(&code("152502200200")).await.unwrap();
    let banner = store.unit_by_code(&code("152502000000")).await.unwrap();
    let other_league = store.unit_by_code(&code("150200000000")).await.unwrap();
    let by = store
        .create_user(
            store.root_scope().await.unwrap(),
            NewUser {
                username: Username::parse("issuer").unwrap(),
                password_hash: "x".into(),
                unit: region.id,
                roles: Roles::new(vec![jinguo_domain::Role::Admin]).unwrap(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    let all = store.system_scope(&region);
    let new = |targets| NewTask {
        issuer: region.id,
        title: "入户走访统计".into(),
        description: String::new(),
        deadline: date!(2026 - 12 - 20),
        targets,
        fields: vec![count_field()],
        by,
    };

    // To every village of the region: one report and one notice each.
    let id = store
        .create_task(all, new(TaskTargets::Level(Level::VILLAGE)), 100)
        .await
        .unwrap();
    let task = store.task_in_scope(all, id).await.unwrap();
    assert_eq!(task.targets, 14_592);
    let village_scope = store.system_scope(&village);
    assert!(store.task_in_scope(village_scope, id).await.is_ok());
    let elsewhere = store.system_scope(&other_league);
    assert!(store.task_in_scope(elsewhere, id).await.is_ok());
    assert_eq!(store.unread_notices(village.id, by).await.unwrap(), 1);

    // A task to one village only is invisible to another league.
    let single = store
        .create_task(all, new(TaskTargets::Units(vec![village.id])), 100)
        .await
        .unwrap();
    assert!(matches!(
        store.task_in_scope(elsewhere, single).await,
        Err(StoreError::NotFound)
    ));
    let inbox = store
        .tasks_for(village_scope, &village, TaskBox::Inbox, Page::default())
        .await
        .unwrap();
    assert_eq!(inbox.len(), 2);
    let passing = store
        .tasks_for(all, &township, TaskBox::Subtree, Page::default())
        .await
        .unwrap();
    assert_eq!(passing.len(), 2);
    // No target: refused, nothing created.
    let none = store
        .create_task(all, new(TaskTargets::Units(vec![region.id])), 100)
        .await;
    assert!(matches!(none, Err(StoreError::Refused { .. })));

    // The village answers and submits; the township approves.
    let report = report_of(&store, id, &village).await;
    assert_eq!(report.status, ReportStatus::NotStarted);
    store
        .save_report(&report, answer(12, by), 200)
        .await
        .unwrap();
    let report = report_of(&store, id, &village).await;
    assert_eq!(report.status, ReportStatus::InProgress);
    // Not yet submitted: approval is refused.
    assert!(matches!(
        store.review_report(&report, true, None, by, 250).await,
        Err(StoreError::Refused {
            key: "err.task.not_submitted",
            ..
        })
    ));
    store
        .submit_report(&report, by, "2026-12-01", 300)
        .await
        .unwrap();
    // Locked until reviewed.
    assert!(
        store
            .save_report(&report, answer(13, by), 310)
            .await
            .is_err()
    );
    store
        .review_report(&report, false, Some("数字有误"), by, 320)
        .await
        .unwrap();
    let report = report_of(&store, id, &village).await;
    assert_eq!(report.status, ReportStatus::Returned);
    assert_eq!(report.return_reason.as_deref(), Some("数字有误"));
    store
        .save_report(&report, answer(15, by), 330)
        .await
        .unwrap();
    store
        .submit_report(&report, by, "2026-12-25", 340)
        .await
        .unwrap();
    // The first submission date counts for "on time".
    assert_eq!(
        report_of(&store, id, &village)
            .await
            .first_submitted_on
            .as_deref(),
        Some("2026-12-01")
    );
    store
        .review_report(&report, true, None, by, 350)
        .await
        .unwrap();
    assert!(
        store
            .save_report(&report, answer(1, by), 360)
            .await
            .is_err()
    );

    // Progress at the township: its villages, one approved, on time.
    let p = store.progress(&task, &township).await.unwrap();
    let villages: i64 = p.counts.values().sum();
    assert!(villages > 1);
    assert_eq!(p.counts[&ReportStatus::Approved], 1);
    assert_eq!(p.on_time, 1);
    assert_eq!(p.own, None);
    assert_eq!(p.children.len() as i64, villages);
    let (key, t) = &p.totals[0];
    assert_eq!((key.as_str(), t.sum, t.count), ("homes", 15.0, 1));
    // At the region: one row per league, the same total.
    let p = store.progress(&task, &region).await.unwrap();
    assert_eq!(p.children.len(), 12);
    assert_eq!(p.counts.values().sum::<i64>(), 14_592);
    assert_eq!(p.totals[0].1.sum, 15.0);
    // At the village itself: its own report.
    let p = store.progress(&task, &village).await.unwrap();
    assert_eq!(p.own, Some(ReportStatus::Approved));
    assert_eq!(
        store.task_tally_mismatches().await.unwrap(),
        Vec::<String>::new()
    );

    // Forwarding: a task to banners; the banner passes it to its townships
    // with one more field, and is approved only after all of them are.
    let to_banners = store
        .create_task(all, new(TaskTargets::Level(Level::new(3).unwrap())), 400)
        .await
        .unwrap();
    let task = store.task_in_scope(all, to_banners).await.unwrap();
    let banner_report = report_of(&store, to_banners, &banner).await;
    let extra: FieldDef = serde_json::from_value(serde_json::json!({
        "key": "note_count", "label": "备注", "type": "integer", "required": false
    }))
    .unwrap();
    let made = store
        .forward_task(
            &task,
            &banner_report,
            TaskTargets::Level(Level::new(4).unwrap()),
            &[extra],
            by,
            410,
        )
        .await
        .unwrap();
    assert!(made > 1);
    let task = store.task_in_scope(all, to_banners).await.unwrap();
    assert_eq!(task.forwards.len(), 1);
    assert_eq!(
        task.fields_for(&township.ancestors, township.id).len(),
        2,
        "townships under the banner get the added field"
    );
    assert_eq!(task.fields_for(&banner.ancestors, banner.id).len(), 1);
    let t_report = report_of(&store, to_banners, &township).await;
    assert_eq!(t_report.via, Some(banner.id));
    store
        .save_report(&t_report, answer(7, by), 420)
        .await
        .unwrap();
    store
        .submit_report(&t_report, by, "2026-12-02", 430)
        .await
        .unwrap();
    assert_eq!(
        store.forwarded_sums(&banner_report).await.unwrap(),
        vec![("homes".to_owned(), 7.0)]
    );
    store
        .save_report(&banner_report, answer(7, by), 440)
        .await
        .unwrap();
    store
        .submit_report(&banner_report, by, "2026-12-02", 450)
        .await
        .unwrap();
    // Bottom-up: the banner waits for its townships.
    assert!(matches!(
        store
            .review_report(&banner_report, true, None, by, 460)
            .await,
        Err(StoreError::Refused {
            key: "err.task.descendants_pending",
            ..
        })
    ));

    // Export rows carry the ancestors' names.
    let rows = store.export_rows(&task, &banner).await.unwrap();
    assert_eq!(rows[0].report.unit.code.as_str(), "152502000000");
    assert_eq!(rows[0].path[1].as_deref(), Some("锡林郭勒盟"));

    // Reminders: overdue once, not twice.
    let added = store
        .add_reminders(date!(2026 - 12 - 21), 500)
        .await
        .unwrap();
    assert!(added.iter().all(|n| n.kind == "overdue"));
    assert!(added.len() > 14_000);
    assert!(
        store
            .add_reminders(date!(2026 - 12 - 21), 600)
            .await
            .unwrap()
            .is_empty()
    );
    let notices = store
        .notices(village.id, by, Page::default())
        .await
        .unwrap();
    assert!(notices.iter().any(|n| n.kind == "approved"));
    store.mark_notices_seen(by, notices[0].id).await.unwrap();
    assert_eq!(store.unread_notices(village.id, by).await.unwrap(), 0);
    assert_eq!(
        store.task_tally_mismatches().await.unwrap(),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn task_story_on_sqlite() {
    story(SqlStore::connect(&fresh_sqlite_url()).await.unwrap()).await;
}

#[tokio::test]
async fn task_story_on_postgres() {
    match fresh_postgres().await {
        PostgresTarget::Fresh(url) => story(SqlStore::connect(&url).await.unwrap()).await,
        PostgresTarget::Skipped => {}
    }
}
