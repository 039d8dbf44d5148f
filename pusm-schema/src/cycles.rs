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

/// Reports one cycle for each group of structs that contain each other
/// (each strongly connected component with a cycle), starting from the
/// group's first struct in schema order.
pub(crate) fn check_recursion(loaded: &Loaded, resolved: &Resolved, reports: &mut Vec<Report>) {
    let graph = build_graph(loaded, resolved);
    let mut nodes: Vec<Node> = Vec::new();
    for &file in &loaded.order {
        let Some(loaded_file) = loaded.files.get(file) else {
            continue;
        };
        for (index, item) in loaded_file.ast.items.iter().enumerate() {
            if matches!(item, ast::Item::Struct(_)) {
                nodes.push((file, index));
            }
        }
    }
    for component in strongly_connected(&nodes, &graph) {
        let members: HashSet<Node> = component.iter().copied().collect();
        // `nodes` is in schema order: start from the component's first struct.
        let Some(&start) = nodes.iter().find(|node| members.contains(node)) else {
            continue;
        };
        if let Some(cycle) = shortest_cycle(&graph, start, &members) {
            reports.push(cycle_report(loaded, &cycle));
        }
    }
}

/// Tarjan's strongly connected components, without recursion. Only the
/// components with a cycle (more than one struct, or one that contains
/// itself) are returned.
fn strongly_connected(nodes: &[Node], graph: &HashMap<Node, Vec<Edge>>) -> Vec<Vec<Node>> {
    let mut index: HashMap<Node, usize> = HashMap::new();
    let mut low: HashMap<Node, usize> = HashMap::new();
    let mut on_stack: HashSet<Node> = HashSet::new();
    let mut stack: Vec<Node> = Vec::new();
    let mut components = Vec::new();
    let no_edges: Vec<Edge> = Vec::new();
    for &root in nodes {
        if index.contains_key(&root) {
            continue;
        }
        let mut calls: Vec<(Node, usize)> = vec![(root, 0)];
        let at = index.len();
        index.insert(root, at);
        low.insert(root, at);
        stack.push(root);
        on_stack.insert(root);
        while let Some(&mut (node, ref mut next)) = calls.last_mut() {
            let edges = graph.get(&node).unwrap_or(&no_edges);
            if let Some(&(_, target)) = edges.get(*next) {
                *next += 1;
                if !index.contains_key(&target) {
                    let at = index.len();
                    index.insert(target, at);
                    low.insert(target, at);
                    stack.push(target);
                    on_stack.insert(target);
                    calls.push((target, 0));
                } else if on_stack.contains(&target) {
                    let target_index = index.get(&target).copied().unwrap_or(usize::MAX);
                    if let Some(node_low) = low.get_mut(&node) {
                        *node_low = (*node_low).min(target_index);
                    }
                }
                continue;
            }
            calls.pop();
            let node_low = low.get(&node).copied().unwrap_or(usize::MAX);
            if let Some(&(parent, _)) = calls.last() {
                if let Some(parent_low) = low.get_mut(&parent) {
                    *parent_low = (*parent_low).min(node_low);
                }
            }
            if Some(node_low) == index.get(&node).copied() {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack.remove(&member);
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                let cyclic = component.len() > 1 || edges.iter().any(|&(_, target)| target == node);
                if cyclic {
                    components.push(component);
                }
            }
        }
    }
    components
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

/// The shortest path from `start` back to itself through `members` (its
/// strongly connected component), as (struct, field, next struct) steps.
fn shortest_cycle(
    graph: &HashMap<Node, Vec<Edge>>,
    start: Node,
    members: &HashSet<Node>,
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
            if members.contains(&next) && seen.insert(next) {
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
