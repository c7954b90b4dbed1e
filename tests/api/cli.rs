//! The command line, run as the real binary: `token` output is accepted by `serve`, `serve
//! --demo` prints working tokens, `migrate` goes up and down, bad input is refused clearly.

use crate::dual_tests;
use crate::harness::{Backend, demo, fresh_database};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

dual_tests!(
    a_token_from_the_token_command_is_accepted_by_serve_in_dev_mode,
    a_token_from_the_token_command_is_accepted_by_serve_with_a_configured_secret,
    serve_with_demo_prints_tokens_that_work,
    migrate_applies_and_rolls_back_migrations,
    the_token_command_refuses_a_malformed_organisation_key,
    serve_stops_cleanly_on_sigterm,
    log_format_json_writes_one_json_object_per_line,
    the_sync_client_mirrors_an_export_repeatedly_and_safely,
    the_sync_client_sends_nothing_of_a_file_with_an_unreadable_row_in_its_last_batch,
    a_refused_token_is_logged_with_its_reason_and_never_the_token_itself,
);

/// The binary with a clean configuration: only what a test sets.
fn ipartnerschap(database_url: &str, dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ipartnerschap"));
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    let output = cmd.output().expect("run ipartnerschap");
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A running `serve`, killed when dropped.
struct Server {
    child: Child,
    endpoint: String,
    stdout: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `cmd` (a `serve` command) and reads its output until it says where it listens.
fn serve(mut cmd: Command) -> Server {
    if cmd.get_args().next().is_none() {
        cmd.args(["serve", "--bind", "127.0.0.1:0"]);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = cmd.spawn().expect("start serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stdout = Vec::new();
    let endpoint = loop {
        let line = lines
            .next()
            .expect("serve exited before it was listening")
            .expect("read serve output");
        stdout.push(line.clone());
        if let Some(rest) = line.strip_prefix("I-Partnerschap API on ") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    Server {
        child,
        endpoint,
        stdout,
    }
}

async fn me(endpoint: &str, token: &str) -> Value {
    reqwest::Client::new()
        .post(endpoint)
        .bearer_auth(token)
        .json(&json!({ "query": "{ me { rol organisatie { naam } } fieldlabs { totalCount } }" }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

async fn a_token_from_the_token_command_is_accepted_by_serve_in_dev_mode(backend: Backend) {
    let (url, _db_dir) = fresh_database(backend).await;
    let dir = temp();
    run(ipartnerschap(&url, dir.path()).args(["seed", "--demo"]));
    let output = run(ipartnerschap(&url, dir.path()).args([
        "token",
        "--org",
        demo::HANZE,
        "--role",
        "medewerker",
        "--ttl",
        "10m",
    ]));
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    assert_eq!(token.split('.').count(), 3, "a JWT: {token}");

    let server = serve(ipartnerschap(&url, dir.path()));
    let body = me(&server.endpoint, &token).await;
    assert_eq!(body["data"]["me"]["rol"], "MEDEWERKER", "{body}");
    assert_eq!(body["data"]["me"]["organisatie"]["naam"], "Hanze");
    assert_eq!(body["data"]["fieldlabs"]["totalCount"], 10);
}

async fn a_token_from_the_token_command_is_accepted_by_serve_with_a_configured_secret(
    backend: Backend,
) {
    let (url, _db_dir) = fresh_database(backend).await;
    let dir = temp();
    let secret = "a-configured-secret-of-at-least-thirty-two-bytes";
    run(ipartnerschap(&url, dir.path()).args(["seed", "--demo"]));
    let output = run(ipartnerschap(&url, dir.path())
        .env("JWT_SECRET", secret)
        .args(["token", "--org", demo::BZK, "--role", "beheerder"]));
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();

    let mut cmd = ipartnerschap(&url, dir.path());
    cmd.env("JWT_SECRET", secret);
    let server = serve(cmd);
    let body = me(&server.endpoint, &token).await;
    assert_eq!(body["data"]["me"]["rol"], "BEHEERDER", "{body}");

    // A server with another secret refuses the same token.
    let mut other = ipartnerschap(&url, dir.path());
    other.env(
        "JWT_SECRET",
        "another-configured-secret-of-thirty-two-bytes",
    );
    let other = serve(other);
    let body = me(&other.endpoint, &token).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{body}"
    );
}

async fn serve_with_demo_prints_tokens_that_work(backend: Backend) {
    let (url, _db_dir) = fresh_database(backend).await;
    let dir = temp();
    // The address comes from BIND_ADDR here, to cover the environment variable too.
    let mut cmd = ipartnerschap(&url, dir.path());
    cmd.env("BIND_ADDR", "127.0.0.1:0")
        .args(["serve", "--demo"]);
    let server = serve(cmd);
    let token_after = |label: &str| {
        let i = server
            .stdout
            .iter()
            .position(|l| l.contains(label))
            .unwrap_or_else(|| panic!("no {label} token in {:#?}", server.stdout));
        server.stdout[i + 1].trim().to_owned()
    };
    let bureau = me(&server.endpoint, &token_after("the programme office")).await;
    assert_eq!(bureau["data"]["me"]["rol"], "PROGRAMMABUREAU", "{bureau}");
    let ministry = me(&server.endpoint, &token_after("a ministry")).await;
    assert_eq!(
        ministry["data"]["me"]["organisatie"]["naam"],
        "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"
    );
    let hogeschool = me(&server.endpoint, &token_after("a hogeschool (Hanze")).await;
    assert_eq!(hogeschool["data"]["me"]["rol"], "MEDEWERKER");
    let hu = me(&server.endpoint, &token_after("a hogeschool (HU")).await;
    assert_eq!(hu["data"]["me"]["rol"], "BEHEERDER");
    let makelaar = me(&server.endpoint, &token_after("a kennismakelaar")).await;
    assert_eq!(
        makelaar["data"]["me"]["rol"], "KENNISMAKELAAR",
        "{makelaar}"
    );
    let university = me(&server.endpoint, &token_after("a university")).await;
    assert_eq!(university["data"]["me"]["rol"], "LEZER");
    assert!(
        server.stdout.iter().any(|l| l.contains("curl")),
        "example queries"
    );
}

async fn migrate_applies_and_rolls_back_migrations(backend: Backend) {
    let (url, _db_dir) = fresh_database(backend).await;
    let dir = temp();
    let up = run(ipartnerschap(&url, dir.path()).arg("migrate"));
    let up = String::from_utf8(up.stdout).unwrap();
    assert_eq!(
        up.lines().filter(|l| l.starts_with("applied ")).count(),
        <migrations::Migrator as migrations::MigratorTrait>::migrations().len(),
        "{up}"
    );
    let again = run(ipartnerschap(&url, dir.path()).arg("migrate"));
    assert!(
        String::from_utf8(again.stdout)
            .unwrap()
            .contains("up to date")
    );
    let down = run(ipartnerschap(&url, dir.path()).args(["migrate", "--down", "7"]));
    assert!(
        String::from_utf8(down.stdout)
            .unwrap()
            .contains("rolled back 7")
    );
    let up = run(ipartnerschap(&url, dir.path()).arg("migrate"));
    assert!(String::from_utf8(up.stdout).unwrap().contains("applied"));
}

async fn the_token_command_refuses_a_malformed_organisation_key(backend: Backend) {
    let (url, _db_dir) = fresh_database(backend).await;
    let dir = temp();
    run(ipartnerschap(&url, dir.path()).args(["seed", "--demo"]));
    for (org, expected) in [
        ("BZK", "neither an OIN"),
        ("https://hanze.nl", "not a schacHome"),
        ("onbekend.nl", "no organisation"),
    ] {
        let output = ipartnerschap(&url, dir.path())
            .args(["token", "--org", org, "--role", "lezer"])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{org} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{org}: {stderr}");
    }
    let output = ipartnerschap(&url, dir.path())
        .args(["token", "--org", demo::HANZE, "--role", "programmabureau"])
        .output()
        .unwrap();
    assert!(!output.status.success(), "programmabureau for a hogeschool");
}

async fn serve_stops_cleanly_on_sigterm(backend: Backend) {
    let (url, _db_dir) = fresh_database(backend).await;
    let dir = temp();
    let mut server = serve(ipartnerschap(&url, dir.path()));
    let body = me(&server.endpoint, "not-a-token").await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "serve exits with 0 after SIGTERM: {exit:?}");
    // The port is free again: nothing answers.
    assert!(
        reqwest::Client::new()
            .post(&server.endpoint)
            .send()
            .await
            .is_err()
    );
}

async fn log_format_json_writes_one_json_object_per_line(backend: Backend) {
    let (url, _db_dir) = fresh_database(backend).await;
    let dir = temp();
    let output = run(ipartnerschap(&url, dir.path())
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .arg("migrate"));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "migrate logs at info");
    for line in lines {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert!(v["level"].is_string() && v["fields"].is_object(), "{line}");
    }
}

/// Runs `ipartnerschap sync` against a running API and returns its exit code and stdout.
fn sync_client(endpoint: &str, token: &str, args: &[&str]) -> (i32, String) {
    let dir = temp();
    let output = ipartnerschap("sqlite::memory:", dir.path())
        .args([
            "sync", "--url", endpoint, "--token", token, "--bron", "osiris",
        ])
        .args(args)
        .output()
        .expect("run ipartnerschap sync");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

async fn the_sync_client_mirrors_an_export_repeatedly_and_safely(backend: Backend) {
    let app = crate::harness::TestApp::spawn(backend).with_demo().await;
    let token = app
        .token(Some(demo::HU), ipartnerschap::auth::Rol::Medewerker)
        .await;
    let voorbeeld = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/opdrachten-voorbeeld.csv");

    let (code, uit) = sync_client(&app.endpoint, &token, &["--file", voorbeeld]);
    assert_eq!(code, 0, "{uit}");
    assert!(uit.contains("CREATED   HU-2025-001"), "{uit}");
    assert!(
        uit.contains("UNCHANGED HU-2023-042"),
        "a withdrawn unknown row: {uit}"
    );
    assert!(
        uit.contains("5 items: 4 created, 0 updated, 1 unchanged, 0 withdrawn, 0 rejected"),
        "{uit}"
    );
    let (code, uit) = sync_client(&app.endpoint, &token, &["--file", voorbeeld]);
    assert_eq!(code, 0);
    assert!(
        uit.contains("0 created, 0 updated, 5 unchanged"),
        "idempotent: {uit}"
    );

    // The next export lacks HU-2024-117 and has a broken row; JSON lines this time.
    let dir = temp();
    let jsonl = dir.path().join("export.jsonl");
    let regels = [
        json!({ "externId": "HU-2025-001", "naam": "Datagedreven toezicht op studiefinanciering", "opdrachtSoort": "AFSTUDEEROPDRACHT",
            "opdrachtStatus": "AFGEROND", "onderwijssoort": "HBO", "regio": "MIDDEN", "startdatum": "2025-02-03", "einddatum": "2025-06-27",
            "aantalStudenten": 1, "opdrachtgever": demo::DUO, "uitvoerders": [demo::HU], "themas": ["DATA_AI"],
            "contactpersoon": { "naam": "Stagebureau HU", "email": "stages@hu.nl" } }),
        json!({ "externId": "HU-2025-002", "naam": "", "opdrachtSoort": "GROEPSOPDRACHT", "opdrachtgever": demo::UWV }),
    ];
    std::fs::write(
        &jsonl,
        regels
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    let pad = jsonl.to_str().unwrap();
    let (code, uit) = sync_client(&app.endpoint, &token, &["--file", pad, "--mirror"]);
    assert_eq!(code, 2, "a rejected row: exit code 2: {uit}");
    assert!(uit.contains("REJECTED  HU-2025-002"), "{uit}");
    assert!(uit.contains("naam: is required"), "{uit}");
    assert!(
        uit.contains("not applied"),
        "all or nothing per batch: {uit}"
    );
    let (code, uit) = sync_client(
        &app.endpoint,
        &token,
        &["--file", pad, "--mirror", "--per-item"],
    );
    assert_eq!(code, 2);
    assert!(uit.contains("UPDATED   HU-2025-001"), "{uit}");
    assert!(
        uit.contains("DELETED   HU-2024-117"),
        "not in the export: withdrawn: {uit}"
    );
    assert!(uit.contains("DELETED   HU-2025-003"), "{uit}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM opdrachten WHERE extern_id LIKE 'HU-%'")
            .await,
        2
    );
}

/// The client streams its file, and still reads it whole before it sends a batch: a row it
/// cannot read, however late in the file, sends nothing (exit code 1).
async fn the_sync_client_sends_nothing_of_a_file_with_an_unreadable_row_in_its_last_batch(
    backend: Backend,
) {
    let app = crate::harness::TestApp::spawn(backend).with_demo().await;
    let token = app
        .token(Some(demo::HU), ipartnerschap::auth::Rol::Medewerker)
        .await;
    let dir = temp();
    let csv = dir.path().join("export.csv");
    let mut text = String::from("externId,naam,opdrachtSoort,opdrachtgever,aantalStudenten\n");
    for n in 0..25 {
        text.push_str(&format!(
            "STREAM-{n},Opdracht {n},AFSTUDEEROPDRACHT,{},1\n",
            demo::DUO
        ));
    }
    text.push_str(&format!(
        "STREAM-25,Opdracht 25,AFSTUDEEROPDRACHT,{},een\n",
        demo::DUO
    ));
    std::fs::write(&csv, text).unwrap();
    let (code, uit) = sync_client(
        &app.endpoint,
        &token,
        &["--file", csv.to_str().unwrap(), "--batch", "10"],
    );
    assert_eq!(code, 1, "{uit}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM opdrachten WHERE extern_id LIKE 'STREAM-%'")
            .await,
        0,
        "no batch was sent: {uit}"
    );
}

async fn a_refused_token_is_logged_with_its_reason_and_never_the_token_itself(backend: Backend) {
    let (url, _db_dir) = fresh_database(backend).await;
    let dir = temp();
    let mut cmd = ipartnerschap(&url, dir.path());
    cmd.env("RUST_LOG", "info")
        .env("JWT_SECRET", "a-configured-secret-of-at-least-32-bytes!!")
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("serve");
    let stdout = child.stdout.take().unwrap();
    let endpoint = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.split_whitespace()
                .find(|w| w.starts_with("http://") && w.ends_with("/graphql"))
                .map(str::to_owned)
        })
        .expect("serve prints its address");
    // Well-formed but signed with another secret; and other hostile tokens.
    let vreemd = ipartnerschap::auth::JwtKeys::hs256(
        b"another-secret-another-secret-another-secret",
        ipartnerschap::auth::JwtConfig {
            issuer: "ipartnerschap".into(),
            audience: "ipartnerschap-api".into(),
            leeway: std::time::Duration::from_secs(5),
        },
    )
    .sign(
        "someone",
        "lezer",
        Some(demo::HU),
        chrono::Utc::now(),
        std::time::Duration::from_secs(600),
    )
    .unwrap();
    let onbeveiligd = format!(
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.",
        vreemd.split('.').nth(1).unwrap()
    );
    let vijandig = [
        vreemd.clone(),
        onbeveiligd,
        "garbage-token-value-12345".to_owned(),
    ];
    for token in &vijandig {
        let status = reqwest::Client::new()
            .post(&endpoint)
            .bearer_auth(token)
            .json(&json!({ "query": "{ me { ingelogd } }" }))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 401);
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refused a request's token") && stderr.contains("signature is invalid"),
        "the reason is logged: {stderr}"
    );
    assert_eq!(
        stderr.matches("refused a request's token").count(),
        vijandig.len(),
        "one line per refused token: {stderr}"
    );
    for token in &vijandig {
        let handtekening = token.rsplit('.').find(|d| !d.is_empty()).unwrap();
        assert!(!stderr.contains(token.as_str()), "the token is not logged");
        assert!(!stderr.contains(handtekening), "not even its signature");
    }
}
