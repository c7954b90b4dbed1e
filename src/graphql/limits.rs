//! Limits against hostile or careless queries, checked before anything runs: document size,
//! nesting (a lexical scan before parsing, see [`super::nesting`]), the size of the document
//! with its fragments written out, and for the operation that runs: depth, aliases, root
//! fields and an estimated cost in which list fields weigh as much as the page they ask for.
//! Every refusal is a `BAD_USER_INPUT` error whose `extensions.limit` names the limit and
//! whose message says the maximum and the setting.
//!
//! Written here rather than with async-graphql's `limit_depth`/`limit_complexity` because those
//! answer without an error code and have no alias, root-field or page-size notion.
//!
//! Every measure is linear in the size of the document. Fragments are measured once each and
//! their measures reused wherever they are spread (a document of 40 fragments that each spread
//! the next one twice describes 2^40 fields; it is measured in 80 steps and refused). That
//! matters twice: for this walk, and because async-graphql's own checks inside `execute`
//! (`check_recursive_depth`, `check_max_directives`, validation) do write fragments out, in
//! synchronous code that no timeout can interrupt. They only ever see documents whose
//! written-out size is within [`Limits::max_selections`], in every operation, selected or not.

use super::nesting::{self, MAX_INPUT_DEPTH, MAX_SELECTION_DEPTH, TooDeep};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationDefinition, OperationType, Selection,
    SelectionSet,
};
use async_graphql::{Name, Pos, Positioned, Request, ServerError, Value, Variables};
use std::collections::HashMap;

/// The limits, with the settings (environment variables) that change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// `GRAPHQL_MAX_DEPTH`: nesting of fields.
    pub max_depth: usize,
    /// `GRAPHQL_MAX_COST`: estimated cost; a field costs 1, a list field `first`/`last` (or its
    /// default page) times what it selects.
    pub max_cost: usize,
    /// `GRAPHQL_MAX_ALIASES`: aliased fields in the operation.
    pub max_aliases: usize,
    /// `GRAPHQL_MAX_ROOT_FIELDS`: fields at the root of the operation.
    pub max_root_fields: usize,
    /// `GRAPHQL_MAX_DOCUMENT_BYTES`: size of the query text.
    pub max_document_bytes: usize,
    /// `GRAPHQL_MAX_SELECTIONS`: fields in the whole document with its fragments written out.
    pub max_selections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 15,
            max_cost: 10_000,
            max_aliases: 30,
            max_root_fields: 10,
            max_document_bytes: 16 * 1024,
            max_selections: 2_000,
        }
    }
}

/// The page a list field returns when the query gives neither `first` nor `last`; other
/// fields return one value. `in_feed`: the field is one of the feed's (`Query.wijzigingen`)
/// own, where `wijzigingen` is the page the feed's size already counts.
fn default_page_size(field_name: &str, in_feed: bool) -> usize {
    match field_name {
        "rijkspartners" | "kennisinstellingen" | "fieldlabs" | "lectoraten" | "minoren"
        | "communities" | "opdrachten" | "auditTrail" => super::paging::DEFAULT_PAGE_SIZE,
        "wijzigingen" if !in_feed => super::wijzigingen::DEFAULT_FEED_PAGE,
        _ => 1,
    }
}

/// Whether the fields of a selection set are the feed's own: the set of a `wijzigingen` field.
fn is_feed(field_name: &str) -> bool {
    field_name == "wijzigingen"
}

/// An error with `extensions.code` and, for a limit, `extensions.limit`.
fn limit_error(code: &str, limit: Option<&str>, message: String, pos: Option<Pos>) -> ServerError {
    let mut error = ServerError::new(message, pos);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    if let Some(limit) = limit {
        extensions.set("limit", limit);
    }
    error.extensions = Some(extensions);
    error
}

fn too_many(limit: &str, message: String) -> ServerError {
    limit_error("BAD_USER_INPUT", Some(limit), message, None)
}

fn too_deep() -> ServerError {
    too_many(
        "maxDepth",
        format!(
            "selection sets and fragments are nested more than {MAX_SELECTION_DEPTH} levels deep; \
             ask for fewer nested fields"
        ),
    )
}

/// The measures of a selection set, with its fragments written out.
#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    /// Estimated cost.
    cost: usize,
    /// Aliased fields.
    aliases: usize,
    /// Fields.
    fields: usize,
    /// Fields at the set's own level (through fragments).
    width: usize,
    /// Levels of fields: 1 for a set of leaves.
    field_depth: usize,
    /// Levels of selection sets below it, fragments included (as async-graphql counts them).
    depth: usize,
}

impl Measure {
    /// The measures of two parts of one selection set.
    fn plus(self, other: Measure) -> Measure {
        Measure {
            cost: self.cost.saturating_add(other.cost),
            aliases: self.aliases.saturating_add(other.aliases),
            fields: self.fields.saturating_add(other.fields),
            width: self.width.saturating_add(other.width),
            field_depth: self.field_depth.max(other.field_depth),
            depth: self.depth.max(other.depth),
        }
    }
}

/// A fragment's selection set as part of the set around it: one level deeper.
fn nested(inner: Measure) -> Measure {
    Measure {
        depth: inner.depth + 1,
        ..inner
    }
}

/// Measures selection sets of one document, each fragment once.
struct CostMeter<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    /// The operation whose variable defaults page sizes fall back on.
    operation: Option<&'a OperationDefinition>,
    /// Measured fragments, by name and whether they are spread in the feed's selection; `None`
    /// while a fragment is being measured (a spread of it then is a cycle).
    measured: HashMap<(&'a Name, bool), Option<Measure>>,
}

impl<'a> CostMeter<'a> {
    fn new(
        document: &'a ExecutableDocument,
        variables: &'a Variables,
        operation: Option<&'a OperationDefinition>,
    ) -> Self {
        Self {
            document,
            variables,
            operation,
            measured: HashMap::new(),
        }
    }

    /// Measures a selection set at `level` levels of selection sets below the root; `in_feed`:
    /// it is the selection of the change feed (see [`default_page_size`]).
    fn measure(
        &mut self,
        set: &'a SelectionSet,
        level: usize,
        in_feed: bool,
    ) -> Result<Measure, ServerError> {
        if level > MAX_SELECTION_DEPTH {
            return Err(too_deep());
        }
        let mut measure = Measure::default();
        for selection in &set.items {
            let part = match &selection.node {
                Selection::Field(field) => self.measure_field(&field.node, level, in_feed)?,
                Selection::InlineFragment(fragment) => {
                    nested(self.measure(&fragment.node.selection_set.node, level + 1, in_feed)?)
                }
                Selection::FragmentSpread(spread) => {
                    match self.fragment(&spread.node.fragment_name, level + 1, in_feed)? {
                        Some(inner) => nested(inner),
                        // An unknown fragment: validation reports it.
                        None => Measure::default(),
                    }
                }
            };
            measure = measure.plus(part);
        }
        if level + measure.depth > MAX_SELECTION_DEPTH {
            return Err(too_deep());
        }
        Ok(measure)
    }

    fn measure_field(
        &mut self,
        field: &'a Field,
        level: usize,
        in_feed: bool,
    ) -> Result<Measure, ServerError> {
        let alias = usize::from(field.alias.is_some());
        if field.selection_set.node.items.is_empty() {
            return Ok(Measure {
                cost: 1,
                aliases: alias,
                fields: 1,
                width: 1,
                field_depth: 1,
                depth: 0,
            });
        }
        let name = field.name.node.as_str();
        let children = self.measure(&field.selection_set.node, level + 1, is_feed(name))?;
        let factor = self.page_size(field, in_feed);
        Ok(Measure {
            cost: factor.saturating_mul(children.cost).saturating_add(1),
            aliases: children.aliases.saturating_add(alias),
            fields: children.fields.saturating_add(1),
            width: 1,
            field_depth: children.field_depth + 1,
            depth: children.depth + 1,
        })
    }

    /// The measures of the fragment `name`, measured the first time it is spread.
    fn fragment(
        &mut self,
        name: &'a Positioned<Name>,
        level: usize,
        in_feed: bool,
    ) -> Result<Option<Measure>, ServerError> {
        let document = self.document;
        let Some(fragment) = document.fragments.get(&name.node) else {
            return Ok(None);
        };
        let key = (&name.node, in_feed);
        match self.measured.get(&key) {
            Some(Some(measure)) => return Ok(Some(*measure)),
            Some(None) => {
                return Err(limit_error(
                    "GRAPHQL_VALIDATION_FAILED",
                    None,
                    format!(
                        "the fragment `{}` spreads itself, directly or through other fragments",
                        name.node
                    ),
                    Some(name.pos),
                ));
            }
            None => {}
        }
        self.measured.insert(key, None);
        let measure = self.measure(&fragment.node.selection_set.node, level, in_feed)?;
        self.measured.insert(key, Some(measure));
        Ok(Some(measure))
    }

    /// How many rows a field returns at most: the larger of `first` and `last` as execution
    /// will see them (a literal, a variable's value, or else its default; `null` is the same
    /// as leaving it out), or the field's default page.
    fn page_size(&self, field: &Field, in_feed: bool) -> usize {
        let size = |name: &str| {
            field
                .get_argument(name)
                .and_then(|value| self.number(value))
        };
        match (size("first"), size("last")) {
            (None, None) => default_page_size(field.name.node.as_str(), in_feed),
            (first, last) => {
                let n = first.unwrap_or(0).max(last.unwrap_or(0));
                usize::try_from(n).unwrap_or(usize::MAX)
            }
        }
    }

    /// A whole number argument as execution will see it: a literal, the variable's value,
    /// or else its default; `None` for null, absent or not a whole number.
    fn number(&self, value: &Positioned<async_graphql_value::Value>) -> Option<u64> {
        let value = value
            .node
            .clone()
            .into_const_with(|name| self.variable(&name).ok_or(()))
            .ok()?;
        match value {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// A variable's value: the request's, or else the default of the operation's definition.
    fn variable(&self, name: &Name) -> Option<Value> {
        if let Some(value) = self.variables.get(name) {
            return Some(value.clone());
        }
        self.operation?
            .variable_definitions
            .iter()
            .find(|d| d.node.name.node == *name)?
            .node
            .default_value
            .as_ref()
            .map(|d| d.node.clone())
    }
}

/// What a request runs, as far as the handler needs to know before running it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The operation's name: the request's `operationName`, or the name of the only operation.
    pub name: Option<String>,
    /// Query or mutation; `None` when the document does not say which operation runs (that is
    /// an error execution reports).
    pub kind: Option<OperationType>,
}

impl Limits {
    /// Checks `request`'s document against the limits, parsing it only once its nesting is
    /// known to be safe. The parsed document goes into the request, so execution does not
    /// parse it again. A document that does not parse is a `GRAPHQL_PARSE_FAILED` error.
    ///
    /// Done here rather than in an async-graphql extension: with an extension registered,
    /// async-graphql routes every field of every answer through the extension chain, a cost
    /// per resolved value that a page of 100 opdrachten pays ~2,500 times.
    pub fn check(&self, request: &mut Request) -> Result<Option<Operation>, ServerError> {
        over_limit(
            "maxDocumentBytes",
            request.query.len(),
            self.max_document_bytes,
            |n| format!("the query is {n} bytes"),
            "GRAPHQL_MAX_DOCUMENT_BYTES)",
        )?;
        match nesting::scan(&request.query) {
            Ok(()) => {}
            Err(TooDeep::Selections) => return Err(too_deep()),
            Err(TooDeep::Values) => {
                return Err(too_many(
                    "maxInputDepth",
                    format!(
                        "a value (list or input object), variable type or default value is \
                         nested more than {MAX_INPUT_DEPTH} levels deep"
                    ),
                ));
            }
        }
        let document = async_graphql::parser::parse_query(&request.query)
            .map_err(|e| super::spec::parse_error(&e))?;
        self.check_document(&document, &request.variables)?;
        let chosen = chosen_operation(&document, request.operation_name.as_deref());
        if let Some((_, operation)) = chosen {
            self.check_operation(&document, operation, &request.variables)?;
        }
        let operation = Operation {
            name: request
                .operation_name
                .clone()
                .or_else(|| chosen.and_then(|(name, _)| name.map(str::to_owned))),
            kind: chosen.map(|(_, operation)| operation.ty),
        };
        request.set_parsed_query(document);
        Ok(Some(operation))
    }

    /// What holds for the whole document, whichever operation runs: no fragment cycles, and a
    /// bounded size with the fragments written out.
    fn check_document(
        &self,
        document: &ExecutableDocument,
        variables: &Variables,
    ) -> Result<(), ServerError> {
        let mut meter = CostMeter::new(document, variables, None);
        let mut fields = 0usize;
        for (_, operation) in document.operations.iter() {
            let measure = meter.measure(&operation.node.selection_set.node, 0, false)?;
            fields = fields.saturating_add(measure.fields);
        }
        over_limit(
            "maxSelections",
            fields,
            self.max_selections,
            |n| format!("the document has {n} fields with its fragments written out"),
            "GRAPHQL_MAX_SELECTIONS)",
        )?;
        Ok(())
    }

    /// The limits of the operation that runs.
    fn check_operation(
        &self,
        document: &ExecutableDocument,
        operation: &OperationDefinition,
        variables: &Variables,
    ) -> Result<(), ServerError> {
        let mut meter = CostMeter::new(document, variables, Some(operation));
        let measure = meter.measure(&operation.selection_set.node, 0, false)?;
        over_limit(
            "maxRootFields",
            measure.width,
            self.max_root_fields,
            |n| format!("the operation has {n} root fields"),
            "GRAPHQL_MAX_ROOT_FIELDS): split it into several requests",
        )?;
        over_limit(
            "maxDepth",
            measure.field_depth,
            self.max_depth,
            |n| format!("the query is nested {n} levels deep"),
            "GRAPHQL_MAX_DEPTH)",
        )?;
        over_limit(
            "maxAliases",
            measure.aliases,
            self.max_aliases,
            |n| format!("the query has {n} aliased fields"),
            "GRAPHQL_MAX_ALIASES)",
        )?;
        over_limit(
            "maxCost",
            measure.cost,
            self.max_cost,
            |n| format!("the query's estimated cost is {n}"),
            "GRAPHQL_MAX_COST). Ask for smaller pages (first/last) or fewer nested lists",
        )
    }
}

/// `Err` when the measure `n` of `limit` is over `max`: "<what n is>; the maximum is <max>
/// (<setting and advice>".
fn over_limit(
    limit: &str,
    n: usize,
    max: usize,
    describe: impl FnOnce(usize) -> String,
    setting: &str,
) -> Result<(), ServerError> {
    if n <= max {
        return Ok(());
    }
    Err(too_many(
        limit,
        format!("{}; the maximum is {max} ({setting}", describe(n)),
    ))
}

/// The operation a request runs, with its name: the one named by `operationName`, or the only
/// one. `None` when that is not clear; execution reports it.
fn chosen_operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<(Option<&'a str>, &'a OperationDefinition)> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), None) => Some((None, &op.node)),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(n, op)| (Some(n.as_str()), &op.node)),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops
            .iter()
            .next()
            .map(|(n, op)| (Some(n.as_str()), &op.node)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, variables: serde_json::Value, name: Option<&str>) -> Result<(), String> {
        let mut request = Request::new(query).variables(Variables::from_json(variables));
        if let Some(name) = name {
            request = request.operation_name(name);
        }
        let limits = Limits {
            max_document_bytes: usize::MAX,
            ..Limits::default()
        };
        match limits.check(&mut request) {
            Ok(_) => Ok(()),
            Err(e) => Err(e
                .extensions
                .and_then(|x| x.get("limit").cloned())
                .map(|l| l.to_string())
                .unwrap_or(e.message)),
        }
    }

    #[test]
    fn fragment_cycles_are_refused_before_anything_walks_them() {
        let q =
            "query { ...A } fragment A on Query { ...B ...B } fragment B on Query { ...A ...A }";
        assert!(
            check(q, serde_json::json!({}), None)
                .unwrap_err()
                .contains("spreads itself")
        );
    }

    #[test]
    fn a_long_chain_of_fragments_is_refused_for_its_depth() {
        let mut q = String::from("query { ...F0 }\n");
        for i in 0..2_000 {
            q.push_str(&format!("fragment F{i} on Query {{ ...F{} }}\n", i + 1));
        }
        q.push_str("fragment F2000 on Query { __typename }");
        assert_eq!(
            check(&q, serde_json::json!({}), None).unwrap_err(),
            "\"maxDepth\""
        );
    }

    #[test]
    fn page_sizes_are_the_ones_execution_uses() {
        let deep = |args: &str| {
            format!(
                "query Q($n: Int = 100) {{ rijkspartners({args}) {{ nodes {{ opdrachten({args}) \
                 {{ nodes {{ naam }} }} }} }} }}"
            )
        };
        let cost = |q: &str, v| check(q, v, None);
        assert_eq!(
            cost(&deep("last: null, first: 100"), serde_json::json!({})).unwrap_err(),
            "\"maxCost\""
        );
        assert_eq!(
            cost(&deep("first: $n"), serde_json::json!({})).unwrap_err(),
            "\"maxCost\""
        );
        assert_eq!(
            cost(&deep("first: $n"), serde_json::json!({ "n": null })),
            Ok(())
        );
        assert_eq!(
            cost(&deep("first: $n"), serde_json::json!({ "n": 5 })),
            Ok(())
        );
        assert_eq!(
            cost(&deep("first: 5, last: 100"), serde_json::json!({})).unwrap_err(),
            "\"maxCost\""
        );
    }

    #[test]
    fn the_feeds_page_counts_once_not_again_for_its_list_of_changes() {
        let feed = "{ wijzigingen(first: 500) { cursor wijzigingen { id record { id } } } }";
        assert_eq!(check(feed, serde_json::json!({}), None), Ok(()));
        let default = "{ wijzigingen { wijzigingen { record { ... on Fieldlab { opdrachten(first: 100) { totalCount } } } } } }";
        assert_eq!(
            check(default, serde_json::json!({}), None).unwrap_err(),
            "\"maxCost\""
        );
    }

    #[test]
    fn only_the_selected_operation_counts() {
        let aliases: Vec<String> = (0..31).map(|i| format!("a{i}: __typename")).collect();
        let q = format!(
            "query A {{ __typename }} query B {{ me {{ {} }} }}",
            aliases.join(" ")
        );
        assert_eq!(check(&q, serde_json::json!({}), Some("A")), Ok(()));
        assert_eq!(
            check(&q, serde_json::json!({}), Some("B")).unwrap_err(),
            "\"maxAliases\""
        );
    }

    #[test]
    fn root_fields_are_counted_through_fragments() {
        let fields: Vec<String> = (0..11).map(|i| format!("a{i}: __typename")).collect();
        let q = format!(
            "query {{ ...R }} fragment R on Query {{ {} }}",
            fields.join(" ")
        );
        assert_eq!(
            check(&q, serde_json::json!({}), None).unwrap_err(),
            "\"maxRootFields\""
        );
    }
}
