//! Recursive types: a struct that contains itself, directly or through other
//! structs, lists, arrays or optionals, has no finite layout in v1
//! (`PROTOCOL.md`, section 8), so it is an error that names the cycle.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::ast;
use crate::diagnostics::Report;
use crate::ir::{TypeId, TypeRef};
use crate::loader::Loaded;
use crate::resolve::Resolved;

/// A struct: reading index of its file and item index.
type Node = (usize, usize);

/// One edge: the field (by index) of the source struct through which it
/// contains the target struct.
type Edge = (usize, Node);

/// Reports one cycle through each struct that contains itself, skipping
/// structs that are already part of a reported cycle.
pub(crate) fn check_recursion(loaded: &Loaded, resolved: &Resolved, reports: &mut Vec<Report>) {
    let graph = build_graph(loaded, resolved);
    let mut in_reported_cycle: HashSet<Node> = HashSet::new();
    for &file in &loaded.order {
        let Some(loaded_file) = loaded.files.get(file) else {
            continue;
        };
        for (index, item) in loaded_file.ast.items.iter().enumerate() {
            let node = (file, index);
            if !matches!(item, ast::Item::Struct(_)) || in_reported_cycle.contains(&node) {
                continue;
            }
            if let Some(cycle) = shortest_cycle(&graph, node) {
                in_reported_cycle.extend(cycle.iter().map(|(from, _, _)| *from));
                reports.push(cycle_report(loaded, &cycle));
            }
        }
    }
}

fn build_graph(loaded: &Loaded, resolved: &Resolved) -> HashMap<Node, Vec<Edge>> {
    let mut graph: HashMap<Node, Vec<Edge>> = HashMap::new();
    for (file, items) in resolved.field_types.iter().enumerate() {
        for (index, fields) in items.iter().enumerate() {
            let mut edges = Vec::new();
            for (field, ty) in fields.iter().enumerate() {
                let mut targets = Vec::new();
                if let Some(ty) = ty {
                    named_in(ty, &mut targets);
                }
                for target in targets {
                    let Some(&reading) = loaded.order.get(target.file.0) else {
                        continue;
                    };
                    let node = (reading, target.index);
                    let is_struct = loaded
                        .files
                        .get(reading)
                        .and_then(|file| file.ast.items.get(target.index))
                        .is_some_and(|item| matches!(item, ast::Item::Struct(_)));
                    if is_struct && !edges.contains(&(field, node)) {
                        edges.push((field, node));
                    }
                }
            }
            graph.insert((file, index), edges);
        }
    }
    graph
}

/// The named types inside `ty` (its depth is bounded by the parser's
/// nesting limit).
fn named_in(ty: &TypeRef, out: &mut Vec<TypeId>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::List(inner) | TypeRef::Array(inner, _) | TypeRef::Optional(inner) => {
            named_in(inner, out)
        }
        TypeRef::Bool | TypeRef::Int32 | TypeRef::Float32 | TypeRef::String | TypeRef::Bytes => {}
    }
}

/// The shortest path from `start` back to itself, as (struct, field, next
/// struct) steps.
fn shortest_cycle(
    graph: &HashMap<Node, Vec<Edge>>,
    start: Node,
) -> Option<Vec<(Node, usize, Node)>> {
    let mut parent: HashMap<Node, (Node, usize)> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut seen: HashSet<Node> = HashSet::new();
    while let Some(node) = queue.pop_front() {
        for &(field, next) in graph.get(&node).map(Vec::as_slice).unwrap_or_default() {
            if next == start {
                let mut steps = vec![(node, field, next)];
                let mut current = node;
                while current != start {
                    let &(previous, field) = parent.get(&current)?;
                    steps.push((previous, field, current));
                    current = previous;
                }
                steps.reverse();
                return Some(steps);
            }
            if seen.insert(next) {
                parent.insert(next, (node, field));
                queue.push_back(next);
            }
        }
    }
    None
}

fn cycle_report(loaded: &Loaded, cycle: &[(Node, usize, Node)]) -> Report {
    let decl = |(file, index): Node| -> Option<&ast::StructDecl> {
        match loaded.files.get(file)?.ast.items.get(index)? {
            ast::Item::Struct(decl) => Some(decl),
            ast::Item::Enum(_) => None,
        }
    };
    let name = |node: Node| decl(node).map_or_else(String::new, |decl| decl.name.name.clone());
    let mut path = Vec::new();
    let Some(&(start, _, _)) = cycle.first() else {
        return Report::without_spot(Default::default(), "recursive type");
    };
    path.push(name(start));
    for &(from, field, to) in cycle {
        let field_name = decl(from)
            .and_then(|decl| decl.fields.get(field))
            .map_or_else(String::new, |field| field.name.name.clone());
        path.push(format!("{}.{field_name}", name(from)));
        path.push(name(to));
    }
    let start_name = decl(start).map_or(0..0, |decl| decl.name.span.clone());
    let mut report = Report::new(
        start.0,
        start_name,
        format!("recursive type '{}': {}", name(start), path.join(" -> ")),
        "contains itself",
    )
    .with_help(
        "a message cannot contain itself, not even through a list, an array or an optional (PROTOCOL.md, section 8)",
    );
    for &(from, field, _) in cycle {
        if let Some(field) = decl(from).and_then(|decl| decl.fields.get(field)) {
            report = report.with_related(from.0, field.ty.span.clone(), "through this field");
        }
    }
    report
}
