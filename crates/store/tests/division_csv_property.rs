//! Property tests of the division-list CSV reader (issue 19 item 8): the
//! file `jinguo org import` and the bundled list go through.
//!
//! Whatever the bytes, the reader never panics and answers the whole list or
//! errors that name lines of the file; a valid list is read whole in any row
//! and column order, with or without a byte-order mark; one bad row refuses
//! the whole list and is reported by its line. Case counts: proptest's 256,
//! or `PROPTEST_CASES`.

use std::collections::HashSet;

use jinguo_store::csv_import::read_division_csv;
use proptest::prelude::*;
use proptest::sample::{Index, select};

fn cell_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => select("0123456789,\"\n\r ;\t-S".chars().collect::<Vec<_>>()),
        1 => select(vec!['\u{0}', '\u{feff}', '\u{3000}', '１', '字', '\u{202e}', '\u{fffd}']),
        1 => any::<char>(),
    ]
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => proptest::collection::vec(cell_char(), 0..16).prop_map(String::from_iter),
        1 => "[0-9]{12}",
        1 => (1u8..=6).prop_map(|l| l.to_string()),
    ]
}

/// A valid list as (code, name, parent, level), each code derived from a
/// parent's: a region, then units one level below a unit already listed.
fn valid_list() -> impl Strategy<Value = Vec<[String; 4]>> {
    proptest::collection::vec((any::<Index>(), 1usize..=4), 0..24).prop_map(|picks| {
        let widths = [2usize, 4, 6, 9, 12];
        let mut rows = vec![[
            "150000000000".to_owned(),
            "内蒙古自治区".to_owned(),
            String::new(),
            "1".to_owned(),
        ]];
        let mut levels: Vec<Vec<String>> = vec![vec!["150000000000".into()]; 1];
        levels.resize(5, Vec::new());
        for (serial, (pick, mut child)) in picks.into_iter().enumerate() {
            while levels[child - 1].is_empty() {
                child -= 1;
            }
            let parent = pick.get(&levels[child - 1]).clone();
            let (from, to) = (widths[child - 1], widths[child]);
            let code = format!(
                "{}{:0w$}{}",
                &parent[..from],
                serial + 1,
                "0".repeat(12 - to),
                w = to - from
            );
            rows.push([
                code.clone(),
                format!("单位, \"{serial}\"\n第{serial}"),
                parent,
                (child + 1).to_string(),
            ]);
            levels[child].push(code);
        }
        rows
    })
}

/// The list as a CSV file: columns in `order` (a permutation of the four
/// plus an extra column the reader ignores), optionally behind a BOM.
fn write_csv(rows: &[[String; 4]], order: &[usize], bom: bool) -> Vec<u8> {
    let names = ["code", "name", "parent_code", "level", "note"];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(order.iter().map(|&i| names[i])).unwrap();
    for r in rows {
        w.write_record(
            order
                .iter()
                .map(|&i| if i < 4 { r[i].as_str() } else { "备注" }),
        )
        .unwrap();
    }
    let mut out = if bom {
        "\u{feff}".as_bytes().to_vec()
    } else {
        Vec::new()
    };
    out.extend(w.into_inner().unwrap());
    out
}

fn column_order() -> impl Strategy<Value = Vec<usize>> {
    Just((0..5).collect::<Vec<usize>>()).prop_shuffle()
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Err(errors) = read_division_csv(bytes.as_slice()) {
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.iter().all(|e| e.line >= 1));
        }
    }

    /// Arbitrary cells under a correct header: the whole list or errors on
    /// lines of the file, never a part.
    #[test]
    fn arbitrary_rows_never_panic_and_are_all_or_nothing(
        rows in proptest::collection::vec(proptest::array::uniform4(cell()), 0..8),
        order in column_order(),
        bom in any::<bool>(),
    ) {
        let file = write_csv(&rows, &order, bom);
        match read_division_csv(file.as_slice()) {
            Ok(records) => prop_assert_eq!(records.len(), rows.len()),
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    prop_assert!((1..=rows.len() + 1).contains(&e.line), "{:?}", e);
                }
            }
        }
    }

    #[test]
    fn a_valid_list_is_read_whole(
        rows in valid_list().prop_shuffle(),
        order in column_order(),
        bom in any::<bool>(),
    ) {
        let records = read_division_csv(write_csv(&rows, &order, bom).as_slice()).unwrap();
        prop_assert_eq!(records.len(), rows.len());
        let read: HashSet<(String, String)> = records
            .iter()
            .map(|r| (r.code.to_string(), r.name.clone()))
            .collect();
        let written: HashSet<(String, String)> = rows
            .iter()
            .map(|r| (r[0].clone(), r[1].trim().to_owned()))
            .collect();
        prop_assert_eq!(read, written);
    }

    /// One row spoiled — a malformed code, a level that does not match the
    /// code, a blank name, a parent not in the list — refuses the list and
    /// is reported by its line (the header is line 1).
    #[test]
    fn a_bad_row_refuses_the_list_and_is_named(
        rows in valid_list().prop_shuffle(),
        which in any::<Index>(),
        how in 0u8..4,
        order in column_order(),
    ) {
        let mut rows = rows;
        let i = which.index(rows.len());
        let r = &mut rows[i];
        match how {
            0 => r[0] = format!("{}O", &r[0][..11]),
            1 => r[3] = if r[3] == "5" { "4".into() } else { "5".into() },
            2 => r[1] = " ".into(),
            _ => r[2] = if r[3] == "1" { "150100000000".into() } else { "159900000000".into() },
        }
        let errors = read_division_csv(write_csv(&rows, &order, false).as_slice()).unwrap_err();
        prop_assert!(errors.iter().any(|e| e.line == i + 2), "row {} {:?}", i + 2, errors);
    }
}
