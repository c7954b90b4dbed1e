//! What the GraphQL spec asks of execution that async-graphql 7.2 does not do by itself:
//! the response in query order with errored fields `null` and nulls propagated
//! ([`complete`]), and the arguments of a request checked before anything runs, so that a
//! mistaken argument is a request error and not a `null` deep in an answer ([`arguments`]).
//! Both read the schema through one [`SchemaIndex`], built once per server.

mod complete;
mod index;

pub use index::SchemaIndex;

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
    Some(Written {
        document,
        operation_name: request.operation_name.clone(),
        variables: request.variables.clone(),
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

fn complete(index: &SchemaIndex, written: &Written, response: &mut Response) {
    complete::one_error_per_field(&mut response.errors);
    let document = &written.document;
    let Some(operation) = operation(document, written.operation_name.as_deref()) else {
        return;
    };
    let root = match operation.ty {
        OperationType::Query => index.query.as_str(),
        OperationType::Mutation => match &index.mutation {
            Some(m) => m.as_str(),
            None => return,
        },
        OperationType::Subscription => return,
    };
    let variables = with_defaults(operation, &written.variables);
    let data = std::mem::take(&mut response.data);
    let mut completion = complete::Completion::new(index, document, &variables);
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
