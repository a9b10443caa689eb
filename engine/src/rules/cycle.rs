//! `cycle`: relationships of an `acyclic` relation kind that form a cycle.

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::names::NameIndex;
use crate::model::{ElementId, Model, RelationKindId, Relationship, RelationshipId};
use crate::rules::RuleMeta;

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

/// One edge of an acyclic relation kind: the kind, the ends (numbered
/// densely for one search) and the relationship's number in the search.
pub(crate) type Edge = (RelationKindId, ElementId, ElementId, RelationshipId);

/// An element by its part (an index into the name index's sources) and its
/// place among that part's elements: what stays put when another file
/// gains or loses an element.
pub(crate) type End = (u32, u32);

/// What a file's part adds to the search for cycles: its relationships of
/// acyclic kinds between two elements, their ends by part and place, and
/// their ids counted from the part's first. Equal after an edit of a label
/// or a move, of a relationship of another kind, or one that adds or
/// removes an element elsewhere, so that the search is not made again for
/// it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PartEdges {
    pub edges: Vec<(RelationKindId, End, End, RelationshipId)>,
}

impl PartEdges {
    pub(crate) fn new(
        meta: &RuleMeta,
        names: &NameIndex,
        relationships: &[Relationship],
    ) -> PartEdges {
        let end = |id: ElementId| -> End {
            let part = names
                .sources
                .partition_point(|s| s.first_element <= id.0)
                .saturating_sub(1);
            let first = names.sources.get(part).map_or(0, |s| s.first_element);
            (part as u32, id.0 - first)
        };
        let edges = relationships
            .iter()
            .enumerate()
            .filter(|(_, rel)| {
                rel.source != rel.target
                    && meta
                        .relation_kinds
                        .get(rel.kind.index())
                        .is_some_and(|k| k.acyclic)
            })
            .map(|(i, rel)| {
                (
                    rel.kind,
                    end(rel.source),
                    end(rel.target),
                    RelationshipId(i as u32),
                )
            })
            .collect();
        PartEdges { edges }
    }
}

/// A relationship by its part (an index into the name index's sources)
/// and its id within the part: what stays put when another file gains or
/// loses a relationship.
pub(crate) type Place = (u32, RelationshipId);

/// A cycle: its relation kind and its relationships in order.
pub(crate) type Found = (RelationKindId, Vec<Place>);

/// The cycles among the parts' edges, of a workspace of `kinds` relation
/// kinds.
/// `cancelled` is called now and then (it unwinds when an edit came
/// meanwhile): a search over millions of relationships runs long, and the
/// edit waits until the search notices it.
pub(crate) fn find(kinds: usize, parts: &[&PartEdges], cancelled: &dyn Fn()) -> Vec<Found> {
    // Ends numbered densely: each part's places after those of the parts
    // before it, as far as the edges reach into it.
    let mut width = vec![0u32; parts.len()];
    for edges in parts {
        for &(_, source, target, _) in &edges.edges {
            for (part, place) in [source, target] {
                if let Some(w) = width.get_mut(part as usize) {
                    *w = (*w).max(place + 1);
                }
            }
        }
    }
    let mut offsets = Vec::with_capacity(parts.len());
    let mut elements = 0u32;
    for w in width {
        offsets.push(elements);
        elements += w;
    }
    let dense = |(part, place): End| ElementId(offsets[part as usize] + place);
    // The relationships of each acyclic kind, in one pass over them all
    // (not one pass per kind), in the model's order: each gets a number in
    // that order, and `places` says where it is.
    let mut of_kind: Vec<Vec<Edge>> = vec![Vec::new(); kinds];
    let mut places: Vec<Place> = Vec::new();
    for (part, edges) in parts.iter().enumerate() {
        if part % 64 == 63 {
            cancelled();
        }
        for &(kind, source, target, local) in &edges.edges {
            let known = |(part, _): End| (part as usize) < parts.len();
            if !(known(source) && known(target)) {
                continue;
            }
            if let Some(list) = of_kind.get_mut(kind.index()) {
                let number = RelationshipId(places.len() as u32);
                list.push((kind, dense(source), dense(target), number));
                places.push((part as u32, local));
            }
        }
    }
    let elements = elements as usize;
    let mut out = Vec::new();
    for (kind, edges) in of_kind.iter().enumerate() {
        if edges.len() < 2 {
            continue;
        }
        cancelled();
        let edges = &may_lie_on_a_cycle(elements, edges);
        cancelled();
        if edges.len() < 2 {
            continue;
        }
        let mut graph: DiGraph<ElementId, RelationshipId> = DiGraph::new();
        // Element index -> node, dense: cheaper than hashing every end.
        let mut nodes: Vec<Option<NodeIndex>> = vec![None; elements];
        for &(_, source, target, id) in edges {
            let mut node =
                |e: ElementId| *nodes[e.index()].get_or_insert_with(|| graph.add_node(e));
            let (s, t) = (node(source), node(target));
            graph.add_edge(s, t, id);
        }
        if graph.edge_count() < 2 {
            continue;
        }
        for cycle in cycles(&graph) {
            let cycle = cycle.into_iter().map(|id| places[id.index()]).collect();
            out.push((RelationKindId(kind as u32), cycle));
        }
    }
    out
}

/// The findings of the cycles `find` found in `model`, whose parts' first
/// relationship ids are `firsts`.
pub(crate) fn report(model: &Model, found: &[Found], firsts: &[u32], out: &mut Vec<Diagnostic>) {
    for (kind, places) in found {
        let cycle: Vec<RelationshipId> = places
            .iter()
            .filter_map(|&(part, local)| Some(RelationshipId(firsts.get(part as usize)? + local.0)))
            .collect();
        let Some(&start) = cycle.first() else {
            continue;
        };
        let first = model.relationship(start);
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
                model.relation_kind(*kind).info.name,
                path.join(" -> ")
            ),
        ));
    }
}

/// The edges among `edges` that may lie on a cycle: those left once
/// every element no remaining edge points to has been taken away, again
/// and again (Kahn's topological sort). Nothing is left of an acyclic
/// graph — what a valid workspace holds — so the strongly connected
/// components, which cost far more, are computed only around real cycles.
/// Iterative and linear, like the rest of the rule.
fn may_lie_on_a_cycle(n: usize, edges: &[Edge]) -> Vec<Edge> {
    let mut in_degree = vec![0u32; n];
    // Out-edges by source, in one flat array (compressed sparse rows).
    let mut offsets = vec![0usize; n + 1];
    for &(_, source, target, _) in edges {
        in_degree[target.index()] += 1;
        offsets[source.index() + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut next = offsets.clone();
    let mut targets = vec![0usize; edges.len()];
    for &(_, source, target, _) in edges {
        let slot = &mut next[source.index()];
        targets[*slot] = target.index();
        *slot += 1;
    }
    let mut ready: Vec<usize> = (0..n).filter(|&e| in_degree[e] == 0).collect();
    while let Some(element) = ready.pop() {
        for &target in &targets[offsets[element]..offsets[element + 1]] {
            in_degree[target] -= 1;
            if in_degree[target] == 0 {
                ready.push(target);
            }
        }
    }
    // An edge whose source was taken away was counted off its target; one
    // whose source is left keeps its target from going.
    edges
        .iter()
        .copied()
        .filter(|&(_, source, _, _)| in_degree[source.index()] > 0)
        .collect()
}

/// One cycle per strongly connected component of more than one node, as
/// relationships in order. Linear in the size of the graph and free of
/// recursion: Kosaraju's algorithm in petgraph is iterative (its Tarjan is
/// recursive and overflows the stack on long chains), and each component is
/// searched through its own nodes' edges only.
fn cycles(graph: &DiGraph<ElementId, RelationshipId>) -> Vec<Vec<RelationshipId>> {
    let components = petgraph::algo::kosaraju_scc(graph);
    // Node -> its component, so that "inside the component" is an index,
    // not a set built per component.
    let mut component_of = vec![usize::MAX; graph.node_count()];
    for (c, nodes) in components.iter().enumerate() {
        for node in nodes {
            component_of[node.index()] = c;
        }
    }
    let mut out = Vec::new();
    for (c, component) in components.iter().enumerate() {
        if component.len() < 2 {
            continue;
        }
        if let Some(cycle) = find_cycle(graph, component, &component_of, c) {
            out.push(cycle);
        }
    }
    out
}

/// A cycle through the strongly connected `component` (number `c`), as
/// relationships in order, starting from its earliest-declared relationship.
fn find_cycle(
    graph: &DiGraph<ElementId, RelationshipId>,
    component: &[NodeIndex],
    component_of: &[usize],
    c: usize,
) -> Option<Vec<RelationshipId>> {
    let inside = |node: NodeIndex| component_of[node.index()] == c;
    let start_edge = component
        .iter()
        .flat_map(|&node| graph.edges(node))
        .filter(|e| inside(e.target()))
        .min_by_key(|e| *e.weight())?;
    let start = start_edge.source();
    // Breadth-first search from the edge's target back to its source, staying
    // inside the component: the shortest cycle through that edge.
    let mut previous: HashMap<NodeIndex, (NodeIndex, RelationshipId)> = HashMap::default();
    let mut queue = std::collections::VecDeque::from([start_edge.target()]);
    let mut seen = HashSet::default();
    seen.insert(start_edge.target());
    while let Some(node) = queue.pop_front() {
        if node == start {
            break;
        }
        let mut edges: Vec<_> = graph.edges(node).collect();
        edges.sort_by_key(|e| *e.weight());
        for edge in edges {
            let next = edge.target();
            if inside(next) && seen.insert(next) {
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
    use petgraph::graph::{DiGraph, NodeIndex};

    use super::cycles;
    use crate::model::{ElementId, RelationshipId};
    use crate::rules::Rule;
    use crate::testing::{fires, messages};

    const META: &str =
        "layer l\nkind k { layer l }\nrelation depends { acyclic }\nrelation uses { default }\n";

    #[test]
    fn a_long_search_asks_whether_it_was_cancelled_and_stops_when_it_was() {
        use super::{find, PartEdges};
        use crate::model::RelationKindId;
        // 200 parts, each with an edge of kind 0 to the next part's first
        // element, closing a cycle through all of them.
        let parts: Vec<PartEdges> = (0..200u32)
            .map(|part| PartEdges {
                edges: vec![(
                    RelationKindId(0),
                    (part, 0),
                    ((part + 1) % 200, 0),
                    RelationshipId(0),
                )],
            })
            .collect();
        let parts: Vec<&PartEdges> = parts.iter().collect();
        let asked = std::cell::Cell::new(0);
        let found = find(1, &parts, &|| asked.set(asked.get() + 1));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1.len(), 200);
        // Every 64 parts, and before and after the kind's pruning.
        assert_eq!(asked.get(), 200 / 64 + 2);
        let stopped = std::panic::catch_unwind(|| find(1, &parts, &|| panic!("cancelled")));
        assert!(stopped.is_err());
    }

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

    #[test]
    fn peeling_leaves_only_cycles_and_what_hangs_below_them() {
        // d -> a -> b ⇄ c -> e, and a separate chain x -> y -> z.
        let src = format!(
            "{META}k a\nk b\nk c\nk d\nk e\nk x\nk y\nk z\nd -> a : depends\na -> b : depends\nb -> c : depends\nc -> b : depends\nc -> e : depends\nx -> y : depends\ny -> z : depends\n"
        );
        let mut analysis = crate::Analysis::default();
        analysis.set_file("model.kozo", src);
        let model = analysis.model();
        let left: Vec<String> = super::may_lie_on_a_cycle(model.elements.len(), &edges(model))
            .into_iter()
            .map(|(_, _, _, id)| {
                let rel = model.relationship(id);
                let name = |e: ElementId| model.element(e).path.clone();
                format!("{}->{}", name(rel.source), name(rel.target))
            })
            .collect();
        assert_eq!(left, ["b->c", "c->b", "c->e"]);
        assert_eq!(
            messages(&format!("{META}k a\nk b\nk c\nk d\nk e\nd -> a : depends\na -> b : depends\nb -> c : depends\nc -> b : depends\nc -> e : depends\n"), Rule::Cycle),
            ["relationships of kind `depends` form a cycle: b -> c -> b"]
        );
        // Acyclic: nothing is left.
        let mut dag = crate::Analysis::default();
        dag.set_file(
            "model.kozo",
            format!("{META}k a\nk b\nk c\na -> b : depends\nb -> c : depends\na -> c : depends\n"),
        );
        let model = dag.model();
        assert!(super::may_lie_on_a_cycle(model.elements.len(), &edges(model)).is_empty());
    }

    /// Every relationship of `model` as an edge.
    fn edges(model: &crate::model::Model) -> Vec<super::Edge> {
        model
            .relationship_ids()
            .map(|id| {
                let rel = model.relationship(id);
                (rel.kind, rel.source, rel.target, id)
            })
            .collect()
    }

    /// A graph of `n` nodes with an edge `i -> i+1` for each `i`, and the
    /// closing edge `n-1 -> 0` when `closed`.
    fn chain(n: u32, closed: bool) -> DiGraph<ElementId, RelationshipId> {
        let mut graph = DiGraph::with_capacity(n as usize, n as usize);
        for i in 0..n {
            graph.add_node(ElementId(i));
        }
        for i in 1..n {
            graph.add_edge(
                NodeIndex::new(i as usize - 1),
                NodeIndex::new(i as usize),
                RelationshipId(i - 1),
            );
        }
        if closed {
            graph.add_edge(
                NodeIndex::new(n as usize - 1),
                NodeIndex::new(0),
                RelationshipId(n - 1),
            );
        }
        graph
    }

    #[test]
    fn a_million_long_chain_does_not_overflow_the_stack() {
        assert!(cycles(&chain(1_000_000, false)).is_empty());
    }

    #[test]
    fn a_million_node_cycle_is_found_whole() {
        let found = cycles(&chain(1_000_000, true));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), 1_000_000);
        assert_eq!(found[0][0], RelationshipId(0));
        assert_eq!(found[0][999_999], RelationshipId(999_999));
    }

    #[test]
    fn many_small_cycles_each_reported_once() {
        // 50k two-node cycles: one finding each (the cycle text once scanned
        // every edge per cycle).
        let mut graph: DiGraph<ElementId, RelationshipId> = DiGraph::new();
        for i in 0..50_000u32 {
            let a = graph.add_node(ElementId(2 * i));
            let b = graph.add_node(ElementId(2 * i + 1));
            graph.add_edge(a, b, RelationshipId(2 * i));
            graph.add_edge(b, a, RelationshipId(2 * i + 1));
        }
        let found = cycles(&graph);
        assert_eq!(found.len(), 50_000);
        assert!(found.iter().all(|c| c.len() == 2 && c[0].0 % 2 == 0));
    }
}
