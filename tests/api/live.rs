//! Live subscriptions over WebSocket (`graphql-transport-ws`): the change feed as it happens,
//! under the feed's visibility rule, resumable without gap or duplicate, across processes;
//! authentication in `connection_init`, expiry, the protocol's close codes and the limits.
//! Driven with a real WebSocket client (tokio-tungstenite) against the real server; the npm
//! client `graphql-ws` is driven by `.ci/live` in CI.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use crate::mutaties::{CREATE_FIELDLAB, CREATE_OPDRACHT};
use futures_util::{SinkExt, StreamExt};
use ipartnerschap::auth::Rol;
use ipartnerschap::cli::{TokenRequest, make_token};
use ipartnerschap::config::ServerSettings;
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

dual_tests!(
    a_subscriber_receives_the_changes_it_may_see_as_they_happen_and_nothing_else,
    a_subscription_resumed_from_its_end_cursor_misses_nothing_and_repeats_nothing,
    a_subscription_from_now_on_starts_empty_and_receives_what_follows,
    a_change_written_through_another_process_reaches_the_subscribers_of_this_one,
    a_token_that_expires_closes_the_connection,
    the_protocol_is_held_with_its_close_codes,
    a_subscribe_that_is_not_a_valid_subscription_is_answered_with_an_error_and_the_connection_stays,
    the_limits_on_subscriptions_connections_and_idleness_hold,
);

const FEED: &str = "subscription($after: String) { wijzigingen(after: $after) { endCursor hasNextPage \
    wijzigingen { actie recordType recordId record { ... on Opdracht { naam } ... on Fieldlab { naam } } } } }";

/// How long a test waits for a message before it fails.
const WAIT: Duration = Duration::from_secs(10);

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A WebSocket client of the API.
struct Client {
    socket: Socket,
}

/// What the server sent next: a message, or the close frame's code and reason.
#[derive(Debug)]
enum Received {
    Message(Value),
    Closed(u16, String),
}

impl Client {
    /// Opens a connection offering `protocol` (none: `None`).
    async fn open_with(app: &TestApp, protocol: Option<&str>) -> Self {
        let url = app.endpoint.replacen("http://", "ws://", 1);
        let mut request = url.into_client_request().unwrap();
        if let Some(protocol) = protocol {
            request
                .headers_mut()
                .insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
        }
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("connect");
        Self { socket }
    }

    async fn open(app: &TestApp) -> Self {
        Self::open_with(app, Some("graphql-transport-ws")).await
    }

    /// Opens, initialises with `token` and expects the acknowledgement.
    async fn acknowledged(app: &TestApp, token: Option<&str>) -> Self {
        let mut client = Self::open(app).await;
        client.init(token).await;
        client.expect_type("connection_ack").await;
        client
    }

    async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::Text(message.to_string().into()))
            .await
            .expect("send");
    }

    async fn init(&mut self, token: Option<&str>) {
        let payload = match token {
            Some(token) => json!({ "Authorization": format!("Bearer {token}") }),
            None => json!({}),
        };
        self.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
    }

    async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        let payload = json!({ "query": query, "variables": variables });
        self.send(json!({ "id": id, "type": "subscribe", "payload": payload }))
            .await;
    }

    /// The next message or close frame, within [`WAIT`].
    async fn receive(&mut self) -> Received {
        loop {
            let message = tokio::time::timeout(WAIT, self.socket.next())
                .await
                .expect("a message in time");
            match message {
                Some(Ok(Message::Text(text))) => {
                    return Received::Message(serde_json::from_str(text.as_str()).unwrap());
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new()));
                    return Received::Closed(code, reason);
                }
                Some(Ok(_)) => continue,
                other => panic!("the connection ended without a close frame: {other:?}"),
            }
        }
    }

    async fn message(&mut self) -> Value {
        match self.receive().await {
            Received::Message(m) => m,
            closed => panic!("expected a message, got {closed:?}"),
        }
    }

    async fn expect_type(&mut self, kind: &str) -> Value {
        let message = self.message().await;
        assert_eq!(message["type"], kind, "{message}");
        message
    }

    /// The next `next` event of subscription `id` (its `data`).
    async fn event(&mut self, id: &str) -> Value {
        let message = self.expect_type("next").await;
        assert_eq!(message["id"], id, "{message}");
        assert!(message["payload"].get("errors").is_none(), "{message}");
        message["payload"]["data"].clone()
    }

    /// The close frame the server sends next.
    async fn closed(&mut self) -> (u16, String) {
        match self.receive().await {
            Received::Closed(code, reason) => (code, reason),
            message => panic!("expected the connection to close, got {message:?}"),
        }
    }

    /// Nothing arrives within `time`.
    async fn quiet_for(&mut self, time: Duration) {
        if let Ok(Some(Ok(Message::Text(text)))) =
            tokio::time::timeout(time, self.socket.next()).await
        {
            panic!("expected nothing, got {text}");
        }
    }
}

/// The feed's end as a caller sees it now (every page of the query `wijzigingen` read).
async fn end_cursor(app: &TestApp, token: Option<&str>) -> String {
    let mut after = Value::Null;
    loop {
        let reply = app
            .graphql(
                token,
                "query($after: String) { wijzigingen(after: $after, first: 500) { endCursor hasNextPage } }",
                json!({ "after": after }),
            )
            .await;
        let feed = &reply.data()["wijzigingen"];
        after = feed["endCursor"].clone();
        if feed["hasNextPage"] == false {
            return after.as_str().unwrap().to_owned();
        }
    }
}

/// A subscriber of the feed from now on, its first (empty) event read; and its cursor.
async fn subscriber(app: &TestApp, token: Option<&str>) -> (Client, String) {
    let after = end_cursor(app, token).await;
    let mut client = Client::acknowledged(app, token).await;
    client
        .subscribe("feed", FEED, json!({ "after": after }))
        .await;
    let first = client.event("feed").await;
    assert_eq!(first["wijzigingen"]["wijzigingen"], json!([]), "{first}");
    let cursor = first["wijzigingen"]["endCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    (client, cursor)
}

/// The names of the records of a feed event, in order.
fn names(event: &Value) -> Vec<String> {
    event["wijzigingen"]["wijzigingen"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["record"]["naam"].as_str().unwrap_or("-").to_owned())
        .collect()
}

async fn make_stage(app: &TestApp, org: &str, naam: &str, opdrachtgever: &str) {
    let caller = app.als(org, Rol::Beheerder);
    let gever = app.org_id(opdrachtgever).await;
    let input = json!({ "naam": naam, "opdrachtSoort": "STAGE", "opdrachtgever": gever });
    caller
        .query(CREATE_OPDRACHT, json!({ "input": input }))
        .await
        .data();
}

async fn make_lab(app: &TestApp, org: &str, naam: &str) {
    let input = json!({ "naam": naam, "regios": ["WEST"], "contactpersoon": { "naam": "A", "email": "a@hhs.nl" } });
    app.als(org, Rol::Beheerder)
        .query(CREATE_FIELDLAB, json!({ "input": input }))
        .await
        .data();
}

async fn a_subscriber_receives_the_changes_it_may_see_as_they_happen_and_nothing_else(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.token(Some(demo::HU), Rol::Lezer).await;
    let (mut van_hu, _) = subscriber(&app, Some(&hu)).await;
    let (mut anoniem, _) = subscriber(&app, None).await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("ipartnerschap_live_connections 2\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("ipartnerschap_live_subscriptions 2\n"),
        "{metrics}"
    );

    make_stage(&app, demo::HU, "Stage bij BZK", demo::BZK).await;
    let event = van_hu.event("feed").await;
    assert_eq!(names(&event), ["Stage bij BZK"]);
    assert_eq!(event["wijzigingen"]["wijzigingen"][0]["actie"], "CREATED");
    assert_eq!(
        event["wijzigingen"]["wijzigingen"][0]["recordType"],
        "OPDRACHT"
    );

    // An opdracht of others, then a public fieldlab: each subscriber's next event is the lab,
    // so neither was sent what it may not see.
    make_stage(&app, demo::FONTYS, "Stage van Fontys", demo::RDW).await;
    make_lab(&app, demo::FONTYS, "Openbaar lab").await;
    assert_eq!(names(&van_hu.event("feed").await), ["Openbaar lab"]);
    assert_eq!(names(&anoniem.event("feed").await), ["Openbaar lab"]);
    van_hu.quiet_for(Duration::from_millis(300)).await;
    anoniem.quiet_for(Duration::from_millis(300)).await;
}

async fn a_subscription_resumed_from_its_end_cursor_misses_nothing_and_repeats_nothing(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.token(Some(demo::HU), Rol::Lezer).await;
    let (mut client, _) = subscriber(&app, Some(&hu)).await;
    make_stage(&app, demo::HU, "Een", demo::BZK).await;
    let event = client.event("feed").await;
    assert_eq!(names(&event), ["Een"]);
    let resume = event["wijzigingen"]["endCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    drop(client);

    make_stage(&app, demo::HU, "Twee", demo::BZK).await;
    make_stage(&app, demo::FONTYS, "Niet voor HU", demo::RDW).await;
    make_stage(&app, demo::HU, "Drie", demo::BZK).await;

    let mut client = Client::acknowledged(&app, Some(&hu)).await;
    client
        .subscribe("feed", FEED, json!({ "after": resume }))
        .await;
    let caught_up = client.event("feed").await;
    assert_eq!(names(&caught_up), ["Twee", "Drie"]);
    // The same as the query from the same cursor.
    let polled = app
        .graphql(
            Some(&hu),
            "query($after: String) { wijzigingen(after: $after) { endCursor wijzigingen { recordId } } }",
            json!({ "after": resume }),
        )
        .await;
    let ids = |feed: &Value| -> Vec<Value> {
        feed["wijzigingen"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["recordId"].clone())
            .collect()
    };
    assert_eq!(
        ids(&caught_up["wijzigingen"]),
        ids(&polled.data()["wijzigingen"])
    );
    assert_eq!(
        caught_up["wijzigingen"]["endCursor"],
        polled.data()["wijzigingen"]["endCursor"]
    );
    make_stage(&app, demo::HU, "Vier", demo::BZK).await;
    assert_eq!(names(&client.event("feed").await), ["Vier"]);
}

async fn a_subscription_from_now_on_starts_empty_and_receives_what_follows(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    make_lab(&app, demo::HU, "Van voor het begin").await;
    let mut client = Client::acknowledged(&app, None).await;
    let from_now = "subscription($after: String, $nu: Boolean) { wijzigingen(after: $after, vanafNu: $nu) { \
        endCursor wijzigingen { record { ... on Fieldlab { naam } } } } }";
    client
        .subscribe("nu", from_now, json!({ "nu": true }))
        .await;
    let first = client.event("nu").await;
    assert_eq!(first["wijzigingen"]["wijzigingen"], json!([]), "{first}");
    assert_eq!(
        first["wijzigingen"]["endCursor"].as_str().unwrap(),
        end_cursor(&app, None).await
    );
    make_lab(&app, demo::HU, "Na het begin").await;
    assert_eq!(names(&client.event("nu").await), ["Na het begin"]);

    let cursor = first["wijzigingen"]["endCursor"].clone();
    client
        .subscribe("beide", from_now, json!({ "nu": true, "after": cursor }))
        .await;
    let refused = client.expect_type("error").await;
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
}

async fn a_change_written_through_another_process_reaches_the_subscribers_of_this_one(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let other = app.second_process().await;
    let hu = app.token(Some(demo::HU), Rol::Lezer).await;
    let (mut client, _) = subscriber(&app, Some(&hu)).await;
    let begin = std::time::Instant::now();
    make_stage(&other, demo::HU, "Via het andere proces", demo::BZK).await;
    assert_eq!(
        names(&client.event("feed").await),
        ["Via het andere proces"]
    );
    // PostgreSQL notifies at commit; SQLite is looked at twice a second.
    let took = begin.elapsed();
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

async fn a_token_that_expires_closes_the_connection(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let request = TokenRequest {
        org: Some(demo::HU),
        rol: Rol::Lezer,
        regios: &[],
        ttl: Duration::from_secs(2),
        subject: Some("kortlevend"),
    };
    let token = make_token(&app.db, &app.jwt, request).await.unwrap();
    let mut client = Client::acknowledged(&app, Some(&token)).await;
    client.subscribe("feed", FEED, json!({})).await;
    let _first = client.event("feed").await;
    let (code, reason) = client.closed().await;
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.contains("expired"), "{reason}");
}

async fn the_protocol_is_held_with_its_close_codes(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let mut client = Client::open_with(&app, None).await;
    assert_eq!(client.closed().await.0, 4406, "no subprotocol offered");

    let mut client = Client::open(&app).await;
    client.init(Some("not.a.token")).await;
    let (code, reason) = client.closed().await;
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.starts_with("Forbidden: invalid token"), "{reason}");

    let mut client = Client::open(&app).await;
    client.subscribe("1", FEED, json!({})).await;
    assert_eq!(client.closed().await.0, 4401, "subscribe before the ack");

    let mut client = Client::acknowledged(&app, None).await;
    client.init(None).await;
    assert_eq!(client.closed().await.0, 4429, "a second connection_init");

    let mut client = Client::acknowledged(&app, None).await;
    client.subscribe("1", FEED, json!({})).await;
    client.event("1").await;
    client.subscribe("1", FEED, json!({})).await;
    assert_eq!(client.closed().await.0, 4409, "an id that is running");

    let mut client = Client::acknowledged(&app, None).await;
    client.send(json!({ "type": "hello" })).await;
    assert_eq!(client.closed().await.0, 4400, "an unknown message");

    let mut client = Client::acknowledged(&app, None).await;
    client
        .socket
        .send(Message::Text("{ not json".into()))
        .await
        .unwrap();
    assert_eq!(client.closed().await.0, 4400, "not JSON");

    // Ping is answered; a completed subscription sends nothing more.
    let mut client = Client::acknowledged(&app, None).await;
    client.send(json!({ "type": "ping" })).await;
    client.expect_type("pong").await;
    client.subscribe("a", FEED, json!({})).await;
    client.event("a").await;
    client.send(json!({ "id": "a", "type": "complete" })).await;
    make_lab(&app, demo::HU, "Na het einde").await;
    client.quiet_for(Duration::from_millis(1500)).await;
}

async fn a_subscribe_that_is_not_a_valid_subscription_is_answered_with_an_error_and_the_connection_stays(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let mut client = Client::acknowledged(&app, None).await;
    let cases = [
        ("{ __typename }", json!({}), "BAD_REQUEST"),
        (
            "mutation { deleteFieldlab(id: \"x\", versie: 1) }",
            json!({}),
            "BAD_REQUEST",
        ),
        (FEED, json!({ "after": "vervalst" }), "BAD_USER_INPUT"),
        (
            "subscription { wijzigingen { bestaatNiet } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "subscription { wijzigingen(first: 100000) { endCursor } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        ("subscription {", json!({}), "GRAPHQL_PARSE_FAILED"),
    ];
    for (n, (query, variables, code)) in cases.into_iter().enumerate() {
        let id = format!("s{n}");
        client.subscribe(&id, query, variables).await;
        let message = client.expect_type("error").await;
        assert_eq!(message["id"], id.as_str());
        assert_eq!(
            message["payload"][0]["extensions"]["code"], code,
            "{query}: {message}"
        );
        assert!(
            message["payload"][0]["message"].as_str().unwrap().len() > 10,
            "{message}"
        );
    }
    let open = "... on Fieldlab { deelnemers { organisatie { fieldlabs { nodes { ".repeat(10);
    let close = " } } } } }".repeat(10);
    let deep = format!(
        "subscription {{ wijzigingen {{ wijzigingen {{ record {{ {open} id {close} }} }} }} }}"
    );
    client.subscribe("diep", &deep, json!({})).await;
    let message = client.expect_type("error").await;
    assert!(
        message["payload"][0]["extensions"]["code"]
            .as_str()
            .is_some_and(|c| !c.is_empty() && c != "INTERNAL"),
        "{message}"
    );
    // Still open, and a valid subscription runs.
    client.subscribe("ok", FEED, json!({})).await;
    client.event("ok").await;
}

async fn the_limits_on_subscriptions_connections_and_idleness_hold(backend: Backend) {
    let settings = ServerSettings {
        subscriptions_per_connection: 2,
        ws_connections_per_organisation: 1,
        ws_anonymous_connections: 5,
        ws_anonymous_connections_per_address: 1,
        ws_idle_timeout: Duration::from_secs(1),
        ws_init_timeout: Duration::from_secs(1),
        ..ServerSettings::default()
    };
    let app = TestApp::spawn(backend)
        .with_demo()
        .with_settings(settings)
        .await;
    let hu = app.token(Some(demo::HU), Rol::Lezer).await;
    let mut client = Client::acknowledged(&app, Some(&hu)).await;
    client.subscribe("1", FEED, json!({})).await;
    client.event("1").await;
    client.subscribe("2", FEED, json!({})).await;
    client.event("2").await;
    client.subscribe("3", FEED, json!({})).await;
    let refused = client.expect_type("error").await;
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "TOO_MANY_REQUESTS"
    );
    client.send(json!({ "id": "1", "type": "complete" })).await;
    client.subscribe("3", FEED, json!({})).await;
    client.event("3").await;

    // One connection per organisation: a second of HU waits, one of another organisation not.
    let mut second = Client::open(&app).await;
    second.init(Some(&hu)).await;
    assert_eq!(second.closed().await.0, 1013);
    let fontys = app.token(Some(demo::FONTYS), Rol::Lezer).await;
    let _fontys = Client::acknowledged(&app, Some(&fontys)).await;
    let _anonymous = Client::acknowledged(&app, None).await;
    let mut another = Client::open(&app).await;
    another.init(None).await;
    assert_eq!(
        another.closed().await.0,
        1013,
        "anonymous connections from one address"
    );
    drop(client);
    // HU's place is given back when its connection closes.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut again = Client::acknowledged(&app, Some(&hu)).await;

    // No subscription for the idle timeout: closed; no connection_init in time: closed.
    let (code, reason) = again.closed().await;
    assert_eq!(code, 1000, "{reason}");
    let mut silent = Client::open(&app).await;
    assert_eq!(silent.closed().await.0, 4408);
}
