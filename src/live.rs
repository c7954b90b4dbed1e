//! Live subscriptions: GraphQL subscriptions over WebSocket on `/graphql`, in the
//! `graphql-transport-ws` protocol (the one of the npm package `graphql-ws`, which Apollo
//! Client, urql and GraphiQL use).
//!
//! Why this module speaks the protocol itself, and leaves only execution to async-graphql
//! (`Schema::execute_stream`): the protocol's details are the contract with the clients, and
//! the server must hold them where async-graphql-axum's socket does not:
//! - **authentication in `connection_init`**, with the token's own rules (the same as over
//!   HTTP); a refused token closes the socket with `4403 Forbidden`, before anything runs;
//! - **a token that expires closes the connection** (`4403`, "the token expired"), so a
//!   connection never outlives the right to it; a client connects again with a new token;
//! - **the request limits of HTTP** (size, depth, cost, aliases) for every `subscribe`, and the
//!   arguments checked and the answers completed as the spec asks ([`crate::graphql::spec`]);
//! - **limits of its own** ([`LiveLimits`]): subscriptions per connection, open connections per
//!   organisation and for anonymous callers, an idle timeout, an init timeout (`4408`);
//! - the protocol's close codes: `4400` for a message that is not the protocol's, `4401` for a
//!   `subscribe` before `connection_ack`, `4409` for an id already running, `4429` for a second
//!   `connection_init`.
//!
//! Each subscription runs in a task of its own, with its own loaders (batched like an HTTP
//! request's, [`crate::graphql::stream_with_batches`]), and sends its events through a bounded
//! channel: a client that reads slowly slows only its own subscriptions. Only subscriptions run
//! here; queries and mutations go over HTTP, where the answer cache, the request timeout and the
//! metrics are.

use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::graphql::{self, Loaders};
use async_graphql::parser::types::OperationType;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The WebSocket subprotocol spoken here.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// Events a connection's subscriptions may have waiting to be sent before they pause.
const QUEUED_EVENTS: usize = 16;

/// The limits of live connections (`SUBSCRIPTIONS_PER_CONNECTION`, `WS_*`).
#[derive(Debug, Clone)]
pub struct LiveLimits {
    pub subscriptions_per_connection: usize,
    pub connections_per_organisation: usize,
    pub anonymous_connections: usize,
    pub anonymous_connections_per_address: usize,
    pub idle_timeout: Duration,
    pub init_timeout: Duration,
}

/// The open connections of this process per organisation (`None`: anonymous callers), and
/// the subscriptions running on them.
#[derive(Debug, Default)]
pub struct Connections {
    open: Mutex<HashMap<Holder, usize>>,
    subscriptions: std::sync::atomic::AtomicUsize,
}

/// A running subscription, counted while it lives.
struct Counted(Arc<Connections>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0
            .subscriptions
            .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Whose connections are counted together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Holder {
    /// One organisation's.
    Organisatie(i32),
    /// Every anonymous caller's.
    Anonymous,
    /// The anonymous callers' from one address.
    AnonymousFrom(std::net::IpAddr),
}

/// A connection's place among the open ones; given back when dropped.
struct Admission {
    connections: Arc<Connections>,
    key: Holder,
}

impl Connections {
    /// A place for one more connection of `key`, if fewer than `max` are open.
    fn admit(self: &Arc<Self>, key: Holder, max: usize) -> Option<Admission> {
        let mut open = self.open.lock().ok()?;
        let count = open.entry(key).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(Admission {
            connections: self.clone(),
            key,
        })
    }

    /// The connections open now (acknowledged ones) and the subscriptions running on them,
    /// for `/metrics`.
    pub fn counts(&self) -> (usize, usize) {
        let open = self.open.lock().map_or(0, |open| {
            open.iter()
                .filter(|(holder, _)| !matches!(holder, Holder::AnonymousFrom(_)))
                .map(|(_, n)| n)
                .sum()
        });
        let running = self
            .subscriptions
            .load(std::sync::atomic::Ordering::Relaxed);
        (open, running)
    }

    fn count(self: &Arc<Self>) -> Counted {
        self.subscriptions
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Counted(self.clone())
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        if let Ok(mut open) = self.connections.open.lock()
            && let Some(count) = open.get_mut(&self.key)
        {
            *count = count.saturating_sub(1);
        }
    }
}

/// Why the server closes a connection: a close code of the protocol and a reason.
struct Close(u16, String);

impl Close {
    fn new(code: u16, reason: impl Into<String>) -> Self {
        Self(code, reason.into())
    }
}

/// What a subscription task tells its connection.
enum Event {
    /// A message to send, from the subscription `id` started as number `run`.
    Send { id: String, run: u64, text: String },
    /// The subscription ended; `complete`: tell the client (not after an `error`).
    Done {
        id: String,
        run: u64,
        complete: bool,
    },
}

/// A connection after `connection_init`: who it is for, until when.
struct Acknowledged {
    principal: Option<Principal>,
    expires: Option<Instant>,
    _admission: Vec<Admission>,
}

/// A subscription of a connection: its run number, its task, and its place in the count.
struct Running {
    run: u64,
    task: tokio::task::AbortHandle,
    _counted: Counted,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One WebSocket connection.
struct Connection {
    state: AppState,
    request_id: String,
    /// The client's address, for the count of refused tokens.
    source: Option<std::net::IpAddr>,
    opened: Instant,
    session: Option<Acknowledged>,
    running: HashMap<String, Running>,
    runs: u64,
    idle_since: Instant,
    events: mpsc::Sender<Event>,
}

/// Serves one upgraded connection until either side closes it.
pub async fn serve(
    mut socket: WebSocket,
    state: AppState,
    request_id: String,
    source: Option<std::net::IpAddr>,
) {
    let (events, mut inbox) = mpsc::channel(QUEUED_EVENTS);
    let now = Instant::now();
    let mut connection = Connection {
        state,
        request_id,
        source,
        opened: now,
        session: None,
        running: HashMap::new(),
        runs: 0,
        idle_since: now,
        events,
    };
    let close = loop {
        let (deadline, why) = connection.deadline();
        let step = tokio::select! {
            message = socket.recv() => match message {
                Some(Ok(message)) => connection.receive(message, &mut socket).await,
                // The client went away.
                Some(Err(_)) | None => Err(None),
            },
            Some(event) = inbox.recv() => connection.forward(event, &mut socket).await,
            () = tokio::time::sleep_until(deadline) => match why {
                Some(why) => Err(Some(why)),
                None => Ok(()),
            },
        };
        if let Err(close) = step {
            break close;
        }
    };
    // Dropping the running subscriptions aborts their tasks.
    connection.running.clear();
    if let Some(Close(code, reason)) = close {
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from(close_reason(&reason)),
        };
        let _ = socket.send(Message::Close(Some(frame))).await;
    }
}

/// A close reason of at most 123 bytes (what a close frame holds), cut at a character.
fn close_reason(reason: &str) -> String {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason[..end].to_owned()
}

/// A step of the connection: `Err` ends it, with the close frame to send (none when the
/// client has gone).
type Step = Result<(), Option<Close>>;

impl Connection {
    fn limits(&self) -> LiveLimits {
        self.state.settings().live_limits()
    }

    /// The next moment the server may close the connection, and why: no `connection_init` in
    /// time, the token's expiry, or idleness; `None`: nothing is due then, look again.
    fn deadline(&self) -> (Instant, Option<Close>) {
        let limits = self.limits();
        let Some(session) = &self.session else {
            let why = Close::new(4408, "Connection initialisation timeout");
            return (self.opened + limits.init_timeout, Some(why));
        };
        let idle = match self.running.is_empty() {
            true => Some(self.idle_since + limits.idle_timeout),
            false => None,
        };
        let expired = "Forbidden: the token expired; connect again with a new one";
        let idle_close = "closed after WS_IDLE_TIMEOUT without a subscription";
        match (session.expires, idle) {
            (Some(expires), Some(idle)) if expires <= idle => {
                (expires, Some(Close::new(4403, expired)))
            }
            (Some(expires), None) => (expires, Some(Close::new(4403, expired))),
            (_, Some(idle)) => (idle, Some(Close::new(1000, idle_close))),
            (None, None) => (Instant::now() + Duration::from_secs(3600), None),
        }
    }

    /// Handles a message from the client.
    async fn receive(&mut self, message: Message, socket: &mut WebSocket) -> Step {
        let text = match message {
            Message::Text(text) => text,
            Message::Close(_) => return Err(None),
            // axum answers pings itself.
            Message::Ping(_) | Message::Pong(_) => return Ok(()),
            Message::Binary(_) => return Err(Some(Close::new(4400, "send text messages"))),
        };
        let message: Value = serde_json::from_str(text.as_str())
            .map_err(|_| Close::new(4400, "a message must be a JSON object"))?;
        let kind = message.get("type").and_then(Value::as_str).unwrap_or("");
        match kind {
            "connection_init" => self.init(message.get("payload"), socket).await,
            "ping" => send(socket, json!({ "type": "pong" })).await,
            "pong" => Ok(()),
            "subscribe" => self.subscribe(&message, socket).await,
            "complete" => {
                if let Some(id) = message.get("id").and_then(Value::as_str)
                    && self.running.remove(id).is_some()
                {
                    self.note_idle();
                }
                Ok(())
            }
            _ => Err(Some(Close::new(
                4400,
                format!("unknown message type {:?}", close_reason(kind)),
            ))),
        }
    }

    /// `connection_init`: authenticates the token in the payload (if any), admits the
    /// connection within the limits, and acknowledges it.
    async fn init(&mut self, payload: Option<&Value>, socket: &mut WebSocket) -> Step {
        if self.session.is_some() {
            return Err(Some(Close::new(4429, "Too many initialisation requests")));
        }
        let token = token_of(payload).map_err(|why| Close::new(4400, why))?;
        let (principal, expires) = match token {
            None => (None, None),
            Some(token) => match self.state.verify_token(&token, self.source).await {
                Ok((principal, exp)) => (Some(principal), Some(instant_of(exp))),
                Err(ApiError::Unauthenticated(why)) => {
                    return Err(Some(Close::new(4403, format!("Forbidden: {why}"))));
                }
                Err(ApiError::TooManyRequests { message, .. }) => {
                    return Err(Some(Close::new(1013, message)));
                }
                Err(error) => {
                    tracing::error!(error = %error.message(), "cannot check a subscriber's token");
                    return Err(Some(Close::new(1011, "cannot check the token now")));
                }
            },
        };
        let Some(admission) = self.admit(principal.as_ref()) else {
            let why = match principal {
                Some(_) => "too many connections of this organisation; try again later",
                None => "too many anonymous connections; try again later",
            };
            return Err(Some(Close::new(1013, why)));
        };
        self.session = Some(Acknowledged {
            principal,
            expires,
            _admission: admission,
        });
        self.idle_since = Instant::now();
        send(socket, json!({ "type": "connection_ack" })).await
    }

    /// Places among the open connections for `principal`: its organisation's, or for an
    /// anonymous caller both the anonymous callers' and those of its address; `None` when one
    /// of them is full.
    fn admit(&self, principal: Option<&Principal>) -> Option<Vec<Admission>> {
        let limits = self.limits();
        let connections = self.state.live_connections();
        let mut places = vec![(Holder::Anonymous, limits.anonymous_connections)];
        match (principal, self.source) {
            (Some(p), _) => {
                places = vec![(
                    Holder::Organisatie(p.organisatie_id),
                    limits.connections_per_organisation,
                )]
            }
            (None, Some(source)) => places.push((
                Holder::AnonymousFrom(source),
                limits.anonymous_connections_per_address,
            )),
            (None, None) => {}
        }
        places
            .into_iter()
            .map(|(holder, max)| connections.admit(holder, max))
            .collect()
    }

    /// `subscribe`: checks the request like an HTTP request and starts it in its own task, or
    /// answers `error` for it.
    async fn subscribe(&mut self, message: &Value, socket: &mut WebSocket) -> Step {
        let Some(session) = &self.session else {
            return Err(Some(Close::new(4401, "Unauthorized")));
        };
        let Some(id) = message.get("id").and_then(Value::as_str) else {
            return Err(Some(Close::new(4400, "a subscribe message needs an id")));
        };
        if self.running.contains_key(id) {
            let why = format!("Subscriber for {} already exists", close_reason(id));
            return Err(Some(Close::new(4409, why)));
        }
        let scope = self.state.db().scope(session.principal.clone());
        match self.prepare(message.get("payload"), &scope).await {
            Ok((request, written)) => self.start(id, request, written, scope),
            Err(errors) => send(socket, error_message(id, errors, &self.request_id)).await,
        }
    }

    /// The request of a `subscribe` payload, checked against the limits and the arguments;
    /// or the errors to answer with.
    async fn prepare(
        &self,
        payload: Option<&Value>,
        scope: &crate::db::Scope,
    ) -> Result<(async_graphql::Request, Option<graphql::spec::Written>), Vec<ServerError>> {
        let bad = |code: &str, message: &str| vec![server_error(code, message)];
        let Some(Value::Object(params)) = payload else {
            return Err(bad("BAD_REQUEST", "the payload must be a GraphQL request"));
        };
        let mut request = crate::transport::graphql_request(params)
            .map_err(|e| bad("BAD_REQUEST", &e.message()))?;
        let operation = self
            .state
            .settings()
            .limits()
            .check(&mut request)
            .map_err(|e| vec![e])?;
        if let Some(OperationType::Query | OperationType::Mutation) = operation.and_then(|o| o.kind)
        {
            let why = "this socket carries subscriptions; send queries and mutations with \
                       POST /graphql";
            return Err(bad("BAD_REQUEST", why));
        }
        let most = self.limits().subscriptions_per_connection;
        if self.running.len() >= most {
            let why = format!(
                "at most {most} subscriptions run at once on a connection \
                 (SUBSCRIPTIONS_PER_CONNECTION); complete one first"
            );
            return Err(bad("TOO_MANY_REQUESTS", &why));
        }
        let written = graphql::spec::prepare(&mut request);
        if let Some(written) = &written {
            let keys = self.keys().await.map_err(|e| vec![e])?;
            if let Err(refused) = graphql::with_keys(keys, written.check_arguments(scope)).await {
                return Err(refused.errors);
            }
        }
        Ok((request, written))
    }

    async fn keys(&self) -> Result<Arc<graphql::Keys>, ServerError> {
        self.state.id_keys().await.map_err(|e| {
            let error = ApiError::Internal(format!("cannot read the keys of ids and cursors: {e}"));
            async_graphql::Error::from(error).into_server_error(Default::default())
        })
    }

    /// Starts a checked subscription in its own task.
    fn start(
        &mut self,
        id: &str,
        request: async_graphql::Request,
        written: Option<graphql::spec::Written>,
        scope: crate::db::Scope,
    ) -> Step {
        self.runs += 1;
        let run = Run {
            id: id.to_owned(),
            number: self.runs,
            state: self.state.clone(),
            request_id: self.request_id.clone(),
            events: self.events.clone(),
        };
        let task = tokio::spawn(run.execute(request, written, scope)).abort_handle();
        let running = Running {
            run: self.runs,
            task,
            _counted: self.state.live_connections().count(),
        };
        self.running.insert(id.to_owned(), running);
        Ok(())
    }

    /// Passes an event of a subscription on to the client, unless the client completed that
    /// subscription meanwhile.
    async fn forward(&mut self, event: Event, socket: &mut WebSocket) -> Step {
        match event {
            Event::Send { id, run, text } => {
                if self.is_running(&id, run) {
                    socket
                        .send(Message::Text(text.into()))
                        .await
                        .map_err(|_| None)?;
                }
                Ok(())
            }
            Event::Done { id, run, complete } => {
                if !self.is_running(&id, run) {
                    return Ok(());
                }
                self.running.remove(&id);
                self.note_idle();
                match complete {
                    true => send(socket, json!({ "id": id, "type": "complete" })).await,
                    false => Ok(()),
                }
            }
        }
    }

    fn is_running(&self, id: &str, run: u64) -> bool {
        self.running.get(id).is_some_and(|r| r.run == run)
    }

    fn note_idle(&mut self) {
        if self.running.is_empty() {
            self.idle_since = Instant::now();
        }
    }
}

type ServerError = async_graphql::ServerError;

/// A running subscription: its id on the connection and what it needs to execute.
struct Run {
    id: String,
    number: u64,
    state: AppState,
    request_id: String,
    events: mpsc::Sender<Event>,
}

impl Run {
    /// Executes the subscription and sends its events until it ends, the client completes it,
    /// or the connection closes (which aborts this task).
    async fn execute(
        self,
        request: async_graphql::Request,
        written: Option<graphql::spec::Written>,
        scope: crate::db::Scope,
    ) {
        let keys = match self.state.id_keys().await {
            Ok(keys) => keys,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the keys of ids and cursors");
                let error = server_error("INTERNAL", "internal error");
                let text = error_message(&self.id, vec![error], &self.request_id).to_string();
                self.send(text).await;
                return self.done(false).await;
            }
        };
        let (loaders, queue) = Loaders::new(scope.clone());
        let request = request.data(loaders).data(scope);
        let schema = self.state.schema().clone();
        let stream = graphql::stream_with_batches(queue, schema.execute_stream(request));
        let sent = graphql::with_keys(keys, async {
            let mut stream = std::pin::pin!(stream);
            let mut first = true;
            while let Some(response) = stream.next().await {
                let mut response = match &written {
                    Some(written) => written.complete(response),
                    None => response,
                };
                // A first answer without data is a request error (a bad cursor, say): the
                // protocol's `error`, after which the subscription is over.
                let refused = first && response.data == async_graphql::Value::Null;
                first = false;
                let text = match refused {
                    true => error_message(&self.id, response.errors, &self.request_id),
                    false => {
                        with_request_id(&mut response.errors, &self.request_id);
                        json!({ "id": self.id, "type": "next", "payload": response })
                    }
                };
                if !self.send(text.to_string()).await || refused {
                    return false;
                }
            }
            true
        })
        .await;
        self.done(sent).await;
    }

    async fn send(&self, text: String) -> bool {
        let event = Event::Send {
            id: self.id.clone(),
            run: self.number,
            text,
        };
        self.events.send(event).await.is_ok()
    }

    async fn done(self, complete: bool) {
        let event = Event::Done {
            id: self.id,
            run: self.number,
            complete,
        };
        let _ = self.events.send(event).await;
    }
}

/// The token in a `connection_init` payload: `{"Authorization": "Bearer …"}` (as an HTTP
/// header; also `authorization`) or `{"token": "…"}`; `None` without either.
fn token_of(payload: Option<&Value>) -> Result<Option<String>, &'static str> {
    let object = match payload {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(object)) => object,
        Some(_) => return Err("the connection_init payload must be an object"),
    };
    let header = object
        .get("Authorization")
        .or_else(|| object.get("authorization"));
    let token = match (header, object.get("token")) {
        (Some(Value::String(header)), _) => header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or("expected Authorization: Bearer <token>")?,
        (None, Some(Value::String(token))) => token.as_str(),
        (None, None) => return Ok(None),
        _ => return Err("the token must be a string"),
    };
    match token.trim() {
        "" => Err("the token is empty"),
        token if token.len() > crate::app::MAX_TOKEN_BYTES => Err("the token is too large"),
        token => Ok(Some(token.to_owned())),
    }
}

/// The moment of a token's `exp` (seconds since the epoch) on the runtime's clock.
fn instant_of(exp: i64) -> Instant {
    let now = chrono::Utc::now().timestamp();
    let left = u64::try_from(exp.saturating_sub(now)).unwrap_or(0);
    Instant::now() + Duration::from_secs(left)
}

fn server_error(code: &str, message: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    error
}

/// Every error gets its code (as over HTTP) and the connection's request id.
fn with_request_id(errors: &mut [ServerError], request_id: &str) {
    graphql::spec::add_codes(errors);
    for error in errors {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("requestId", request_id);
    }
}

/// The protocol's `error` message for subscription `id`.
fn error_message(id: &str, mut errors: Vec<ServerError>, request_id: &str) -> Value {
    with_request_id(&mut errors, request_id);
    json!({ "id": id, "type": "error", "payload": errors })
}

async fn send(socket: &mut WebSocket, message: Value) -> Step {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .map_err(|_| None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_reason_is_cut_to_what_a_frame_holds_at_a_character() {
        let long = "é".repeat(100);
        let cut = close_reason(&long);
        assert!(cut.len() <= 123);
        assert_eq!(cut, "é".repeat(61));
    }

    #[test]
    fn the_token_is_read_from_an_authorization_entry_or_a_token_entry() {
        let header = json!({ "Authorization": "Bearer abc" });
        assert_eq!(token_of(Some(&header)), Ok(Some("abc".to_owned())));
        let plain = json!({ "token": "abc" });
        assert_eq!(token_of(Some(&plain)), Ok(Some("abc".to_owned())));
        assert_eq!(token_of(None), Ok(None));
        assert_eq!(token_of(Some(&json!({}))), Ok(None));
        assert!(token_of(Some(&json!({ "Authorization": "abc" }))).is_err());
        assert!(token_of(Some(&json!([1]))).is_err());
        assert!(token_of(Some(&json!({ "token": 5 }))).is_err());
    }

    #[test]
    fn connections_are_admitted_up_to_the_limit_and_given_back_when_closed() {
        let connections = Arc::new(Connections::default());
        let hu = Holder::Organisatie(1);
        let first = connections.admit(hu, 2);
        let second = connections.admit(hu, 2);
        assert!(first.is_some() && second.is_some());
        assert!(connections.admit(hu, 2).is_none());
        let other = connections.admit(Holder::Organisatie(2), 2);
        assert!(other.is_some(), "per organisation");
        drop(first);
        assert!(connections.admit(hu, 2).is_some());
        assert_eq!(
            connections.counts().0,
            2,
            "second and other; the last one was dropped"
        );
    }
}
