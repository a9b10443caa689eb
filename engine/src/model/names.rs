//! What the workspace declares, without where: the per-file [`Skeleton`]
//! (names, kinds of declaration, nesting) and the workspace's [`NameIndex`]
//! built from the skeletons (every name's id, the element tree, the name
//! tables resolution reads, and the duplicates).
//!
//! Neither holds a span or a text other than names, so an edit that moves
//! text or changes a label, a description or a relationship leaves both
//! equal to what they were: salsa then keeps the old index (backdating), and
//! the per-file resolution of every other file is reused as it was. Only an
//! edit that adds, removes or renames a declaration builds the index again.
//!
//! Declarations are found by place, not by span: [`DeclAt`] is a top-level
//! declaration's position among its file's declarations and, inside an
//! element, the position of a nested declaration in a walk of the body.

use std::sync::OnceLock;

use kozo_lang::{self as ast, DeclKind, Entry, Item, Parse};
use rustc_hash::FxHashMap as HashMap;
use smol_str::SmolStr;

use crate::builtin;
use crate::db::SourceFile;
use crate::model::{
    ConcernId, DecisionId, ElementId, KindId, Space, StakeholderId, Target, ViewId, ViewpointId,
};

/// The sort of a declaration, as the index tells them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Sort {
    Layer,
    Kind,
    Relation,
    Concern,
    Stakeholder,
    Viewpoint,
    View,
    Decision,
    Group,
    Element,
}

impl Sort {
    fn of(kind: &DeclKind) -> Sort {
        match kind {
            DeclKind::Layer => Sort::Layer,
            DeclKind::Kind => Sort::Kind,
            DeclKind::Relation => Sort::Relation,
            DeclKind::Concern => Sort::Concern,
            DeclKind::Stakeholder => Sort::Stakeholder,
            DeclKind::Viewpoint => Sort::Viewpoint,
            DeclKind::View => Sort::View,
            DeclKind::Decision => Sort::Decision,
            DeclKind::Group => Sort::Group,
            DeclKind::Element(_) => Sort::Element,
        }
    }
}

/// One declaration of a file's skeleton: its sort and name, and for an
/// element the declarations of its body, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SkeletonDecl {
    pub sort: Sort,
    pub name: SmolStr,
    /// An element's kind as written (empty for other declarations).
    pub kind: SmolStr,
    pub extend: bool,
    pub nested: Vec<SkeletonDecl>,
}

/// What one file declares, without where.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Skeleton {
    /// The modules its `use` statements name, in order.
    pub uses: Vec<SmolStr>,
    /// The file starts with `library`.
    pub library: bool,
    /// Its top-level declarations, in order.
    pub decls: Vec<SkeletonDecl>,
}

impl Skeleton {
    pub(crate) fn of(parse: &Parse) -> Skeleton {
        fn decl(d: &ast::Decl) -> SkeletonDecl {
            let nested = match d.kind {
                DeclKind::Element(_) => d
                    .entries()
                    .iter()
                    .filter_map(|e| match e {
                        Entry::Decl(child) => Some(decl(child)),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            SkeletonDecl {
                sort: Sort::of(&d.kind),
                name: d.name.text.clone(),
                kind: match &d.kind {
                    DeclKind::Element(kind) => kind.text.clone(),
                    _ => SmolStr::default(),
                },
                extend: d.extend,
                nested,
            }
        }
        let mut skeleton = Skeleton {
            library: parse.tree.library.is_some(),
            ..Skeleton::default()
        };
        for item in &parse.tree.items {
            match item {
                Item::Use(u) => skeleton.uses.push(u.module.text.clone()),
                Item::Decl(d) => skeleton.decls.push(decl(d)),
                Item::Relationship(_) | Item::Error(_) => {}
            }
        }
        skeleton
    }
}

/// Where a declaration stands: the source (an index into
/// [`NameIndex::sources`]), its top-level declaration's position among the
/// file's declarations, and its position in a walk of that declaration's
/// nested declarations (0: the top-level declaration itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct DeclAt {
    pub source: u32,
    pub decl: u32,
    pub nested: u32,
}

impl DeclAt {
    /// The declaration, given its source's top-level declarations in order
    /// ([`top_decls`]).
    pub(crate) fn find_in<'d>(self, tops: &[&'d ast::Decl]) -> Option<&'d ast::Decl> {
        let top = tops.get(self.decl as usize)?;
        let mut left = self.nested;
        nested_decl(top, &mut left)
    }
}

/// A tree's top-level declarations, in order: what [`DeclAt::decl`] counts.
pub(crate) fn top_decls(parse: &Parse) -> Vec<&ast::Decl> {
    parse
        .tree
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Decl(d) => Some(d),
            _ => None,
        })
        .collect()
}

/// The declaration `left` steps into a walk of `decl` and its nested ones.
fn nested_decl<'d>(decl: &'d ast::Decl, left: &mut u32) -> Option<&'d ast::Decl> {
    if *left == 0 {
        return Some(decl);
    }
    *left -= 1;
    if !matches!(decl.kind, DeclKind::Element(_)) {
        return None;
    }
    for entry in decl.entries() {
        if let Entry::Decl(child) = entry {
            if let Some(found) = nested_decl(child, left) {
                return Some(found);
            }
        }
    }
    None
}

/// A file (or a built-in metamodel) taking part in the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Source {
    pub file: SourceFile,
    pub builtin: bool,
    /// Its declarations are vocabulary (a library file or a built-in).
    pub library: bool,
    /// The first element id it declares; its elements' ids follow on.
    pub first_element: u32,
    /// One slot per element declaration in a walk of its top-level element
    /// declarations and their bodies (nested declarations of any sort
    /// included): the id given, or `None` when none was (an empty name, a
    /// duplicate, or inside one that has none).
    pub element_slots: Vec<Option<ElementId>>,
}

/// An element as the index knows it: its name and place in the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NamedElement {
    pub name: SmolStr,
    pub path: String,
    /// The kind as written, and the kind it names (if one does).
    pub kind_name: SmolStr,
    pub kind: Option<KindId>,
    pub parent: Option<ElementId>,
    pub children: Vec<ElementId>,
    pub at: DeclAt,
}

/// The layers, kinds or relation kinds, in declaration order (a workspace
/// declaration replaces a built-in one in place).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct MetaNames {
    pub decls: Vec<DeclAt>,
    pub by_name: HashMap<SmolStr, u32>,
    /// The built-in declaration each overriding one replaced, by index.
    pub replaced: Vec<(u32, DeclAt)>,
}

/// A declaration whose name its space already has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Duplicate {
    pub at: DeclAt,
    pub first: DeclAt,
    pub what: &'static str,
}

/// Every declared name of the workspace, with the ids the model gives them.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct NameIndex {
    /// The built-in modules used, then the workspace's files, in path order.
    pub sources: Vec<Source>,
    /// Each source's index in `sources`.
    source_of: HashMap<SourceFile, u32>,
    /// The built-in modules loaded (`use society5`).
    pub modules: Vec<SmolStr>,
    pub elements: Vec<NamedElement>,
    /// The children of elements that have many, by name: a child of an
    /// element with few is found by reading its children's names, which
    /// lie next to each other, instead of in a table of every element.
    wide_children: HashMap<ElementId, HashMap<SmolStr, ElementId>>,
    pub top_level: [HashMap<SmolStr, Target>; Space::ALL.len()],
    pub layers: MetaNames,
    pub kinds: MetaNames,
    pub relation_kinds: MetaNames,
    /// `extend` declarations of the metamodel, in file order.
    pub extensions: Vec<(Sort, DeclAt)>,
    /// Workspace declarations that replace a built-in one: (sort, the
    /// declaration, the built-in one).
    pub redefined: Vec<(Sort, DeclAt, DeclAt)>,
    pub concerns: Vec<DeclAt>,
    pub stakeholders: Vec<DeclAt>,
    pub viewpoints: Vec<DeclAt>,
    pub views: Vec<DeclAt>,
    pub decisions: Vec<DeclAt>,
    pub duplicates: Vec<Duplicate>,
    /// Elements by their own name, for "did you mean" with a nested path;
    /// made the first time a name resolves nowhere.
    by_name: ByName,
}

/// Elements by name, made when first asked for (not part of equality: it
/// follows from the elements).
#[derive(Debug, Default)]
struct ByName(OnceLock<HashMap<SmolStr, Vec<ElementId>>>);

impl PartialEq for ByName {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for ByName {}

impl NameIndex {
    /// The index of the workspace whose files (in path order) have these
    /// skeletons; `builtins` are the built-in modules with their skeletons.
    pub(crate) fn new(
        files: &[(SourceFile, &Skeleton)],
        builtin: Option<(SourceFile, &Skeleton)>,
    ) -> NameIndex {
        let mut index = NameIndex {
            modules: NameIndex::module(files).into_iter().collect(),
            ..NameIndex::default()
        };
        let mut sources: Vec<(SourceFile, bool, &Skeleton)> = Vec::new();
        if let (Some((file, skeleton)), false) = (builtin, index.modules.is_empty()) {
            sources.push((file, true, skeleton));
        }
        sources.extend(files.iter().map(|&(f, s)| (f, false, s)));
        // Room for every element and top-level name at once: growing these
        // tables step by step copies them over and over.
        let (mut elements, mut top) = (0, 0);
        for (_, _, skeleton) in &sources {
            top += skeleton.decls.len();
            elements += skeleton
                .decls
                .iter()
                .filter(|d| d.sort == Sort::Element)
                .map(|d| count_nested(d) as usize)
                .sum::<usize>();
        }
        index.elements.reserve(elements);
        index.top_level[Space::Element as usize].reserve(top);
        for (source, &(file, builtin, skeleton)) in sources.iter().enumerate() {
            index.source_of.insert(file, source as u32);
            let library = builtin || skeleton.library;
            index.sources.push(Source {
                file,
                builtin,
                library,
                first_element: index.elements.len() as u32,
                element_slots: Vec::new(),
            });
            for (d, decl) in skeleton.decls.iter().enumerate() {
                let at = DeclAt {
                    source: source as u32,
                    decl: d as u32,
                    nested: 0,
                };
                index.declare(at, decl, builtin);
            }
        }
        // Kinds may be declared after the elements of their kind.
        for element in &mut index.elements {
            element.kind = index
                .kinds
                .by_name
                .get(&element.kind_name)
                .map(|&i| KindId(i));
        }
        index
    }

    /// The built-in module the workspace loads: the first one a `use`
    /// names (a second one beside it is reported, not loaded).
    pub(crate) fn module(files: &[(SourceFile, &Skeleton)]) -> Option<SmolStr> {
        files
            .iter()
            .flat_map(|(_, skeleton)| &skeleton.uses)
            .find(|module| builtin::MODULES.contains(&module.as_str()))
            .cloned()
    }

    fn declare(&mut self, at: DeclAt, decl: &SkeletonDecl, builtin: bool) {
        if decl.name.is_empty() {
            if decl.sort == Sort::Element {
                self.skip_element(at.source, decl);
            }
            return;
        }
        if decl.extend {
            if matches!(decl.sort, Sort::Layer | Sort::Kind | Sort::Relation) {
                self.extensions.push((decl.sort, at));
            }
            return;
        }
        match decl.sort {
            Sort::Layer | Sort::Kind | Sort::Relation => self.declare_meta(at, decl, builtin),
            Sort::Concern | Sort::Stakeholder | Sort::Viewpoint | Sort::View | Sort::Decision => {
                let next = self.declared(decl.sort).len() as u32;
                let target = match decl.sort {
                    Sort::Concern => Target::Concern(ConcernId(next)),
                    Sort::Stakeholder => Target::Stakeholder(StakeholderId(next)),
                    Sort::Viewpoint => Target::Viewpoint(ViewpointId(next)),
                    Sort::View => Target::View(ViewId(next)),
                    _ => Target::Decision(DecisionId(next)),
                };
                if self.declare_top_level(at, &decl.name, target) {
                    self.declared(decl.sort).push(at);
                }
            }
            Sort::Element => {
                let mut nested = 0;
                self.declare_element(at, decl, None, &mut nested);
            }
            Sort::Group => {}
        }
    }

    /// The declarations of a top-level sort other than elements, by id.
    fn declared(&mut self, sort: Sort) -> &mut Vec<DeclAt> {
        match sort {
            Sort::Concern => &mut self.concerns,
            Sort::Stakeholder => &mut self.stakeholders,
            Sort::Viewpoint => &mut self.viewpoints,
            Sort::View => &mut self.views,
            _ => &mut self.decisions,
        }
    }

    fn declare_meta(&mut self, at: DeclAt, decl: &SkeletonDecl, builtin: bool) {
        let sources = &self.sources;
        let is_builtin = |at: DeclAt| sources[at.source as usize].builtin;
        let names = match decl.sort {
            Sort::Layer => &mut self.layers,
            Sort::Kind => &mut self.kinds,
            _ => &mut self.relation_kinds,
        };
        match names.by_name.get(&decl.name).copied() {
            None => {
                names
                    .by_name
                    .insert(decl.name.clone(), names.decls.len() as u32);
                names.decls.push(at);
            }
            Some(index) if is_builtin(names.decls[index as usize]) && !builtin => {
                let replaced = std::mem::replace(&mut names.decls[index as usize], at);
                names.replaced.push((index, replaced));
                self.redefined.push((decl.sort, at, replaced));
            }
            Some(index) => {
                let first = names.decls[index as usize];
                let what = match decl.sort {
                    Sort::Layer => "layer",
                    Sort::Kind => "element kind",
                    _ => "relation kind",
                };
                self.duplicates.push(Duplicate { at, first, what });
            }
        }
    }

    /// Where a top-level target is declared.
    pub(crate) fn target_at(&self, target: Target) -> DeclAt {
        match target {
            Target::Element(id) => self.elements[id.index()].at,
            Target::Concern(id) => self.concerns[id.index()],
            Target::Stakeholder(id) => self.stakeholders[id.index()],
            Target::Viewpoint(id) => self.viewpoints[id.index()],
            Target::View(id) => self.views[id.index()],
            Target::Decision(id) => self.decisions[id.index()],
            Target::Layer(id) => self.layers.decls[id.index()],
            Target::Kind(id) => self.kinds.decls[id.index()],
            Target::RelationKind(id) => self.relation_kinds.decls[id.index()],
        }
    }

    fn declare_top_level(&mut self, at: DeclAt, name: &SmolStr, target: Target) -> bool {
        let Some(space) = Space::of(target) else {
            return false;
        };
        if let Some(&existing) = self.top_level[space as usize].get(name) {
            let first = self.target_at(existing);
            self.duplicates.push(Duplicate {
                at,
                first,
                what: space.noun(),
            });
            return false;
        }
        self.top_level[space as usize].insert(name.clone(), target);
        true
    }

    /// Gives slots (all empty) to a declaration that declares nothing and
    /// to every declaration inside it.
    fn skip_element(&mut self, source: u32, decl: &SkeletonDecl) {
        let slots = &mut self.sources[source as usize].element_slots;
        fn count(decl: &SkeletonDecl) -> usize {
            1 + decl.nested.iter().map(count).sum::<usize>()
        }
        slots.extend(std::iter::repeat_n(None, count(decl)));
    }

    fn declare_element(
        &mut self,
        top: DeclAt,
        decl: &SkeletonDecl,
        parent: Option<ElementId>,
        nested: &mut u32,
    ) {
        let at = DeclAt {
            nested: *nested,
            ..top
        };
        *nested += 1;
        let name = &decl.name;
        let id = ElementId(self.elements.len() as u32);
        let declared = !name.is_empty()
            && match parent {
                None => self.declare_top_level(at, name, Target::Element(id)),
                Some(p) => match self.child(p, name) {
                    Some(existing) => {
                        let first = self.elements[existing.index()].at;
                        self.duplicates.push(Duplicate {
                            at,
                            first,
                            what: "element",
                        });
                        false
                    }
                    None => true,
                },
            }
            && decl.sort == Sort::Element;
        if !declared {
            self.sources[top.source as usize].element_slots.push(None);
            for child in &decl.nested {
                self.skip_element(top.source, child);
                *nested += count_nested(child);
            }
            return;
        }
        let path = match parent {
            Some(p) => {
                let parent_path = &self.elements[p.index()].path;
                let mut path = String::with_capacity(parent_path.len() + 1 + name.len());
                path.push_str(parent_path);
                path.push('.');
                path.push_str(name);
                path
            }
            None => name.to_string(),
        };
        self.sources[top.source as usize]
            .element_slots
            .push(Some(id));
        if let Some(p) = parent {
            self.add_child(p, name, id);
        }
        self.elements.push(NamedElement {
            name: name.clone(),
            path,
            kind_name: decl.kind.clone(),
            kind: None,
            parent,
            children: Vec::new(),
            at,
        });
        for child in &decl.nested {
            self.declare_element(top, child, Some(id), nested);
        }
    }

    /// The index in [`NameIndex::sources`] of `file`, if it takes part.
    pub(crate) fn source_of(&self, file: SourceFile) -> Option<usize> {
        self.source_of.get(&file).map(|&i| i as usize)
    }

    /// The declarations of `list` (one of the top-level sorts, by id) that
    /// `source` holds, and the id of the first: ids follow the sources'
    /// order, so they are one run of the list.
    pub(crate) fn of_source(list: &[DeclAt], source: u32) -> (usize, &[DeclAt]) {
        let start = list.partition_point(|at| at.source < source);
        let end = list.partition_point(|at| at.source <= source);
        (start, &list[start..end])
    }

    pub(crate) fn top_level(&self, space: Space, name: &str) -> Option<Target> {
        self.top_level[space as usize].get(name).copied()
    }

    pub(crate) fn first_top_level(&self, name: &str) -> Option<Target> {
        self.top_level.iter().find_map(|m| m.get(name).copied())
    }

    pub(crate) fn top_level_names(&self, space: Space) -> impl Iterator<Item = &str> {
        self.top_level[space as usize].keys().map(SmolStr::as_str)
    }

    pub(crate) fn child(&self, parent: ElementId, name: &str) -> Option<ElementId> {
        let children = &self.elements.get(parent.index())?.children;
        if children.len() > WIDE {
            return self.wide_children.get(&parent)?.get(name).copied();
        }
        children
            .iter()
            .copied()
            .find(|&c| self.elements[c.index()].name == name)
    }

    /// Adds `child`, about to be declared, to `parent`'s children.
    fn add_child(&mut self, parent: ElementId, name: &SmolStr, child: ElementId) {
        let children = &mut self.elements[parent.index()].children;
        children.push(child);
        let count = children.len();
        match count {
            n if n <= WIDE => {}
            n if n == WIDE + 1 => {
                // The new child is not among the elements yet.
                let children = &self.elements[parent.index()].children[..WIDE];
                let mut by_name: HashMap<SmolStr, ElementId> = children
                    .iter()
                    .map(|&c| (self.elements[c.index()].name.clone(), c))
                    .collect();
                by_name.insert(name.clone(), child);
                self.wide_children.insert(parent, by_name);
            }
            _ => {
                self.wide_children
                    .entry(parent)
                    .or_default()
                    .insert(name.clone(), child);
            }
        }
    }

    /// The element of a dotted path (`a.b.c`): a top-level element, then a
    /// child of each in turn.
    pub(crate) fn element_by_path(&self, path: &str) -> Option<ElementId> {
        let mut segments = path.split('.');
        let Some(Target::Element(mut id)) = self.top_level(Space::Element, segments.next()?) else {
            return None;
        };
        for segment in segments {
            id = self.child(id, segment)?;
        }
        Some(id)
    }

    pub(crate) fn element(&self, id: ElementId) -> &NamedElement {
        &self.elements[id.index()]
    }

    /// Every element by its own name.
    pub(crate) fn elements_by_name(&self) -> &HashMap<SmolStr, Vec<ElementId>> {
        self.by_name.0.get_or_init(|| {
            let mut index: HashMap<SmolStr, Vec<ElementId>> = HashMap::default();
            for (i, element) in self.elements.iter().enumerate() {
                index
                    .entry(element.name.clone())
                    .or_default()
                    .push(ElementId(i as u32));
            }
            index
        })
    }
}

/// Past this many children, an element's children are also kept by name.
const WIDE: usize = 16;

/// How many slots a declaration and everything inside it take.
fn count_nested(decl: &SkeletonDecl) -> u32 {
    1 + decl.nested.iter().map(count_nested).sum::<u32>()
}
