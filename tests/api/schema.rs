//! The schema is a contract: the committed SDL equals the code's, and everything in it is
//! described.

use crate::dual_tests;
use crate::harness::{Backend, TestApp};
use serde_json::{Value, json};
use std::collections::BTreeMap;

dual_tests!(
    date_and_date_time_name_their_specification,
    one_field_name_has_one_type_everywhere,
);

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

/// The answer to an introspection query, asked anonymously over HTTP of a fresh application.
async fn introspect(backend: Backend, query: &str) -> Value {
    let app = TestApp::spawn(backend).await;
    app.anoniem().query(query, json!({})).await.data().clone()
}

const INTROSPECTION: &str = "{ __schema { types { name kind description \
    fields(includeDeprecated: true) { name description args { name description } } \
    inputFields { name description } enumValues(includeDeprecated: true) { name description } } } }";

#[tokio::test]
async fn every_type_field_argument_and_enum_value_has_a_description() {
    let data = introspect(Backend::Sqlite, INTROSPECTION).await;
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

/// async-graphql registers the parts of a merged object as types of their own, and a part that
/// is still being registered reads as empty, so a type can silently lose the fields of a part
/// (`Minor.opdrachten` did). Every object has the fields of its interfaces, every record that
/// opdrachten link to has `opdrachten`, and every record type says whether it is `volledig`.
#[tokio::test]
async fn every_type_has_the_fields_of_its_interfaces_and_its_parts() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let data = app
        .anoniem()
        .query(
            "{ __schema { types { name kind fields { name } interfaces { name } } } }",
            json!({}),
        )
        .await
        .data()
        .clone();
    let types = data["__schema"]["types"].as_array().unwrap();
    let fields = |name: &str| -> Vec<String> {
        let t = types
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no type {name}"));
        t["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut missing = Vec::new();
    for t in types.iter().filter(|t| t["kind"] == "OBJECT") {
        let name = t["name"].as_str().unwrap();
        let own = fields(name);
        for interface in t["interfaces"].as_array().into_iter().flatten() {
            for field in fields(interface["name"].as_str().unwrap()) {
                if !own.contains(&field) {
                    missing.push(format!("{name}.{field} (of {})", interface["name"]));
                }
            }
        }
    }
    for name in ipartnerschap::graphql::id::TYPES.iter().copied() {
        let own = fields(name);
        // Opdrachten point at every record type but these (and at no PhD track, meeting or
        // directory entry).
        let unlinked = [
            "Community",
            "Opdracht",
            "Promotietraject",
            "Bijeenkomst",
            "Kennismakelaar",
        ];
        let linked = !unlinked.contains(&name);
        for field in ["volledig", "opdrachten"]
            .into_iter()
            .filter(|f| linked || *f == "volledig")
        {
            if !own.contains(&field.to_owned()) {
                missing.push(format!("{name}.{field}"));
            }
        }
    }
    assert!(missing.is_empty(), "missing fields: {missing:#?}");
}

const FIELD_TYPES: &str = "{ __schema { types { name kind fields(includeDeprecated: true) { \
    name type { kind name ofType { kind name ofType { kind name ofType { kind name \
    ofType { kind name } } } } } } } } }";

/// The roots, whose fields are operations rather than data.
const ROOTS: &[&str] = &["Query", "Mutation", "Subscription"];

/// The Relay machinery of a connection or edge type, typed by the record type it pages.
const RELAY_FIELDS: &[&str] = &["edges", "nodes", "node", "cursor", "pageInfo"];

/// `Int!`, `[Thema!]`, ...: an introspected type reference as the SDL writes it.
fn type_string(t: &Value) -> String {
    match t["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_string(&t["ofType"])),
        Some("LIST") => format!("[{}]", type_string(&t["ofType"])),
        _ => t["name"].as_str().expect("a named type").to_owned(),
    }
}

/// Whether `type.field` is Relay machinery: the paged fields of a connection or edge, and
/// the cursors of `PageInfo` (null on an empty page, as the Relay specification has them).
fn is_relay_machinery(typename: &str, field: &str) -> bool {
    let paged = (typename.ends_with("Connection") || typename.ends_with("Edge"))
        && RELAY_FIELDS.contains(&field);
    paged || (typename == "PageInfo" && ["startCursor", "endCursor"].contains(&field))
}

async fn one_field_name_has_one_type_everywhere(backend: Backend) {
    let data = introspect(backend, FIELD_TYPES).await;
    // field name -> type string -> the types whose field of that name has it
    let mut types_of: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for t in data["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        let object_or_interface = ["OBJECT", "INTERFACE"].contains(&t["kind"].as_str().unwrap());
        if !object_or_interface || name.starts_with("__") || ROOTS.contains(&name) {
            continue;
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            let field = f["name"].as_str().unwrap();
            if is_relay_machinery(name, field) {
                continue;
            }
            types_of
                .entry(field.to_owned())
                .or_default()
                .entry(type_string(&f["type"]))
                .or_default()
                .push(name.to_owned());
        }
    }
    let conflicts: Vec<String> = types_of
        .iter()
        .filter(|(_, types)| types.len() > 1)
        .map(|(field, types)| format!("{field}: {types:?}"))
        .collect();
    assert!(
        conflicts.is_empty(),
        "fields of one name with different types:\n{}",
        conflicts.join("\n")
    );
}

async fn date_and_date_time_name_their_specification(backend: Backend) {
    let data = introspect(
        backend,
        "{ date: __type(name: \"Date\") { specifiedByURL } \
           dateTime: __type(name: \"DateTime\") { specifiedByURL } }",
    )
    .await;
    assert_eq!(
        data,
        json!({
            "date": { "specifiedByURL": "https://www.rfc-editor.org/rfc/rfc3339#section-5.6" },
            "dateTime": { "specifiedByURL": "https://www.rfc-editor.org/rfc/rfc3339" },
        })
    );
    let sdl = ipartnerschap::graphql::sdl();
    assert!(
        sdl.contains(
            "scalar Date @specifiedBy(url: \"https://www.rfc-editor.org/rfc/rfc3339#section-5.6\")"
        ),
        "the SDL names it too"
    );
}
