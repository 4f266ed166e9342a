//! HTTP tests of the whole application: each test spawns the server on
//! port 0 over a fresh database, on SQLite and on PostgreSQL.

mod support;

mod activities;
mod auth;
mod case_flow;
mod case_pages;
mod case_stats;
mod cases;
mod help;
mod homes;
mod households;
mod images;
mod ledger_io;
mod matrix;
mod needs;
mod photos;
mod task_files;
mod tasks;
mod units_users;
mod web;
