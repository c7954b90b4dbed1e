//! The schema is a contract: the committed SDL equals the code's, and everything in it is
//! described.

use crate::harness::{Backend, TestApp};
use serde_json::{Value, json};

#[test]
fn the_committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/schema.graphql"
    ))
    .expect("schema/schema.graphql exists");
    let generated = ipartnerschap::graphql::sdl();
    assert!(
        committed == generated,
        "schema/schema.graphql is out of date: run `cargo run -- schema > schema/schema.graphql` \
         and commit it (note breaking changes in the commit message)"
    );
}

#[test]
fn the_schema_command_prints_the_committed_schema() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ipartnerschap"))
        .arg("schema")
        .output()
        .expect("run ipartnerschap schema");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        ipartnerschap::graphql::sdl()
    );
}

const INTROSPECTION: &str = "{ __schema { types { name kind description \
    fields(includeDeprecated: true) { name description args { name description } } \
    inputFields { name description } enumValues(includeDeprecated: true) { name description } } } }";

#[tokio::test]
async fn every_type_field_argument_and_enum_value_has_a_description() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let data = app
        .anoniem()
        .query(INTROSPECTION, json!({}))
        .await
        .data()
        .clone();
    let described = |v: &Value| {
        v["description"]
            .as_str()
            .is_some_and(|d| !d.trim().is_empty())
    };
    let mut missing = Vec::new();
    for t in data["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if name.starts_with("__") || ["String", "Int", "Float", "Boolean", "ID"].contains(&name) {
            continue;
        }
        if !described(t) {
            missing.push(format!("type {name}"));
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            if !described(f) {
                missing.push(format!("{name}.{}", f["name"]));
            }
            for a in f["args"].as_array().into_iter().flatten() {
                if !described(a) {
                    missing.push(format!("{name}.{}({})", f["name"], a["name"]));
                }
            }
        }
        for f in t["inputFields"].as_array().into_iter().flatten() {
            if !described(f) {
                missing.push(format!("{name}.{}", f["name"]));
            }
        }
        for v in t["enumValues"].as_array().into_iter().flatten() {
            if !described(v) {
                missing.push(format!("{name}.{}", v["name"]));
            }
        }
    }
    assert!(missing.is_empty(), "undescribed: {missing:#?}");
}
