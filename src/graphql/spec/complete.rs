//! Completing async-graphql's answer the way the GraphQL spec executes a query.
//!
//! async-graphql 7.2 resolves the fields of a selection set concurrently and collects them in
//! the order they finish (`FuturesUnordered` since its 7.1), and it leaves out the key of a
//! field whose resolver failed. The spec asks for the keys in the order of the query
//! (`CollectFields`) and for a failed field to be `null`, a `null` in a non-null position
//! making its parent `null` up to the nearest nullable field ("Handling Field Errors"); the
//! revert upstream (8.0.0-rc.3) brings other propagation problems and a major version of the
//! stack. So the answer is rebuilt here from what fixes it exactly: the operation as the client
//! wrote it, the schema's types ([`SchemaIndex`]) and the values async-graphql returned.
//!
//! Before execution [`inject_typenames`] adds `__typename` to every selection set of the
//! document that runs, so that every object in the answer names its type: the fragments that
//! apply to an object depend on it, and an object whose fields all failed is still there
//! (async-graphql 7.2 turns an empty object into `null`). The added keys are dropped again,
//! unless the client asked for `__typename` itself.
//!
//! The walk is linear in the size of the answer; the fields collected for a selection set and
//! a type are computed once per request and reused for every object of a list.

use super::index::{SchemaIndex, TypeShape};
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, FragmentDefinition,
    OperationDefinition, OperationType, Selection, SelectionSet, Type,
};
use async_graphql::{Name, Positioned, ServerError, Value, Variables};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Adds `__typename` to every selection set with fields in `document` (see the module docs).
pub fn inject_typenames(document: &mut ExecutableDocument) {
    let operations: Vec<&mut Positioned<OperationDefinition>> = match &mut document.operations {
        DocumentOperations::Single(operation) => vec![operation],
        DocumentOperations::Multiple(operations) => operations.values_mut().collect(),
    };
    for operation in operations {
        let set = &mut operation.node.selection_set.node;
        // A subscription's root selects exactly one field, and no `__typename` (spec 5.2.3.1).
        match operation.node.ty {
            OperationType::Subscription => inject_below(set),
            _ => inject(set),
        }
    }
    for fragment in document.fragments.values_mut() {
        let set = &mut fragment.node.selection_set.node;
        match fragment.node.type_condition.node.on.node.as_str() {
            "Subscription" => inject_below(set),
            _ => inject(set),
        }
    }
}

/// [`inject`] in the selections of `set`, not in `set` itself.
fn inject_below(set: &mut SelectionSet) {
    for selection in &mut set.items {
        match &mut selection.node {
            Selection::Field(field) if !field.node.selection_set.node.items.is_empty() => {
                inject(&mut field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => {
                inject_below(&mut fragment.node.selection_set.node)
            }
            _ => {}
        }
    }
}

fn inject(set: &mut SelectionSet) {
    let mut has_typename = false;
    for selection in &mut set.items {
        match &mut selection.node {
            Selection::Field(field) => {
                has_typename |= field.node.response_key().node == "__typename";
                if !field.node.selection_set.node.items.is_empty() {
                    inject(&mut field.node.selection_set.node);
                }
            }
            Selection::InlineFragment(fragment) => inject(&mut fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => {}
        }
    }
    if !has_typename {
        let pos = set.items.first().map(|s| s.pos).unwrap_or_default();
        let field = Field {
            alias: None,
            name: Positioned::new(Name::new("__typename"), pos),
            arguments: Vec::new(),
            directives: Vec::new(),
            selection_set: Positioned::new(SelectionSet::default(), pos),
        };
        set.items.push(Positioned::new(
            Selection::Field(Positioned::new(field, pos)),
            pos,
        ));
    }
}

/// The fields of one response key: the first names the field, all of them its sub-selections.
type Group<'d> = Vec<&'d Positioned<Field>>;
/// The collected fields of a selection set for one object type, in query order.
type Collected<'d> = Rc<Vec<(&'d str, Group<'d>)>>;

/// The operation being completed and what its walk remembers.
pub struct Completion<'d> {
    index: &'d SchemaIndex,
    fragments: &'d HashMap<Name, Positioned<FragmentDefinition>>,
    variables: &'d Variables,
    memo: HashMap<(Vec<usize>, &'d str), Collected<'d>>,
}

/// A `null` in a non-null position, travelling up to the nearest nullable field.
struct Bubble;

impl<'d> Completion<'d> {
    pub fn new(
        index: &'d SchemaIndex,
        document: &'d ExecutableDocument,
        variables: &'d Variables,
    ) -> Self {
        Completion {
            index,
            fragments: &document.fragments,
            variables,
            memo: HashMap::new(),
        }
    }

    /// The spec's `data` for the answer `data` of the operation with the selection set `root`
    /// on the root type `root_type`: `null` when a non-null root field failed.
    pub fn data(&mut self, data: Value, root_type: &'d str, root: &'d SelectionSet) -> Value {
        match data {
            Value::Object(map) => self.object(map, root_type, &[root]).unwrap_or(Value::Null),
            other => other,
        }
    }

    fn object(
        &mut self,
        mut map: IndexMap<Name, Value>,
        type_name: &'d str,
        sets: &[&'d SelectionSet],
    ) -> Result<Value, Bubble> {
        let fields = self.collect(type_name, sets);
        let mut out = IndexMap::with_capacity(fields.len());
        for (key, group) in fields.iter() {
            // The key is taken with its value, so the answer keeps its names (no allocation).
            let (key, raw) = match map.swap_remove_entry(*key) {
                Some((key, value)) => (key, Some(value)),
                None => (Name::new(key), None),
            };
            let name = group[0].node.name.node.as_str();
            let value = if name == "__typename" {
                raw.unwrap_or_else(|| Value::String(type_name.to_owned()))
            } else if let Some(field) = self.index.field(type_name, name) {
                let sub: Vec<&'d SelectionSet> =
                    group.iter().map(|f| &f.node.selection_set.node).collect();
                self.value(raw, &field.ty, &sub)?
            } else {
                match raw {
                    Some(v) => v,
                    None => continue,
                }
            };
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }

    fn value(
        &mut self,
        raw: Option<Value>,
        ty: &'d Type,
        sets: &[&'d SelectionSet],
    ) -> Result<Value, Bubble> {
        let completed = match (&ty.base, raw) {
            (_, None | Some(Value::Null)) => Ok(Value::Null),
            (BaseType::List(item), Some(Value::List(items))) => items
                .into_iter()
                .map(|v| self.value(Some(v), item, sets))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::List),
            (BaseType::Named(name), Some(Value::Object(map))) if self.index.is_composite(name) => {
                let typename = match map.get("__typename") {
                    Some(Value::String(t)) => Some(t.clone()),
                    _ => None,
                };
                match self.concrete(name, typename) {
                    Some(concrete) => self.object(map, concrete, sets),
                    None => Ok(Value::Object(map)),
                }
            }
            (_, Some(other)) => Ok(other),
        };
        match completed {
            Ok(Value::Null) | Err(Bubble) if !ty.nullable => Err(Bubble),
            Err(Bubble) => Ok(Value::Null),
            ok => ok,
        }
    }

    /// The object type of a value of `declared` that says it is `typename`, as a name that
    /// lives as long as the index.
    fn concrete(&self, declared: &'d str, typename: Option<String>) -> Option<&'d str> {
        let index = self.index;
        match index.get(declared)? {
            TypeShape::Object(..) => Some(declared),
            _ => {
                let t = typename?;
                let (name, _) = index.entry(&t)?;
                index.concrete(declared, Some(name))
            }
        }
    }

    /// `CollectFields` of the spec for `sets` (the sub-selections of one response key) on the
    /// object type `type_name`: response keys in query order, `@skip`/`@include` applied.
    fn collect(&mut self, type_name: &'d str, sets: &[&'d SelectionSet]) -> Collected<'d> {
        let key = (
            sets.iter()
                .map(|s| *s as *const SelectionSet as usize)
                .collect(),
            type_name,
        );
        if let Some(found) = self.memo.get(&key) {
            return found.clone();
        }
        let mut fields: IndexMap<&'d str, Group<'d>> = IndexMap::new();
        let mut visited = HashSet::new();
        for set in sets {
            self.collect_set(type_name, set, &mut fields, &mut visited);
        }
        let collected: Collected<'d> = Rc::new(fields.into_iter().collect());
        self.memo.insert(key, collected.clone());
        collected
    }

    fn collect_set(
        &self,
        type_name: &str,
        set: &'d SelectionSet,
        fields: &mut IndexMap<&'d str, Group<'d>>,
        visited: &mut HashSet<&'d str>,
    ) {
        for selection in &set.items {
            if !self.included(selection.node.directives()) {
                continue;
            }
            match &selection.node {
                Selection::Field(field) => fields
                    .entry(field.node.response_key().node.as_str())
                    .or_default()
                    .push(field),
                Selection::InlineFragment(fragment) => {
                    let applies = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .is_none_or(|c| self.index.applies(type_name, &c.node.on.node));
                    if applies {
                        self.collect_set(
                            type_name,
                            &fragment.node.selection_set.node,
                            fields,
                            visited,
                        );
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = self.fragments.get(name) else {
                        continue;
                    };
                    if !visited.insert(name)
                        || !self
                            .index
                            .applies(type_name, &fragment.node.type_condition.node.on.node)
                    {
                        continue;
                    }
                    self.collect_set(
                        type_name,
                        &fragment.node.selection_set.node,
                        fields,
                        visited,
                    );
                }
            }
        }
    }

    /// Whether the `@skip` and `@include` directives of a selection let it in.
    fn included(&self, directives: &[Positioned<async_graphql::parser::types::Directive>]) -> bool {
        directives.iter().all(|d| {
            let condition = d.node.get_argument("if").map(|v| match &v.node {
                async_graphql_value::Value::Variable(name) => {
                    matches!(self.variables.get(name), Some(Value::Boolean(true)))
                }
                async_graphql_value::Value::Boolean(b) => *b,
                _ => false,
            });
            match d.node.name.node.as_str() {
                "skip" => condition != Some(true),
                "include" => condition == Some(true),
                _ => true,
            }
        })
    }
}

/// Keeps the first error of every path: one error per field, as the spec asks, however many
/// times a shared failure (a loader, say) reached it.
pub fn one_error_per_field(errors: &mut Vec<ServerError>) {
    let mut seen = HashSet::new();
    errors.retain(|e| {
        e.path.is_empty() || seen.insert(serde_json::to_string(&e.path).unwrap_or_default())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDL: &str = "type Query { a: A b: A! list: [A!] items: [A]! }
        type A { x: Int y: Int! z: A w: A! }";

    /// Completes `data` (JSON) as the answer to `query` of the schema above.
    fn complete(query: &str, data: serde_json::Value) -> serde_json::Value {
        let index = SchemaIndex::from_sdl(SDL).unwrap();
        let document = async_graphql::parser::parse_query(query).unwrap();
        let variables = Variables::default();
        let DocumentOperations::Single(operation) = &document.operations else {
            panic!("one operation");
        };
        let mut completion = Completion::new(&index, &document, &variables);
        let data = Value::from_json(data).unwrap();
        let root = &operation.node.selection_set.node;
        completion.data(data, "Query", root).into_json().unwrap()
    }

    #[test]
    fn a_missing_nullable_field_is_null_in_its_place() {
        let out = complete("{ a { x y } }", serde_json::json!({ "a": { "y": 1 } }));
        assert_eq!(out.to_string(), r#"{"a":{"x":null,"y":1}}"#);
    }

    #[test]
    fn a_missing_non_null_field_nulls_the_nearest_nullable_parent() {
        let data = serde_json::json!({ "a": { "z": { "x": 1 } }, "b": { "x": 2, "y": 3 } });
        let out = complete("{ a { z { x y } } b { x y } }", data);
        assert_eq!(out.to_string(), r#"{"a":{"z":null},"b":{"x":2,"y":3}}"#);
        let data = serde_json::json!({ "a": { "x": 1, "w": {} } });
        let out = complete("{ a { x w { y } } }", data);
        assert_eq!(out.to_string(), r#"{"a":null}"#);
    }

    #[test]
    fn a_null_in_a_non_null_root_field_makes_data_null() {
        let out = complete(
            "{ a { x } b { y } }",
            serde_json::json!({ "a": { "x": 1 } }),
        );
        assert_eq!(out, serde_json::Value::Null);
    }

    #[test]
    fn a_null_item_of_a_list_of_non_null_items_nulls_the_list() {
        let data = serde_json::json!({ "list": [{ "y": 1 }, {}], "items": [{}, null] });
        let out = complete("{ list { y } items { y } }", data);
        assert_eq!(out.to_string(), r#"{"list":null,"items":[null,null]}"#);
    }

    #[test]
    fn keys_follow_the_query_with_fragments_and_directives() {
        let data = serde_json::json!({ "a": { "y": 2, "x": 1, "__typename": "A" } });
        let query = "{ a { ... on A { y } x @skip(if: true) ...F } } fragment F on A { x y }";
        let out = complete(query, data);
        assert_eq!(out.to_string(), r#"{"a":{"y":2,"x":1}}"#);
    }
}
