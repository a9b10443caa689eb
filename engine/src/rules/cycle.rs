//! `cycle`: relationships of an `acyclic` relation kind that form a cycle.

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::{ElementId, Model, RelationshipId};

pub const DOC: RuleDoc = RuleDoc {
    summary:
        "relationships of an `acyclic` relation kind form a cycle; the message lists the cycle",
    explanation: r#"## cycle

**What.** Relationships of one relation kind marked `acyclic` (in `society5`:
`depends`) lead from an element back to itself. A relationship from an element
to itself is reported as `self-relationship` instead.

**Why.** A dependency cycle means no part can be built, deployed or replaced
first; the layered structure of the architecture is broken.

**Example.**

```kozo
a -> b : depends
b -> c : depends
c -> a : depends   // cycle: a -> b -> c -> a
```

**Fix.** Break the cycle: invert one dependency (introduce an interface or an
event), or merge the elements that cannot live apart.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for (index, kind) in model.relation_kinds.iter().enumerate() {
        if !kind.acyclic {
            continue;
        }
        let mut graph: DiGraph<ElementId, RelationshipId> = DiGraph::new();
        // Element index -> node, dense: cheaper than hashing every end.
        let mut nodes: Vec<Option<NodeIndex>> = vec![None; model.elements.len()];
        for id in model.relationship_ids() {
            let rel = model.relationship(id);
            if rel.kind.index() != index || rel.source == rel.target {
                continue;
            }
            let mut node =
                |e: ElementId| *nodes[e.index()].get_or_insert_with(|| graph.add_node(e));
            let (s, t) = (node(rel.source), node(rel.target));
            graph.add_edge(s, t, id);
        }
        if graph.edge_count() < 2 {
            continue;
        }
        for component in petgraph::algo::tarjan_scc(&graph) {
            if component.len() < 2 {
                continue;
            }
            let Some(cycle) = find_cycle(&graph, &component) else {
                continue;
            };
            let first = model.relationship(cycle[0]);
            let mut path: Vec<&str> = cycle
                .iter()
                .map(|r| model.element(model.relationship(*r).source).path.as_str())
                .collect();
            path.push(&model.element(first.source).path);
            out.push(Diagnostic::new(
                Rule::Cycle,
                first.loc.file,
                first.loc.span,
                format!(
                    "relationships of kind `{}` form a cycle: {}",
                    kind.info.name,
                    path.join(" -> ")
                ),
            ));
        }
    }
}

/// A cycle through the strongly connected `component`, as relationships in
/// order, starting from its earliest-declared relationship.
fn find_cycle(
    graph: &DiGraph<ElementId, RelationshipId>,
    component: &[NodeIndex],
) -> Option<Vec<RelationshipId>> {
    let inside: std::collections::HashSet<NodeIndex> = component.iter().copied().collect();
    let start_edge = graph
        .edge_references()
        .filter(|e| inside.contains(&e.source()) && inside.contains(&e.target()))
        .min_by_key(|e| *e.weight())?;
    let start = start_edge.source();
    // Breadth-first search from the edge's target back to its source, staying
    // inside the component: the shortest cycle through that edge.
    let mut previous: std::collections::HashMap<NodeIndex, (NodeIndex, RelationshipId)> =
        std::collections::HashMap::new();
    let mut queue = std::collections::VecDeque::from([start_edge.target()]);
    let mut seen = std::collections::HashSet::from([start_edge.target()]);
    while let Some(node) = queue.pop_front() {
        if node == start {
            break;
        }
        let mut edges: Vec<_> = graph.edges(node).collect();
        edges.sort_by_key(|e| *e.weight());
        for edge in edges {
            let next = edge.target();
            if inside.contains(&next) && seen.insert(next) {
                previous.insert(next, (node, *edge.weight()));
                queue.push_back(next);
            }
        }
    }
    let mut cycle = Vec::new();
    let mut node = start;
    while node != start_edge.target() {
        let (prev, rel) = *previous.get(&node)?;
        cycle.push(rel);
        node = prev;
    }
    cycle.push(*start_edge.weight());
    cycle.reverse();
    Some(cycle)
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::{fires, messages};

    const META: &str =
        "layer l\nkind k { layer l }\nrelation depends { acyclic }\nrelation uses { default }\n";

    #[test]
    fn names_the_cycle() {
        let src =
            format!("{META}k a\nk b\nk c\na -> b : depends\nb -> c : depends\nc -> a : depends\n");
        assert_eq!(
            messages(&src, Rule::Cycle),
            ["relationships of kind `depends` form a cycle: a -> b -> c -> a"]
        );
    }

    #[test]
    fn other_kinds_and_self_loops_do_not_count() {
        let src = format!("{META}k a\nk b\na -> b : depends\nb -> a\na -> a : depends\n");
        assert!(fires(&src, Rule::Cycle).is_empty());
    }

    #[test]
    fn one_finding_per_cycle() {
        let src = format!("{META}k a\nk b\nk c\nk d\na -> b : depends\nb -> a : depends\nc -> d : depends\nd -> c : depends\n");
        assert_eq!(fires(&src, Rule::Cycle).len(), 2);
    }
}
