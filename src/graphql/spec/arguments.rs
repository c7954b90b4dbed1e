//! The arguments of a request, checked before anything runs.
//!
//! A resolver that refuses its arguments fails only its own field, and with the spec's null
//! propagation one mistaken `first: 101` deep in a query would null a whole page. The spec
//! treats a value that does not fit its type as a request error ("CoerceArgumentValues",
//! "CoerceVariableValues"), and so does this module, for the checks resolvers would make on
//! their arguments alone as well: page sizes and cursors, filters, the feed's and the audit
//! trail's windows. Such a request gets `400` with every problem, and nothing runs.
//!
//! The checks are the resolvers' own functions ([`paging::check_window`], the filters'
//! `condition`, the feed's window), so the two cannot disagree; resolvers keep calling them.
//! Values are coerced here with the argument's path in the message
//! (`filter.startdatumVanaf`, `$input.themas[2]`), which async-graphql's messages lack.
//!
//! The walk visits every field of the operation once, and every fragment once (whatever its
//! number of spreads), so it is linear in the size of the document.

use super::index::{FieldShape, SchemaIndex, TypeShape};
use crate::db::Scope;
use crate::error::{ApiError, FieldProblem};
use crate::graphql::{filters, paging, wijzigingen};
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet, Type,
};
use async_graphql::{InputType, Name, Positioned, ServerError, Value, Variables};
use std::collections::HashSet;

/// At most this many problems are listed per field (a list of a million wrong items is one
/// mistake, not a million messages).
const MAX_PROBLEMS: usize = 20;

/// A field of the operation with its schema field.
struct Occurrence<'d> {
    field: &'d Positioned<Field>,
    shape: &'d FieldShape,
    parent: &'d str,
}

/// The request errors of the arguments and variables of `operation`: empty when it may run.
pub async fn check(
    index: &SchemaIndex,
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    root: &str,
    variables: &Variables,
    scope: &Scope,
) -> Vec<ServerError> {
    let mut errors = Vec::new();
    let problems = variable_problems(index, operation, variables);
    if !problems.is_empty() {
        errors.push(error(
            problems,
            operation.variable_definitions.first().map(|d| d.pos),
        ));
        return errors;
    }
    let mut walk = Walk {
        index,
        document,
        fragments: HashSet::new(),
        found: Vec::new(),
    };
    walk.visit(root, &operation.selection_set.node);
    for occurrence in walk.found {
        if let Err(problems) = field_arguments(index, &occurrence, variables, scope).await {
            errors.push(error(problems, Some(occurrence.field.pos)));
        }
    }
    errors
}

fn error(problems: Vec<FieldProblem>, pos: Option<async_graphql::Pos>) -> ServerError {
    let error = async_graphql::Error::from(ApiError::BadUserInput { problems });
    error.into_server_error(pos.unwrap_or_default())
}

/// The fields of an operation whose arguments are checked: those the schema knows (others
/// are validation's to report).
struct Walk<'d> {
    index: &'d SchemaIndex,
    document: &'d ExecutableDocument,
    fragments: HashSet<&'d str>,
    found: Vec<Occurrence<'d>>,
}

impl<'d> Walk<'d> {
    fn visit(&mut self, parent: &'d str, set: &'d SelectionSet) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let Some((parent, shape)) =
                        self.index.field_entry(parent, &field.node.name.node)
                    else {
                        continue;
                    };
                    if !field.node.arguments.is_empty() || !shape.args.is_empty() {
                        self.found.push(Occurrence {
                            field,
                            shape,
                            parent,
                        });
                    }
                    if let Some(inner) = self.index.named(&shape.ty) {
                        self.visit(inner, &field.node.selection_set.node);
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let on = match &fragment.node.type_condition {
                        Some(c) => self.index.entry(&c.node.on.node).map(|(n, _)| n),
                        None => Some(parent),
                    };
                    if let Some(on) = on {
                        self.visit(on, &fragment.node.selection_set.node);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some((name, fragment)) = self.document.fragments.get_key_value(name) else {
                        continue;
                    };
                    let on = &fragment.node.type_condition.node.on.node;
                    if self.fragments.insert(name.as_str())
                        && let Some((on, _)) = self.index.entry(on)
                    {
                        self.visit(on, &fragment.node.selection_set.node);
                    }
                }
            }
        }
    }
}

/// Problems with the request's variables: a required one left out, or a value that does not
/// fit the variable's type (path `$name…`).
fn variable_problems(
    index: &SchemaIndex,
    operation: &OperationDefinition,
    variables: &Variables,
) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    for definition in &operation.variable_definitions {
        let d = &definition.node;
        let path = format!("${}", d.name.node);
        match variables.get(&d.name.node) {
            Some(value) => coerce(index, &d.var_type.node, value, &path, &mut problems),
            None if d.default_value.is_none() && !d.var_type.node.nullable => problems.push(
                problem(&path, format!("is required (of type {})", d.var_type.node)),
            ),
            None => {}
        }
    }
    problems
}

fn problem(field: &str, message: impl Into<String>) -> FieldProblem {
    FieldProblem {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// The arguments of one field, given or by default, with variables filled in.
type Arguments = Vec<(String, Value)>;

/// Checks the arguments of one field: each fits its type, then what the field's resolver
/// would check of them.
async fn field_arguments(
    index: &SchemaIndex,
    occurrence: &Occurrence<'_>,
    variables: &Variables,
    scope: &Scope,
) -> Result<(), Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut arguments = Arguments::new();
    for (name, value) in &occurrence.field.node.arguments {
        let Some((_, shape)) = occurrence
            .shape
            .args
            .iter()
            .find(|(n, _)| n == name.node.as_str())
        else {
            continue;
        };
        let value = value.node.clone().into_const_with(|v| {
            Ok::<_, std::convert::Infallible>(variables.get(&v).cloned().unwrap_or(Value::Null))
        });
        let Ok(value) = value;
        coerce(index, &shape.ty, &value, name.node.as_str(), &mut problems);
        arguments.push((name.node.to_string(), value));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    for (name, shape) in &occurrence.shape.args {
        if let (false, Some(default)) = (arguments.iter().any(|(n, _)| n == name), &shape.default) {
            arguments.push((name.clone(), default.clone()));
        }
    }
    resolver_checks(index, occurrence, &arguments, scope)
        .await
        .map_err(|e| match e {
            ApiError::BadUserInput { problems } => problems,
            other => vec![problem("", other.message())],
        })
}

fn argument<'a>(arguments: &'a Arguments, name: &str) -> Option<&'a Value> {
    arguments
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
        .filter(|v| !matches!(v, Value::Null))
}

fn int(arguments: &Arguments, name: &str) -> Option<i32> {
    match argument(arguments, name)? {
        Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
        _ => None,
    }
}

fn string(arguments: &Arguments, name: &str) -> Option<String> {
    match argument(arguments, name)? {
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// What the resolver of the field would refuse of its arguments alone.
async fn resolver_checks(
    index: &SchemaIndex,
    occurrence: &Occurrence<'_>,
    arguments: &Arguments,
    scope: &Scope,
) -> Result<(), ApiError> {
    let name = occurrence.field.node.name.node.as_str();
    let has = |a: &str| occurrence.shape.args.iter().any(|(n, _)| n == a);
    if ["first", "after", "last", "before", "orderBy"]
        .iter()
        .all(|a| has(a))
    {
        let window = paging::Window {
            first: int(arguments, "first"),
            after: string(arguments, "after"),
            last: int(arguments, "last"),
            before: string(arguments, "before"),
        };
        let (sort, direction) = ordering(index, occurrence, arguments);
        paging::check_window(name, &window, &sort, direction)?;
    }
    if let (Some(filter), Some((_, shape))) = (
        argument(arguments, "filter"),
        occurrence.shape.args.iter().find(|(n, _)| n == "filter"),
    ) && let Some(type_name) = index.named(&shape.ty)
    {
        check_filter(type_name, filter.clone(), scope).await?;
    }
    match (occurrence.parent, name) {
        ("Query", "wijzigingen") => {
            let count = match argument(arguments, "recordTypes") {
                Some(Value::List(l)) => l.len(),
                _ => 0,
            };
            let after = string(arguments, "after");
            wijzigingen::feed_window(int(arguments, "first"), after.as_deref(), count)?;
        }
        ("Query", "auditTrail") => {
            let after = string(arguments, "after");
            wijzigingen::audit_window(int(arguments, "first"), after.as_deref())?;
        }
        _ => {}
    }
    Ok(())
}

/// The sort field (the GraphQL name of its enum value) and direction of a list field, from
/// its `orderBy` argument or the defaults of its input type.
fn ordering(
    index: &SchemaIndex,
    occurrence: &Occurrence<'_>,
    arguments: &Arguments,
) -> (String, paging::Direction) {
    let input = occurrence
        .shape
        .args
        .iter()
        .find(|(n, _)| n == "orderBy")
        .and_then(|(_, s)| index.named(&s.ty))
        .and_then(|t| match index.get(t) {
            Some(TypeShape::Input(fields)) => Some(fields),
            _ => None,
        });
    let given = argument(arguments, "orderBy");
    let part = |name: &str| -> String {
        let value = match given {
            Some(Value::Object(o)) => o.get(name).cloned(),
            _ => None,
        };
        let default = input
            .and_then(|fields| fields.iter().find(|(n, _)| n == name))
            .and_then(|(_, s)| s.default.clone());
        match value.or(default) {
            Some(Value::Enum(e)) => e.to_string(),
            Some(Value::String(s)) => s,
            _ => String::new(),
        }
    };
    let direction = match part("richting").as_str() {
        "DESC" => paging::Direction::Desc,
        _ => paging::Direction::Asc,
    };
    (part("veld"), direction)
}

/// The problems the filter of type `type_name` finds in `value` (its own `condition`, whose
/// result is dropped).
async fn check_filter(type_name: &str, value: Value, scope: &Scope) -> Result<(), ApiError> {
    macro_rules! filters {
        ($($filter:ty),*) => {
            $(if type_name == <$filter as InputType>::type_name() {
                return parsed::<$filter>(value)?.condition(scope).await.map(drop);
            })*
        };
    }
    filters!(
        filters::OpdrachtFilter,
        filters::FieldlabFilter,
        filters::RijkspartnerFilter,
        filters::KennisinstellingFilter,
        filters::LectoraatFilter,
        filters::MinorFilter,
        filters::CommunityFilter
    );
    if type_name == <wijzigingen::AuditFilterInput as InputType>::type_name() {
        return parsed::<wijzigingen::AuditFilterInput>(value)?
            .as_filter()
            .map(drop);
    }
    Ok(())
}

fn parsed<T: InputType>(value: Value) -> Result<T, ApiError> {
    T::parse(Some(value))
        .map_err(|e| ApiError::bad_input("filter", e.into_server_error(Default::default()).message))
}

/// Checks that `value` fits `ty` (the spec's input coercion), adding a problem per misfit at
/// its path.
fn coerce(index: &SchemaIndex, ty: &Type, value: &Value, path: &str, out: &mut Vec<FieldProblem>) {
    if out.len() >= MAX_PROBLEMS {
        return;
    }
    match (&ty.base, value) {
        (_, Value::Null) if ty.nullable => {}
        (_, Value::Null) => out.push(problem(path, format!("must not be null (of type {ty})"))),
        (BaseType::List(item), Value::List(items)) => {
            for (i, v) in items.iter().enumerate() {
                coerce(index, item, v, &format!("{path}[{i}]"), out);
            }
        }
        (BaseType::List(item), v) => coerce(index, item, v, path, out),
        (BaseType::Named(name), v) => {
            if let Some(message) = named_problem(index, name, v, path, out) {
                out.push(problem(path, message));
            }
        }
    }
}

/// Why `value` is not a value of the named type `name` (`None`: it is, or the problems of its
/// fields went to `out`).
fn named_problem(
    index: &SchemaIndex,
    name: &Name,
    value: &Value,
    path: &str,
    out: &mut Vec<FieldProblem>,
) -> Option<String> {
    let fits = match (name.as_str(), value) {
        ("Int", Value::Number(n)) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        ("Int", _) => false,
        ("Float", Value::Number(_)) => true,
        ("String", Value::String(_)) => true,
        ("Boolean", Value::Boolean(_)) => true,
        ("ID", Value::String(_)) => true,
        ("ID", Value::Number(n)) => n.is_i64(),
        ("Float" | "String" | "Boolean" | "ID", _) => false,
        ("Date", v) => return scalar::<crate::graphql::types::Date>(v),
        ("DateTime", v) => return scalar::<crate::graphql::types::Timestamp>(v),
        (other, v) => return composite_problem(index, other, v, path, out),
    };
    (!fits).then(|| match name.as_str() {
        "Int" => "must be a whole number from -2147483648 to 2147483647".to_owned(),
        other => format!("must be a value of type {other}"),
    })
}

/// Why `value` is not a value of the enum or input object type `name`.
fn composite_problem(
    index: &SchemaIndex,
    name: &str,
    value: &Value,
    path: &str,
    out: &mut Vec<FieldProblem>,
) -> Option<String> {
    match (index.get(name)?, value) {
        (TypeShape::Enum(values), Value::Enum(v)) if values.contains(v.as_str()) => None,
        (TypeShape::Enum(values), Value::String(v)) if values.contains(v.as_str()) => None,
        (TypeShape::Enum(values), _) => {
            let mut known: Vec<&String> = values.iter().collect();
            known.sort();
            let known: Vec<&str> = known.iter().map(|s| s.as_str()).collect();
            Some(format!("must be one of {}", known.join(", ")))
        }
        (TypeShape::Input(fields), Value::Object(given)) => {
            for key in given.keys() {
                if !fields.iter().any(|(n, _)| n == key.as_str()) {
                    let known: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
                    let message =
                        format!("is not a field of {name}; its fields: {}", known.join(", "));
                    out.push(problem(&format!("{path}.{key}"), message));
                }
            }
            for (field, shape) in fields {
                let field_path = format!("{path}.{field}");
                match given.get(field.as_str()) {
                    Some(v) => coerce(index, &shape.ty, v, &field_path, out),
                    None if shape.default.is_none() && !shape.ty.nullable => out.push(problem(
                        &field_path,
                        format!("is required (of type {})", shape.ty),
                    )),
                    None => {}
                }
            }
            None
        }
        (TypeShape::Input(_), _) => Some(format!("must be an object of type {name}")),
        _ => None,
    }
}

/// Why `value` is not a value of the custom scalar `S`: its own parser's message.
fn scalar<S: InputType>(value: &Value) -> Option<String> {
    let error = <S as InputType>::parse(Some(value.clone())).err()?;
    let message = error.into_server_error(Default::default()).message;
    Some(match message.split_once("\": ") {
        Some((_, reason)) if message.starts_with("Failed to parse") => reason.to_owned(),
        _ => message,
    })
}
