//! What the GraphQL spec asks of execution that async-graphql 7.2 does not do by itself:
//! the response in query order with errored fields `null` and nulls propagated
//! ([`complete`]), and the arguments of a request checked before anything runs, so that a
//! mistaken argument is a request error and not a `null` deep in an answer ([`arguments`]).
//! Both read the schema through one [`SchemaIndex`], built once per server.

mod arguments;
mod complete;
mod index;
mod reads;

pub use index::SchemaIndex;
pub use reads::Reads;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType,
};
use async_graphql::{Request, Response, Variables};
use std::sync::LazyLock;

/// The index of the schema the server runs (introspection on or off, its types are these).
static INDEX: LazyLock<SchemaIndex> =
    LazyLock::new(|| SchemaIndex::from_sdl(&super::sdl()).expect("the schema's own SDL parses"));

/// A request's operation as the client wrote it, kept to complete the answer.
pub struct Written {
    document: ExecutableDocument,
    operation_name: Option<String>,
    /// The request's variables with the operation's defaults for those it leaves out.
    variables: Variables,
}

/// Prepares a parsed request for execution (see [`complete::inject_typenames`]) and keeps the
/// document as the client wrote it; `None` when the request did not parse (then there is no
/// data to complete).
pub fn prepare(request: &mut Request) -> Option<Written> {
    let document = request.parsed_query().ok()?.clone();
    let mut prepared = document.clone();
    complete::inject_typenames(&mut prepared);
    request.set_parsed_query(prepared);
    let operation_name = request.operation_name.clone();
    let variables = match operation(&document, operation_name.as_deref()) {
        Some(op) => with_defaults(op, &request.variables),
        None => request.variables.clone(),
    };
    Some(Written {
        document,
        operation_name,
        variables,
    })
}

impl Written {
    /// Completes `response` to what the spec's execution of the operation gives: keys in query
    /// order, failed fields `null`, nulls propagated, one error per field.
    pub fn complete(&self, mut response: Response) -> Response {
        complete(&INDEX, self, &mut response);
        response
    }
}

impl Written {
    /// What the operation can read: the record types and whether it shows the caller's
    /// identity (see [`reads`]); everything when the operation cannot be found.
    pub fn reads(&self) -> Reads {
        let Some(operation) = operation(&self.document, self.operation_name.as_deref()) else {
            return Reads::ALL;
        };
        match root_type(&INDEX, operation) {
            Some(root) => reads::reads(&INDEX, &self.document, operation, root),
            None => Reads::ALL,
        }
    }
}

impl Written {
    /// The request errors of the operation's arguments and variables (see [`arguments`]):
    /// `Err` with the response to send instead of running it.
    pub async fn check_arguments(&self, scope: &crate::db::Scope) -> Result<(), Response> {
        let Some(operation) = operation(&self.document, self.operation_name.as_deref()) else {
            return Ok(());
        };
        let Some(root) = root_type(&INDEX, operation) else {
            return Ok(());
        };
        let errors = arguments::check(
            &INDEX,
            &self.document,
            operation,
            root,
            &self.variables,
            scope,
        )
        .await;
        match errors.is_empty() {
            true => Ok(()),
            false => Err(Response::from_errors(errors)),
        }
    }
}

/// A request error for a document that does not parse: `GRAPHQL_PARSE_FAILED`, with the
/// parser's reason on one line and the position.
pub fn parse_error(error: &async_graphql::parser::Error) -> async_graphql::ServerError {
    let text = error.to_string();
    // The parser's syntax message draws the line with a caret; its reason is the `= …` line.
    let reason = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .unwrap_or_else(|| text.lines().next().unwrap_or("syntax error"));
    let position = error.positions().next();
    let at = position.map_or(String::new(), |p| {
        format!(" at line {}, column {}", p.line, p.column)
    });
    let mut e = async_graphql::ServerError::new(
        format!("the query does not parse{at}: {reason}"),
        position,
    );
    e.extensions
        .get_or_insert_with(Default::default)
        .set("code", "GRAPHQL_PARSE_FAILED");
    e
}

/// Gives every error an `extensions.code`: those async-graphql raises itself have none. A
/// request error without one failed validation (`GRAPHQL_VALIDATION_FAILED`); a field error
/// without one is a value async-graphql could not read (`BAD_USER_INPUT`).
pub fn add_codes(errors: &mut [async_graphql::ServerError]) {
    for error in errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            let code = match error.path.is_empty() {
                true => "GRAPHQL_VALIDATION_FAILED",
                false => "BAD_USER_INPUT",
            };
            extensions.set("code", code);
        }
    }
}

/// The `extensions.code` of an error, if it has one (every error has one after [`add_codes`]).
pub fn code_of(error: &async_graphql::ServerError) -> Option<&str> {
    match error.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(code) => Some(code),
        _ => None,
    }
}

/// The HTTP status of an error that is the server's trouble, not the caller's mistake:
/// `INTERNAL` (500) or `TIMEOUT` (503, to try again); `None` for any other code.
pub fn server_status(code: &str) -> Option<axum::http::StatusCode> {
    match code {
        "INTERNAL" => Some(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
        "TIMEOUT" => Some(axum::http::StatusCode::SERVICE_UNAVAILABLE),
        _ => None,
    }
}

/// The root type an operation runs on; `None` when the schema has none of its kind.
fn root_type<'i>(index: &'i SchemaIndex, operation: &OperationDefinition) -> Option<&'i str> {
    match operation.ty {
        OperationType::Query => Some(index.query.as_str()),
        OperationType::Mutation => index.mutation.as_deref(),
        OperationType::Subscription => index.subscription.as_deref(),
    }
}

fn complete(index: &SchemaIndex, written: &Written, response: &mut Response) {
    complete::one_error_per_field(&mut response.errors);
    let document = &written.document;
    let Some(operation) = operation(document, written.operation_name.as_deref()) else {
        return;
    };
    let Some(root) = root_type(index, operation) else {
        return;
    };
    let data = std::mem::take(&mut response.data);
    let mut completion = complete::Completion::new(index, document, &written.variables);
    response.data = completion.data(data, root, &operation.selection_set.node);
}

/// The operation of `document` that ran: the one named `name`, or the only one.
fn operation<'d>(
    document: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        _ => None,
    }
}

/// The request's variables with the operation's defaults for those it leaves out.
fn with_defaults(operation: &OperationDefinition, variables: &Variables) -> Variables {
    let mut all = variables.clone();
    for definition in &operation.variable_definitions {
        let name = &definition.node.name.node;
        if let (false, Some(default)) = (all.contains_key(name), &definition.node.default_value) {
            all.insert(name.clone(), default.node.clone());
        }
    }
    all
}
