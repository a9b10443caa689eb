//! Builds the [`Model`] from the parsed files: declares every name, resolves
//! every reference (SPEC §2: a path's first segment names a child of the
//! nearest enclosing element, read as a walk up the ancestors, else a
//! top-level declaration; see `scope`), and reports
//! undefined and duplicate names on the way.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use kozo_lang::{self as ast, ClauseArgs, ClauseKeyword, DeclKind, Entry, Item, Parse, Selector};
use smol_str::SmolStr;

use super::names::{DeclAt, NameIndex, Sort};
use super::*;
use crate::builtin;
use crate::db::{self, Workspace};
use crate::rules::{self, duplicate_definition, undefined_reference, Facts, RuleMeta};
use crate::suggest::Suggester;

mod curation;
mod metamodel;
mod scope;

pub(crate) use scope::THIS;

pub(crate) use metamodel::Absorbed;
use metamodel::{union, MissingModule};

/// A declaration waiting for its references to be resolved.
#[derive(Clone, Copy)]
struct Pending<'a> {
    file: SourceFile,
    decl: &'a ast::Decl,
    builtin: bool,
    /// Declared in a library file (or the built-in metamodel).
    library: bool,
}

/// The declarations of one namespace (layers, kinds or relation kinds), in
/// declaration order; a workspace declaration replaces a built-in one in place.
#[derive(Default)]
struct Namespace<'a> {
    decls: Vec<Pending<'a>>,
    /// The built-in declaration each overriding one replaced, by index: an
    /// override keeps the built-in's place (a layer's `order`, the default
    /// relation kind) unless it says otherwise.
    replaced: HashMap<u32, Pending<'a>>,
    /// `extend` declarations of each declaration, by index, in file order.
    extensions: HashMap<u32, Vec<Pending<'a>>>,
}

/// What resolution made of one file's elements and relationships: the
/// file's share of the model, rebuilt only when the file or the names it
/// can see change.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FilePart {
    pub elements: Arc<Vec<Element>>,
    pub relationships: Arc<Vec<Relationship>>,
    pub references: Arc<Vec<Reference>>,
    pub concerns: Arc<Vec<Concern>>,
    pub stakeholders: Arc<Vec<Stakeholder>>,
    pub viewpoints: Arc<Vec<Viewpoint>>,
    pub views: Arc<Vec<View>>,
    pub decisions: Arc<Vec<Decision>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Names of a built-in module no file uses, met while resolving the
    /// elements' kinds, then the relationships', then the other
    /// declarations'.
    pub absorbed: [Absorbed; 3],
    /// Where the arrows of relationships without `: kind` stand, when the
    /// workspace has no default relation kind.
    pub without_default: Vec<(SourceFile, ast::Span)>,
}

/// The layers, kinds and relation kinds: built apart from the rest, from
/// the files that declare them.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Metamodel {
    pub layers: Vec<Layer>,
    pub kinds: Vec<Kind>,
    pub relation_kinds: Vec<RelationKind>,
    layer_by_name: HashMap<SmolStr, LayerId>,
    kind_by_name: HashMap<SmolStr, KindId>,
    relation_kind_by_name: HashMap<SmolStr, RelationKindId>,
    pub extensions: Vec<Extension>,
    diagnostics: Vec<Diagnostic>,
    pub references: Arc<Vec<Reference>>,
    pub default_relation: Option<RelationKindId>,
    absorbed: Absorbed,
}

struct Builder<'a> {
    db: &'a dyn db::Db,
    names: &'a NameIndex,
    model: Model,
    layers: Namespace<'a>,
    kinds: Namespace<'a>,
    relation_kinds: Namespace<'a>,
    /// A file's declared elements, in id order, each with its id.
    elements: Vec<(ElementId, Pending<'a>)>,
    /// Their model elements (a file's part).
    part_elements: Vec<Element>,
    relationships: Vec<(SourceFile, &'a ast::Relationship, Option<ElementId>)>,
    part_relationships: Vec<Relationship>,
    /// The top-level declarations of each source a place was looked up in
    /// (see [`Builder::pending_at`]).
    top_decls: std::cell::RefCell<HashMap<u32, Vec<&'a ast::Decl>>>,
    references: Vec<Reference>,
    concerns: Vec<Pending<'a>>,
    stakeholders: Vec<Pending<'a>>,
    viewpoints: Vec<Pending<'a>>,
    views: Vec<Pending<'a>>,
    decisions: Vec<Pending<'a>>,
    default_relation: Option<RelationKindId>,
    /// "Did you mean" under one budget for what this builder resolves.
    suggester: Suggester,
    /// `extend` declarations, attached once every name is declared.
    pending_extensions: Vec<(Meta, Pending<'a>)>,
    /// The built-in metamodel's names, when no file uses it: a name it
    /// defines is then reported once for the workspace, not at each use.
    missing_module: MissingModule<'a>,
    without_default: Vec<(SourceFile, ast::Span)>,
}

/// The built-in metamodels no file uses and whose names may still be what
/// a name was written for: `society5` always (the default vocabulary),
/// `archimate` when the workspace uses no module at all (a workspace that
/// uses one has chosen its vocabulary, and an unknown name there is a
/// mistake to report where it stands).
fn missing_module<'a>(
    db: &'a dyn db::Db,
    workspace: Workspace,
    names: &NameIndex,
) -> MissingModule<'a> {
    let no_module = names.modules.is_empty();
    let mut missing = Vec::new();
    for (module, file) in [
        (builtin::SOCIETY5, *workspace.builtin(db)),
        (builtin::ARCHIMATE, *workspace.archimate(db)),
    ] {
        let used = names.modules.iter().any(|m| m == module);
        if !used && (module == builtin::SOCIETY5 || no_module) {
            missing.push((module, metamodel::builtin_names(db, file)));
        }
    }
    MissingModule::new(missing, workspace.files(db).first().copied())
}

/// The budget of "did you mean" work for one file's part: the model's
/// budget shared out between its files, yet never so little that a file
/// cannot have a few suggestions.
fn part_suggester(files: usize) -> Suggester {
    const MODEL: u64 = 100_000_000;
    const FLOOR: u64 = 2_000_000;
    Suggester::new((MODEL / files.max(1) as u64).max(FLOOR))
}

impl<'a> Builder<'a> {
    fn new(db: &'a dyn db::Db, names: &'a NameIndex, missing_module: MissingModule<'a>) -> Self {
        Builder {
            db,
            names,
            model: Model::default(),
            layers: Namespace::default(),
            kinds: Namespace::default(),
            relation_kinds: Namespace::default(),
            elements: Vec::new(),
            top_decls: Default::default(),
            part_elements: Vec::new(),
            relationships: Vec::new(),
            part_relationships: Vec::new(),
            references: Vec::new(),
            concerns: Vec::new(),
            stakeholders: Vec::new(),
            viewpoints: Vec::new(),
            views: Vec::new(),
            decisions: Vec::new(),
            default_relation: None,
            suggester: Suggester::default(),
            pending_extensions: Vec::new(),
            missing_module,
            without_default: Vec::new(),
        }
    }

    /// The declaration the index places at `at`.
    fn pending_at(&self, at: DeclAt) -> Option<Pending<'a>> {
        let db: &'a dyn db::Db = self.db;
        let source = self.names.sources.get(at.source as usize)?;
        // Each source's top-level declarations are listed once: finding
        // each of a file's views by walking its items again was quadratic
        // in a file of a million statements.
        let mut tops = self.top_decls.borrow_mut();
        let tops = tops.entry(at.source).or_insert_with(|| {
            let parse: &'a Parse = db::parse(db, source.file);
            super::names::top_decls(parse)
        });
        Some(Pending {
            file: source.file,
            decl: at.find_in(tops)?,
            builtin: source.builtin,
            library: source.library,
        })
    }

    /// Where the declaration at `at` writes its name.
    fn name_loc(&self, at: DeclAt) -> Option<Loc> {
        let pending = self.pending_at(at)?;
        Some(Loc {
            file: pending.file,
            span: pending.decl.name.span,
        })
    }

    fn pendings(&self, list: &[DeclAt]) -> Vec<Pending<'a>> {
        list.iter().filter_map(|&at| self.pending_at(at)).collect()
    }

    fn meta_names(&self, meta: Meta) -> &'a super::names::MetaNames {
        let names: &'a NameIndex = self.names;
        match meta {
            Meta::Layer => &names.layers,
            Meta::Kind => &names.kinds,
            Meta::RelationKind => &names.relation_kinds,
        }
    }
}

/// Builds the metamodel of the workspace whose names are `names`.
pub(crate) fn build_metamodel(
    db: &dyn db::Db,
    workspace: Workspace,
    names: &NameIndex,
) -> Metamodel {
    let mut b = Builder::new(db, names, missing_module(db, workspace, names));
    for meta in [Meta::Layer, Meta::Kind, Meta::RelationKind] {
        let from = b.meta_names(meta);
        let decls: Option<Vec<Pending>> = from.decls.iter().map(|&at| b.pending_at(at)).collect();
        let replaced = from
            .replaced
            .iter()
            .filter_map(|&(index, at)| Some((index, b.pending_at(at)?)))
            .collect();
        let namespace = b.namespace(meta);
        // The index was made from these very files: every place is found.
        namespace.decls = decls.unwrap_or_default();
        namespace.replaced = replaced;
    }
    for &(sort, at, builtin_at) in &names.redefined {
        if let (Some(pending), Some(builtin)) = (b.pending_at(at), b.pending_at(builtin_at)) {
            b.redefined_builtin(Meta::of(sort), pending, builtin);
        }
    }
    b.pending_extensions = names
        .extensions
        .iter()
        .filter_map(|&(sort, at)| Some((Meta::of(sort), b.pending_at(at)?)))
        .collect();
    b.attach_extensions();
    b.build_layers();
    b.build_kinds();
    b.build_relation_kinds();
    b.references.dedup();
    let model = b.model;
    Metamodel {
        layers: model.layers,
        kinds: model.kinds,
        relation_kinds: model.relation_kinds,
        layer_by_name: model.layer_by_name,
        kind_by_name: model.kind_by_name,
        relation_kind_by_name: model.relation_kind_by_name,
        extensions: model.extensions,
        diagnostics: model.diagnostics,
        references: Arc::new(b.references),
        default_relation: b.default_relation,
        absorbed: b.missing_module.take_absorbed(),
    }
}

/// Resolves the elements and relationships `file` declares, against the
/// workspace's `names` and its default relation kind, and checks them with
/// the rules that look at one at a time.
pub(crate) fn build_part(
    db: &dyn db::Db,
    workspace: Workspace,
    names: &NameIndex,
    default_relation: Option<RelationKindId>,
    meta: &RuleMeta,
    file: SourceFile,
) -> FilePart {
    let Some(index) = names.source_of(file) else {
        return FilePart::default();
    };
    let source = &names.sources[index];
    let mut b = Builder::new(db, names, missing_module(db, workspace, names));
    b.suggester = part_suggester(workspace.files(db).len());
    b.default_relation = default_relation;
    let parse: &Parse = db::parse(db, file);
    let declared = source.element_slots.iter().flatten().count();
    b.part_elements.reserve_exact(declared);
    b.elements.reserve_exact(declared);
    let mut slots = source.element_slots.iter().copied();
    for item in &parse.tree.items {
        match item {
            Item::Decl(decl) if matches!(decl.kind, DeclKind::Element(_)) => {
                let pending = Pending {
                    file,
                    decl,
                    builtin: source.builtin,
                    library: source.library,
                };
                b.walk_element(pending, source.first_element, &mut slots);
            }
            Item::Relationship(rel) => b.relationships.push((file, rel, None)),
            Item::Decl(_) | Item::Use(_) | Item::Error(_) => {}
        }
    }
    b.resolve_elements(source.first_element);
    let kinds = b.missing_module.take_absorbed();
    b.build_relationships();
    let relationships = b.missing_module.take_absorbed();
    b.top_level(index as u32, parse);
    let top_level = b.missing_module.take_absorbed();
    b.references.dedup();
    // The part is kept as long as its file is unchanged: no spare room.
    b.references.shrink_to_fit();
    let facts = Facts { meta, names };
    let mut found = b.model.diagnostics;
    rules::check_part(&facts, &b.part_elements, &b.part_relationships, &mut found);
    b.model.diagnostics = found;
    FilePart {
        elements: Arc::new(b.part_elements),
        relationships: Arc::new(b.part_relationships),
        references: Arc::new(b.references),
        concerns: first_piece(&b.model.concerns),
        stakeholders: first_piece(&b.model.stakeholders),
        viewpoints: first_piece(&b.model.viewpoints),
        views: first_piece(&b.model.views),
        decisions: first_piece(&b.model.decisions),
        diagnostics: b.model.diagnostics,
        absorbed: [kinds, relationships, top_level],
        without_default: b.without_default,
    }
}

/// The model of the workspace: the metamodel and every file's part put
/// together, with the duplicates and the `use` findings made here.
pub(crate) fn assemble(
    db: &dyn db::Db,
    workspace: Workspace,
    names: &Arc<NameIndex>,
    meta: &Metamodel,
    parts: &[&FilePart],
) -> Model {
    let mut b = Builder::new(db, names, missing_module(db, workspace, names));
    b.model.names = Arc::clone(names);
    b.model.modules = names.modules.clone();
    b.default_relation = meta.default_relation;
    b.check_uses(workspace);

    b.model.layers = meta.layers.clone();
    b.model.kinds = meta.kinds.clone();
    b.model.relation_kinds = meta.relation_kinds.clone();
    b.model.layer_by_name = meta.layer_by_name.clone();
    b.model.kind_by_name = meta.kind_by_name.clone();
    b.model.relation_kind_by_name = meta.relation_kind_by_name.clone();
    b.model.extensions = meta.extensions.clone();
    b.model.diagnostics.extend(meta.diagnostics.iter().cloned());
    b.model.references.push_chunk(Arc::clone(&meta.references));
    let first_part_finding = b.model.diagnostics.len();
    for part in parts {
        let model = &mut b.model;
        model.elements.push_chunk(Arc::clone(&part.elements));
        model
            .relationships
            .push_chunk(Arc::clone(&part.relationships));
        model.references.push_chunk(Arc::clone(&part.references));
        model.concerns.push_chunk(Arc::clone(&part.concerns));
        model
            .stakeholders
            .push_chunk(Arc::clone(&part.stakeholders));
        model.viewpoints.push_chunk(Arc::clone(&part.viewpoints));
        model.views.push_chunk(Arc::clone(&part.views));
        model.decisions.push_chunk(Arc::clone(&part.decisions));
        model.diagnostics.extend(part.diagnostics.iter().cloned());
    }
    b.model.part_findings = first_part_finding..b.model.diagnostics.len();
    b.missing_module.add(&meta.absorbed);
    for phase in 0..3 {
        for part in parts {
            b.missing_module.add(&part.absorbed[phase]);
        }
    }
    for part in parts {
        for &(file, arrow) in &part.without_default {
            b.no_default_relation(file, arrow);
        }
    }
    for duplicate in &names.duplicates {
        if let (Some(pending), Some(first)) =
            (b.pending_at(duplicate.at), b.name_loc(duplicate.first))
        {
            b.duplicate(pending, first.file, first.span, duplicate.what);
        }
    }
    b.finish()
}

/// The one piece a file's part built of a list (an empty one if none).
fn first_piece<T>(list: &Chunked<T>) -> Arc<Vec<T>> {
    list.chunks().next().cloned().unwrap_or_default()
}

impl<'a> Builder<'a> {
    /// A file's top-level declarations other than elements: the clauses
    /// each repeats, and those the index gave an id (concerns,
    /// stakeholders, viewpoints, views, decisions), built in id order.
    fn top_level(&mut self, source: u32, parse: &'a Parse) {
        let file = self.names.sources[source as usize].file;
        for item in &parse.tree.items {
            if let Item::Decl(decl) = item {
                if !matches!(decl.kind, DeclKind::Element(_)) && !decl.name.text.is_empty() {
                    self.check_repeats(file, decl.entries());
                }
            }
        }
        let names = self.names;
        let mine = |b: &Self, list: &[DeclAt]| -> Vec<Pending<'a>> {
            b.pendings(NameIndex::of_source(list, source).1)
        };
        self.concerns = mine(self, &names.concerns);
        self.stakeholders = mine(self, &names.stakeholders);
        self.viewpoints = mine(self, &names.viewpoints);
        self.views = mine(self, &names.views);
        self.decisions = mine(self, &names.decisions);
        self.build_concerns();
        self.build_stakeholders();
        self.build_viewpoints();
        self.build_views();
        self.build_decisions();
    }

    /// The `use` statements: a module that does not exist, and a second
    /// built-in module beside the one loaded (the two declare the same
    /// layers and kinds, so only the first one met is loaded).
    fn check_uses(&mut self, workspace: Workspace) {
        let db: &'a dyn db::Db = self.db;
        let kept = self.names.modules.first().cloned();
        let mut first_use: Option<(SourceFile, ast::Span)> = None;
        let mut second_modules: Vec<(SourceFile, &'a ast::Ident)> = Vec::new();
        for &file in workspace.files(db) {
            for module in db::module_uses(db, file) {
                let name = &module.text;
                if !builtin::MODULES.contains(&name.as_str()) {
                    let suggestion = self
                        .suggester
                        .closest(name, builtin::MODULES.iter().copied());
                    self.model.diagnostics.push(undefined_reference::not_found(
                        file,
                        module.span,
                        "module",
                        name,
                        suggestion,
                    ));
                } else if kept.as_ref() == Some(name) {
                    first_use.get_or_insert((file, module.span));
                } else {
                    second_modules.push((file, module));
                }
            }
        }
        let (Some(kept), Some((first_file, first_span))) = (kept, first_use) else {
            return;
        };
        if second_modules.is_empty() {
            return;
        }
        let shared = metamodel::shared_names(
            db::parse(db, *workspace.builtin(db)),
            db::parse(db, *workspace.archimate(db)),
        );
        for (file, module) in second_modules {
            self.model
                .diagnostics
                .push(duplicate_definition::second_module(
                    file,
                    module.span,
                    &module.text,
                    &kept,
                    &shared,
                    first_file,
                    first_span,
                ));
        }
    }

    fn namespace(&mut self, meta: Meta) -> &mut Namespace<'a> {
        match meta {
            Meta::Layer => &mut self.layers,
            Meta::Kind => &mut self.kinds,
            Meta::RelationKind => &mut self.relation_kinds,
        }
    }

    fn duplicate(
        &mut self,
        pending: Pending<'a>,
        first_file: SourceFile,
        first: ast::Span,
        what: &str,
    ) {
        self.model.diagnostics.push(duplicate_definition::duplicate(
            pending.file,
            pending.decl.name.span,
            what,
            &pending.decl.name.text,
            first_file,
            first,
        ));
    }

    /// An element declaration of a file's part and the declarations of its
    /// body, each paired with the slot the index gave it.
    fn walk_element(
        &mut self,
        pending: Pending<'a>,
        first_element: u32,
        slots: &mut impl Iterator<Item = Option<ElementId>>,
    ) {
        let decl = pending.decl;
        let slot = slots.next().flatten();
        let (Some(id), DeclKind::Element(kind)) = (slot, &decl.kind) else {
            // Nothing declared here, nor inside: the slots of the body are
            // passed over.
            fn skip(decl: &ast::Decl, slots: &mut impl Iterator<Item = Option<ElementId>>) {
                if !matches!(decl.kind, DeclKind::Element(_)) {
                    return;
                }
                for entry in decl.entries() {
                    if let Entry::Decl(child) = entry {
                        slots.next();
                        skip(child, slots);
                    }
                }
            }
            skip(decl, slots);
            return;
        };
        if id.0 != first_element + self.part_elements.len() as u32 {
            // The index was made from this very tree: ids follow on.
            return;
        }
        let named = self.names.element(id);
        self.part_elements.push(Element {
            info: self.info(pending),
            path: named.path.clone(),
            kind_name: kind.text.clone(),
            kind_loc: Loc {
                file: pending.file,
                span: kind.span,
            },
            kind: None,
            parent: named.parent,
            children: named.children.clone(),
            node: petgraph::graph::NodeIndex::new(id.index()),
        });
        self.elements.push((id, pending));
        self.check_repeats(pending.file, decl.entries());
        for entry in decl.entries() {
            match entry {
                Entry::Decl(child) => {
                    let child = Pending {
                        decl: child,
                        ..pending
                    };
                    self.walk_element(child, first_element, slots);
                }
                Entry::Relationship(rel) => self.relationships.push((pending.file, rel, Some(id))),
                _ => {}
            }
        }
    }

    /// Labels, text and location of a declaration (properties come later,
    /// once names can be resolved).
    fn info(&self, pending: Pending<'a>) -> Info {
        let decl = pending.decl;
        let texts = texts(decl.entries());
        Info {
            name: decl.name.text.clone(),
            label: decl.label.as_ref().map(|l| l.value.clone()),
            translations: texts.translations,
            description: texts.description,
            descriptions: texts.descriptions,
            technology: texts.technology,
            doc: decl.doc.clone(),
            properties: Vec::new(),
            name_loc: Loc {
                file: pending.file,
                span: decl.name.span,
            },
            span: decl.span,
            builtin: pending.builtin,
            library: pending.library,
        }
    }

    /// A clause that takes one value (`status`, `layer`, `description`, a
    /// `label` per language, ...) written twice in one body: the second is a
    /// duplicate definition. List clauses (`frames`, `include`, ...) add up.
    fn check_repeats(&mut self, file: SourceFile, entries: &[Entry]) {
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        enum Key<'e> {
            Description(Option<&'e str>),
            Label(&'e str),
            Property(&'e str),
            Clause(ClauseKeyword),
        }
        // Most bodies have a handful of such entries: those are compared
        // with each other directly, without building a set. A large body
        // gets one set (a body of 80k properties once took 15 s here).
        const SMALL: usize = 8;
        let keyed = || {
            entries.iter().filter(|entry| match entry {
                Entry::Description { .. } | Entry::Label { .. } | Entry::Property { .. } => true,
                Entry::Clause(c) => single_valued(c),
                _ => false,
            })
        };
        if keyed().nth(1).is_none() {
            return;
        }
        let small = keyed().nth(SMALL).is_none();
        let mut few: Vec<(Key, ast::Span)> = Vec::new();
        let mut seen: HashMap<Key, ast::Span> = HashMap::default();
        for entry in entries {
            let (key, span) = match entry {
                Entry::Description { language, span, .. } => (
                    Key::Description(language.as_ref().map(|l| l.text.as_str())),
                    *span,
                ),
                Entry::Label { language, span, .. } => (Key::Label(&language.text), *span),
                Entry::Property { key, span, .. } => (Key::Property(&key.text), *span),
                Entry::Clause(c) if single_valued(c) => (Key::Clause(c.keyword), c.span),
                _ => continue,
            };
            let first = if small {
                match few.iter().find(|(k, _)| *k == key) {
                    Some(&(_, first)) => first,
                    None => {
                        few.push((key, span));
                        continue;
                    }
                }
            } else {
                match seen.entry(key) {
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(span);
                        continue;
                    }
                    std::collections::hash_map::Entry::Occupied(slot) => *slot.get(),
                }
            };
            let what = match key {
                Key::Description(None) => "`description`".to_string(),
                Key::Description(Some(language)) => format!("`description {language}`"),
                Key::Label(language) => format!("`label {language}`"),
                Key::Property(name) => format!("the property `{name}`"),
                Key::Clause(keyword) => format!("`{}`", keyword.as_str()),
            };
            self.model.diagnostics.push(duplicate_definition::repeated(
                file, span, &what, file, first,
            ));
        }
    }

    // ------------------------------------------------------------ resolving

    fn reference(&mut self, file: SourceFile, span: ast::Span, target: Target) {
        self.references.push(Reference {
            loc: Loc { file, span },
            target,
        });
    }

    fn resolve_meta(&mut self, meta: Meta, file: SourceFile, ident: &ast::Ident) -> Option<u32> {
        match self.meta_names(meta).by_name.get(&ident.text).copied() {
            Some(index) => {
                let target = match meta {
                    Meta::Layer => Target::Layer(LayerId(index)),
                    Meta::Kind => Target::Kind(KindId(index)),
                    Meta::RelationKind => Target::RelationKind(RelationKindId(index)),
                };
                self.reference(file, ident.span, target);
                Some(index)
            }
            None => {
                if self.missing_module.absorb(meta, &ident.text) {
                    return None;
                }
                let namespace = self.meta_names(meta);
                let suggestion = self
                    .suggester
                    .closest(&ident.text, namespace.by_name.keys().map(SmolStr::as_str))
                    .map(str::to_string);
                self.model.diagnostics.push(undefined_reference::not_found(
                    file,
                    ident.span,
                    meta.what(),
                    &ident.text,
                    suggestion.as_deref(),
                ));
                None
            }
        }
    }

    /// `sytem a` or `viewpont vp`: an element of an unknown kind, which may
    /// be a misspelt element kind or a misspelt declaration keyword.
    fn unknown_element_kind(&mut self, file: SourceFile, kind: &ast::Ident) {
        if self.missing_module.absorb(Meta::Kind, &kind.text) {
            return;
        }
        let near_kind = self
            .suggester
            .closest(
                &kind.text,
                self.names.kinds.by_name.keys().map(SmolStr::as_str),
            )
            .map(str::to_string);
        let near_keyword =
            crate::suggest::closest(&kind.text, kozo_lang::DECLARATION_KEYWORDS.iter().copied());
        let diagnostic = match (near_kind.as_deref(), near_keyword) {
            (None, Some(keyword)) => undefined_reference::plain(
                file,
                kind.span,
                format!(
                    "no element kind named `{}`; did you mean the keyword `{keyword}`?",
                    kind.text
                ),
                Some(keyword.to_string()),
            ),
            _ => undefined_reference::not_found(
                file,
                kind.span,
                Meta::Kind.what(),
                &kind.text,
                near_kind.as_deref(),
            ),
        };
        self.model.diagnostics.push(diagnostic);
    }

    fn resolve_kind(&mut self, file: SourceFile, ident: &ast::Ident) -> Option<KindId> {
        self.resolve_meta(Meta::Kind, file, ident).map(KindId)
    }

    fn resolve_relation_kind(
        &mut self,
        file: SourceFile,
        ident: &ast::Ident,
    ) -> Option<RelationKindId> {
        self.resolve_meta(Meta::RelationKind, file, ident)
            .map(RelationKindId)
    }

    /// A single-segment path naming a top-level declaration of `space`,
    /// written in `clause` (which says the space: a name of another space is
    /// never taken instead).
    fn resolve_top_level<T>(
        &mut self,
        file: SourceFile,
        path: &ast::Path,
        space: Space,
        clause: &str,
        pick: impl Fn(Target) -> Option<T>,
    ) -> Option<T> {
        let what = space.noun();
        let first = path.segments.first()?;
        if let Some(target) = self.names.top_level(space, &first.text) {
            if let Some(found) = pick(target) {
                if path.segments.len() > 1 {
                    self.model.diagnostics.push(undefined_reference::plain(
                        file,
                        path.span,
                        format!(
                            "a {what} is named by a single name, not a path: write `{}`",
                            first.text
                        ),
                        Some(first.text.to_string()),
                    ));
                    return None;
                }
                self.reference(file, first.span, target);
                return Some(found);
            }
        }
        if let Some(other) = self.names.first_top_level(&first.text) {
            let sort = target_sort(other);
            let expected = space.with_article();
            self.model.diagnostics.push(undefined_reference::plain(
                file,
                first.span,
                format!("`{}` is {sort}; `{clause}` expects {expected}", first.text),
                None,
            ));
            return None;
        }
        let suggestion = self
            .suggester
            .closest(&first.text, self.names.top_level_names(space))
            .map(str::to_string);
        self.model.diagnostics.push(undefined_reference::not_found(
            file,
            first.span,
            what,
            &first.text,
            suggestion.as_deref(),
        ));
        None
    }

    /// A concern named in `clause` (`concerns`, `frames` or `addresses`).
    fn resolve_concern(
        &mut self,
        file: SourceFile,
        path: &ast::Path,
        clause: &str,
    ) -> Option<ConcernId> {
        self.resolve_top_level(file, path, Space::Concern, clause, |t| match t {
            Target::Concern(id) => Some(id),
            _ => None,
        })
    }

    /// Resolves an element path from `scope` (the nearest enclosing
    /// element): the first segment is `this` (the enclosing element), a
    /// child of the nearest of `scope` and its ancestors that has one so
    /// named, or a top-level declaration ([`scope`]).
    fn resolve_element(
        &mut self,
        file: SourceFile,
        path: &ast::Path,
        scope: Option<ElementId>,
    ) -> Option<ElementId> {
        let (first, rest) = path.segments.split_first()?;
        if first.text == scope::THIS {
            let Some(enclosing) = scope else {
                self.model.diagnostics.push(undefined_reference::plain(
                    file,
                    first.span,
                    "`this` names the enclosing element, and there is none here: `this` is written inside an element's body; write the element's name".to_string(),
                    None,
                ));
                return None;
            };
            // Recorded like any name, so that go to definition, hover and
            // highlights work on it (rename leaves it as it is).
            self.reference(file, first.span, Target::Element(enclosing));
            return self.resolve_rest(file, enclosing, rest);
        }
        let current = match self.ancestor_child(scope, &first.text) {
            Some((level, child)) => {
                self.report_shadowed(scope, file, first.span, &first.text, level, child);
                child
            }
            None => match self
                .model
                .top_level(Space::Element, &first.text)
                .or_else(|| self.names.first_top_level(&first.text))
            {
                Some(Target::Element(id)) => id,
                Some(other) => {
                    self.model.diagnostics.push(undefined_reference::plain(
                        file,
                        first.span,
                        format!("`{}` is {}, not an element", first.text, target_sort(other)),
                        None,
                    ));
                    return None;
                }
                None => {
                    let (suggestion, nested) = self.suggest_element(scope, &first.text);
                    self.model.diagnostics.push(if nested {
                        undefined_reference::not_visible(
                            file,
                            first.span,
                            &first.text,
                            suggestion.as_deref().unwrap_or_default(),
                        )
                    } else {
                        undefined_reference::not_found(
                            file,
                            first.span,
                            "element",
                            &first.text,
                            suggestion.as_deref(),
                        )
                    });
                    return None;
                }
            },
        };
        self.reference(file, first.span, Target::Element(current));
        self.resolve_rest(file, current, rest)
    }

    /// The segments after the first, each a child of the one before.
    fn resolve_rest(
        &mut self,
        file: SourceFile,
        mut current: ElementId,
        rest: &[ast::Ident],
    ) -> Option<ElementId> {
        for segment in rest {
            match self.child(current, &segment.text) {
                Some(child) => {
                    self.reference(file, segment.span, Target::Element(child));
                    current = child;
                }
                None => {
                    let names: &NameIndex = self.names;
                    let suggestion = self
                        .suggester
                        .closest(
                            &segment.text,
                            names
                                .element(current)
                                .children
                                .iter()
                                .map(|&c| names.element(c).name.as_str()),
                        )
                        .map(str::to_string);
                    let parent_path = names.element(current).path.clone();
                    self.model.diagnostics.push(undefined_reference::no_child(
                        file,
                        segment.span,
                        &parent_path,
                        &segment.text,
                        suggestion.as_deref(),
                    ));
                    return None;
                }
            }
        }
        Some(current)
    }

    fn child(&self, parent: ElementId, name: &SmolStr) -> Option<ElementId> {
        self.names.child(parent, name)
    }

    /// Properties of a declaration; path values resolve like element paths
    /// from `scope`, or name any top-level declaration.
    fn properties(
        &mut self,
        file: SourceFile,
        entries: &[Entry],
        scope: Option<ElementId>,
    ) -> Vec<Property> {
        let mut out = Vec::new();
        for entry in entries {
            if let Entry::Property { key, value, span } = entry {
                let value = self.property_value(file, value, scope);
                out.push(Property {
                    key: key.text.clone(),
                    value,
                    span: *span,
                });
            }
        }
        out
    }

    fn property_value(
        &mut self,
        file: SourceFile,
        value: &ast::Value,
        scope: Option<ElementId>,
    ) -> PropertyValue {
        match value {
            ast::Value::Str(s) => PropertyValue::Str(s.value.clone()),
            ast::Value::Number(n, _) => PropertyValue::Number(n.clone()),
            ast::Value::Bool(b, _) => PropertyValue::Bool(*b),
            ast::Value::List(items, _) => PropertyValue::List(
                items
                    .iter()
                    .map(|v| self.property_value(file, v, scope))
                    .collect(),
            ),
            ast::Value::Path(path) => {
                let text = path.to_text();
                let first = &path.segments[0];
                let in_scope = (scope.is_some() && first.text == scope::THIS)
                    || self.ancestor_child(scope, &first.text).is_some();
                // A bare name is an element's first, then (paths name only
                // elements) a name of another space, in `Space::ALL` order.
                let target = match self.names.first_top_level(&first.text) {
                    Some(target) if !in_scope && path.segments.len() == 1 => {
                        self.reference(file, first.span, target);
                        Some(target)
                    }
                    None if !in_scope && path.segments.len() == 1 => {
                        self.unquoted_value(file, first);
                        None
                    }
                    _ => self.resolve_element(file, path, scope).map(Target::Element),
                };
                PropertyValue::Ref(text, target)
            }
        }
    }

    /// `retention = one_year`: a one-word value that names nothing is most
    /// likely text that lost its quotes (a misspelt name is suggested as
    /// before, with the quotes as the other way out).
    fn unquoted_value(&mut self, file: SourceFile, word: &ast::Ident) {
        let suggestion = self
            .suggester
            .closest(
                &word.text,
                Space::ALL
                    .into_iter()
                    .flat_map(|space| self.names.top_level_names(space)),
            )
            .map(str::to_string);
        let quoted = format!("\"{}\"", word.text);
        let diagnostic = match suggestion {
            Some(name) => undefined_reference::plain(
                file,
                word.span,
                format!(
                    "nothing is named `{}`; did you mean `{name}`? (text needs quotes: `{quoted}`)",
                    word.text
                ),
                Some(name),
            ),
            None => undefined_reference::plain(
                file,
                word.span,
                format!(
                    "nothing is named `{}`: a property's text needs quotes, `{quoted}`",
                    word.text
                ),
                Some(quoted),
            ),
        };
        self.model.diagnostics.push(diagnostic);
    }

    // ------------------------------------------------------------ building

    fn build_layers(&mut self) {
        let decls = self.layers.decls.clone();
        let mut keyed: Vec<(f64, usize)> = Vec::new();
        for (index, pending) in decls.iter().enumerate() {
            // An override without an `order` keeps the built-in layer's; an
            // extension's `order` holds when the declaration gives none.
            let order = layer_order(pending.decl)
                .or_else(|| {
                    self.layers
                        .replaced
                        .get(&(index as u32))
                        .and_then(|builtin| layer_order(builtin.decl))
                })
                .or_else(|| self.extension_layer_order(index));
            let key = order
                .as_ref()
                .and_then(|n| n.parse::<f64>().ok())
                .unwrap_or(f64::INFINITY);
            keyed.push((key, index));
            let mut info = self.merged_info(Meta::Layer, index, *pending);
            info.properties = self.meta_properties(Meta::Layer, index, *pending);
            self.model.layers.push(Layer {
                info,
                rank: 0,
                order,
            });
            self.model
                .layer_by_name
                .insert(pending.decl.name.text.clone(), LayerId(index as u32));
        }
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (rank, (_, index)) in keyed.into_iter().enumerate() {
            self.model.layers[index].rank = rank as u32;
        }
    }

    fn build_kinds(&mut self) {
        let decls = self.kinds.decls.clone();
        for (index, pending) in decls.iter().enumerate() {
            self.model
                .kind_by_name
                .insert(pending.decl.name.text.clone(), KindId(index as u32));
            let info = self.merged_info(Meta::Kind, index, *pending);
            self.model.kinds.push(Kind {
                info,
                layer: None,
                parents: None,
                shape: Shape::default(),
            });
        }
        for (index, pending) in decls.iter().enumerate() {
            let mut layer = None;
            let mut parents: Option<Vec<KindId>> = None;
            let mut shape = Shape::default();
            for (declared, clause) in self.meta_clauses(Meta::Kind, index, *pending) {
                let file = declared.file;
                match (clause.keyword, &clause.args) {
                    (ClauseKeyword::Layer, ClauseArgs::Word(id)) => {
                        layer = self.resolve_meta(Meta::Layer, file, id).map(LayerId);
                    }
                    (ClauseKeyword::Parents, ClauseArgs::Paths(paths)) => {
                        let list = parents.get_or_insert_with(Vec::new);
                        for path in paths {
                            if let Some(kind) = self.resolve_kind(file, &path.segments[0]) {
                                list.push(kind);
                            }
                        }
                    }
                    (ClauseKeyword::Shape, ClauseArgs::Word(id)) => {
                        shape = Shape::from_name(&id.text).unwrap_or_default();
                    }
                    _ => {}
                }
            }
            let properties = self.meta_properties(Meta::Kind, index, *pending);
            let kind = &mut self.model.kinds[index];
            kind.layer = layer;
            kind.parents = parents;
            kind.shape = shape;
            kind.info.properties = properties;
        }
    }

    fn build_relation_kinds(&mut self) {
        let decls = self.relation_kinds.decls.clone();
        let mut workspace_default: Option<(RelationKindId, Pending<'a>, ast::Span)> = None;
        let mut builtin_default = None;
        for (index, pending) in decls.iter().enumerate() {
            let id = RelationKindId(index as u32);
            let mut kind = RelationKind {
                info: self.merged_info(Meta::RelationKind, index, *pending),
                from: KindSet::Any,
                to: KindSet::Any,
                ends_written: false,
                allow: Vec::new(),
                acyclic: false,
                downward: false,
                upward: false,
                same_kind: false,
                default: false,
                notation: Notation::default(),
            };
            let (mut from, mut to) = (None, None);
            for (declared, clause) in self.meta_clauses(Meta::RelationKind, index, *pending) {
                let pending = &declared;
                match (clause.keyword, &clause.args) {
                    (ClauseKeyword::From, ClauseArgs::Selectors(list)) => {
                        let set = self.kind_set(pending.file, list);
                        from = Some(union(from, set));
                    }
                    (ClauseKeyword::To, ClauseArgs::Selectors(list)) => {
                        let set = self.kind_set(pending.file, list);
                        to = Some(union(to, set));
                    }
                    (ClauseKeyword::Allow, ClauseArgs::Allow(pairs)) => {
                        let pairs = self.allowed_pairs(pending.file, pairs);
                        kind.allow.push(pairs);
                    }
                    (ClauseKeyword::Upward, _) => kind.upward = true,
                    (ClauseKeyword::SameKind, _) => kind.same_kind = true,
                    (ClauseKeyword::Line, ClauseArgs::Word(word)) => {
                        kind.notation.line = LineStyle::from_name(&word.text).unwrap_or_default();
                    }
                    (ClauseKeyword::Head, ClauseArgs::Word(word)) => {
                        kind.notation.head = Head::from_name(&word.text).unwrap_or(Head::Arrow);
                    }
                    (ClauseKeyword::Tail, ClauseArgs::Word(word)) => {
                        kind.notation.tail = Head::from_name(&word.text).unwrap_or(Head::None);
                    }
                    (ClauseKeyword::Acyclic, _) => kind.acyclic = true,
                    (ClauseKeyword::Downward, _) => kind.downward = true,
                    (ClauseKeyword::Default, _) => {
                        if pending.builtin {
                            builtin_default = Some(id);
                        } else if let Some((_, first, first_span)) = workspace_default {
                            self.model
                                .diagnostics
                                .push(duplicate_definition::second_default(
                                    pending.file,
                                    clause.span,
                                    &first.decl.name.text,
                                    first.file,
                                    first_span,
                                ));
                        } else {
                            workspace_default = Some((id, *pending, clause.span));
                        }
                    }
                    _ => {}
                }
            }
            kind.ends_written = from.is_some() || to.is_some();
            kind.from = from.unwrap_or(KindSet::Any);
            kind.to = to.unwrap_or(KindSet::Any);
            kind.info.properties = self.meta_properties(Meta::RelationKind, index, *pending);
            self.model.relation_kinds.push(kind);
            self.model
                .relation_kind_by_name
                .insert(pending.decl.name.text.clone(), id);
        }
        // A workspace declaration that replaces the built-in default relation
        // kind stays the default unless another kind claims it.
        for (&index, builtin) in &self.relation_kinds.replaced {
            let was_default =
                clauses(builtin.decl.entries()).any(|c| c.keyword == ClauseKeyword::Default);
            if was_default {
                builtin_default = Some(RelationKindId(index));
            }
        }
        self.default_relation = workspace_default.map(|(id, _, _)| id).or(builtin_default);
        if let Some(id) = self.default_relation {
            self.model.relation_kinds[id.index()].default = true;
        }
    }

    fn kind_set(&mut self, file: SourceFile, list: &[Selector]) -> KindSet {
        let mut kinds = Vec::new();
        for selector in list {
            match selector {
                Selector::All(_) => return KindSet::Any,
                Selector::Path { path, .. } => {
                    if let Some(first) = path.segments.first() {
                        if let Some(kind) = self.resolve_kind(file, first) {
                            kinds.push(kind);
                        }
                    }
                }
            }
        }
        KindSet::Only(kinds)
    }

    /// A file's elements: their kinds and properties.
    fn resolve_elements(&mut self, first_element: u32) {
        for index in 0..self.elements.len() {
            let (id, pending) = self.elements[index];
            let local = (id.0 - first_element) as usize;
            if let DeclKind::Element(kind) = &pending.decl.kind {
                let resolved = if self.names.kinds.by_name.contains_key(&kind.text) {
                    self.resolve_kind(pending.file, kind)
                } else {
                    self.unknown_element_kind(pending.file, kind);
                    None
                };
                self.part_elements[local].kind = resolved;
            }
            let properties = self.properties(pending.file, pending.decl.entries(), Some(id));
            self.part_elements[local].info.properties = properties;
        }
    }

    /// A file's relationships (those whose ends and kind resolve).
    fn build_relationships(&mut self) {
        let pending = std::mem::take(&mut self.relationships);
        self.part_relationships.reserve_exact(pending.len());
        for (file, rel, scope) in pending {
            self.db.unwind_if_revision_cancelled();
            let source = self.resolve_element(file, &rel.source, scope);
            let target = self.resolve_element(file, &rel.target, scope);
            let kind = match &rel.relation {
                Some(ident) => self.resolve_relation_kind(file, ident),
                None => {
                    if self.default_relation.is_none() {
                        self.without_default.push((file, rel.arrow));
                    }
                    self.default_relation
                }
            };
            let (Some(source), Some(target), Some(kind)) = (source, target, kind) else {
                continue;
            };
            self.check_repeats(file, rel.entries());
            let texts = texts(rel.entries());
            let properties = self.properties(file, rel.entries(), scope);
            self.part_relationships.push(Relationship {
                source,
                target,
                kind,
                kind_written: rel.relation.is_some(),
                label: rel.label.as_ref().map(|l| l.value.clone()),
                translations: texts.translations,
                description: texts.description,
                descriptions: texts.descriptions,
                technology: texts.technology,
                doc: rel.doc.clone(),
                properties,
                loc: Loc {
                    file,
                    span: rel.span,
                },
                source_span: rel.source.span,
                target_span: rel.target.span,
                scope,
            });
        }
    }

    /// A relationship without `: kind` in a workspace without a default
    /// relation kind: reported, unless it only waits for a missing module.
    fn no_default_relation(&mut self, file: SourceFile, arrow: ast::Span) {
        if self.missing_module.absorb_default() {
            return;
        }
        let uses_society5 = self.names.modules.iter().any(|m| m == builtin::SOCIETY5);
        self.model
            .diagnostics
            .push(undefined_reference::no_default_relation(
                file,
                arrow,
                uses_society5,
            ));
    }

    fn build_concerns(&mut self) {
        for pending in self.concerns.clone() {
            let mut info = self.info(pending);
            info.properties = self.properties(pending.file, pending.decl.entries(), None);
            self.model.concerns.push(Concern { info });
        }
    }

    fn build_stakeholders(&mut self) {
        for pending in self.stakeholders.clone() {
            let mut concerns = Vec::new();
            let mut concerns_written = false;
            for clause in clauses(pending.decl.entries()) {
                if let (ClauseKeyword::Concerns, ClauseArgs::Paths(paths)) =
                    (clause.keyword, &clause.args)
                {
                    concerns_written = true;
                    for path in paths {
                        if let Some(id) = self.resolve_concern(pending.file, path, "concerns") {
                            concerns.push(id);
                        }
                    }
                }
            }
            let mut info = self.info(pending);
            info.properties = self.properties(pending.file, pending.decl.entries(), None);
            self.model.stakeholders.push(Stakeholder {
                info,
                concerns,
                concerns_written,
            });
        }
    }

    fn build_viewpoints(&mut self) {
        for pending in self.viewpoints.clone() {
            let mut frames = Vec::new();
            let mut kinds: Option<Vec<KindId>> = None;
            let mut relations: Option<Vec<RelationKindId>> = None;
            for clause in clauses(pending.decl.entries()) {
                match (clause.keyword, &clause.args) {
                    (ClauseKeyword::Frames, ClauseArgs::Paths(paths)) => {
                        for path in paths {
                            if let Some(id) = self.resolve_concern(pending.file, path, "frames") {
                                frames.push(id);
                            }
                        }
                    }
                    (ClauseKeyword::Kinds, ClauseArgs::Paths(paths)) => {
                        let list = kinds.get_or_insert_with(Vec::new);
                        for path in paths {
                            if let Some(id) = self.resolve_kind(pending.file, &path.segments[0]) {
                                list.push(id);
                            }
                        }
                    }
                    (ClauseKeyword::Relations, ClauseArgs::Paths(paths)) => {
                        let list = relations.get_or_insert_with(Vec::new);
                        for path in paths {
                            if let Some(id) =
                                self.resolve_relation_kind(pending.file, &path.segments[0])
                            {
                                list.push(id);
                            }
                        }
                    }
                    _ => {}
                }
            }
            let mut info = self.info(pending);
            info.properties = self.properties(pending.file, pending.decl.entries(), None);
            self.model.viewpoints.push(Viewpoint {
                info,
                frames,
                kinds,
                relations,
                show: Show::written(pending.decl.entries()),
            });
        }
    }

    fn build_views(&mut self) {
        for pending in self.views.clone() {
            let viewpoint = pending.decl.viewpoint.as_ref().and_then(|path| {
                self.resolve_top_level(pending.file, path, Space::Viewpoint, "of", |t| match t {
                    Target::Viewpoint(id) => Some(id),
                    _ => None,
                })
            });
            let mut includes = Vec::new();
            let mut excludes = Vec::new();
            for clause in clauses(pending.decl.entries()) {
                if let ClauseArgs::Selectors(list) = &clause.args {
                    for selector in list {
                        let resolved = match selector {
                            Selector::All(span) => Some((None, ast::Depth::Itself, *span)),
                            Selector::Path { path, depth, span } => self
                                .resolve_element(pending.file, path, None)
                                .map(|id| (Some(id), *depth, *span)),
                        };
                        match (clause.keyword, resolved) {
                            (ClauseKeyword::Include, Some(r)) => includes.push(r),
                            (ClauseKeyword::Exclude, Some(r)) => {
                                excludes.push((r, curation::written(selector)));
                            }
                            _ => {}
                        }
                    }
                }
            }
            let (elements, element_exclusions) =
                selection::select(self.names, &includes, &excludes);
            let mut info = self.info(pending);
            info.properties = self.properties(pending.file, pending.decl.entries(), None);
            let mut view = View {
                info,
                viewpoint,
                elements,
                element_exclusions,
                relation_exclusions: Vec::new(),
                implied: None,
                direction: None,
                groups: Vec::new(),
                notes: Vec::new(),
                show: Show::written(pending.decl.entries()),
            };
            self.curate_view(pending.file, pending.decl.entries(), &mut view);
            self.model.views.push(view);
        }
    }

    fn build_decisions(&mut self) {
        for pending in self.decisions.clone() {
            let mut status = None;
            let mut addresses = Vec::new();
            let mut affects = Vec::new();
            let mut rationale = None;
            for clause in clauses(pending.decl.entries()) {
                match (clause.keyword, &clause.args) {
                    (ClauseKeyword::Status, ClauseArgs::Word(word)) => {
                        status = Status::from_name(&word.text)
                    }
                    (ClauseKeyword::Addresses, ClauseArgs::Paths(paths)) => {
                        for path in paths {
                            if let Some(id) = self.resolve_concern(pending.file, path, "addresses")
                            {
                                addresses.push(id);
                            }
                        }
                    }
                    (ClauseKeyword::Affects, ClauseArgs::Paths(paths)) => {
                        for path in paths {
                            if let Some(id) = self.resolve_element(pending.file, path, None) {
                                affects.push(id);
                            }
                        }
                    }
                    (ClauseKeyword::Rationale, ClauseArgs::Text(text)) => {
                        rationale = Some(text.value.clone())
                    }
                    _ => {}
                }
            }
            let mut info = self.info(pending);
            info.properties = self.properties(pending.file, pending.decl.entries(), None);
            self.model.decisions.push(Decision {
                info,
                status,
                addresses,
                affects,
                rationale,
            });
        }
    }

    fn finish(mut self) -> Model {
        if let Some(finding) = self.missing_module.finding() {
            self.model.diagnostics.push(finding);
            self.model.builtin_missing = true;
        }
        // Resolution records a reference once per resolved name; a path
        // resolved twice (a property value tried as two sorts of name)
        // records it twice in a row.
        self.references.dedup();
        let references = std::mem::take(&mut self.references);
        self.model.references.push_chunk(Arc::new(references));
        self.model
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Meta {
    Layer,
    Kind,
    RelationKind,
}

impl Meta {
    fn of(sort: Sort) -> Meta {
        match sort {
            Sort::Layer => Meta::Layer,
            Sort::Kind => Meta::Kind,
            _ => Meta::RelationKind,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Meta::Layer => "layer",
            Meta::Kind => "element kind",
            Meta::RelationKind => "relation kind",
        }
    }
}

/// "a concern", "an element", ...: what a top-level name is.
fn target_sort(target: Target) -> &'static str {
    match target {
        Target::Layer(_) => "a layer",
        Target::Kind(_) => "an element kind",
        Target::RelationKind(_) => "a relation kind",
        Target::Element(_) => "an element",
        Target::Concern(_) => "a concern",
        Target::Stakeholder(_) => "a stakeholder",
        Target::Viewpoint(_) => "a viewpoint",
        Target::View(_) => "a view",
        Target::Decision(_) => "a decision",
    }
}

/// The clauses of a body. A clause that takes one value and is written again
/// is left out after its first occurrence: the repeat is reported as a
/// duplicate definition, and the first one holds.
fn clauses(entries: &[Entry]) -> impl Iterator<Item = &ast::Clause> {
    let mut seen: Vec<ClauseKeyword> = Vec::new();
    entries.iter().filter_map(move |e| match e {
        Entry::Clause(c) => {
            if single_valued(c) {
                if seen.contains(&c.keyword) {
                    return None;
                }
                seen.push(c.keyword);
            }
            Some(c)
        }
        _ => None,
    })
}

/// A clause that may be given once per body (lists such as `frames`, a
/// view's notes and relationship exclusions add up).
fn single_valued(clause: &ast::Clause) -> bool {
    let adds_up = matches!(clause.args, ClauseArgs::Paths(_) | ClauseArgs::Selectors(_))
        && !matches!(clause.keyword, ClauseKeyword::From | ClauseKeyword::To);
    !adds_up
        && !matches!(
            clause.keyword,
            ClauseKeyword::Note | ClauseKeyword::Exclude | ClauseKeyword::Allow
        )
}

/// The words a body gives its declaration besides its label.
#[derive(Default)]
struct Texts {
    translations: Vec<(SmolStr, String)>,
    description: Option<String>,
    descriptions: Vec<(SmolStr, String)>,
    technology: Option<String>,
}

/// The translations, the descriptions and the technology written in a
/// body (the first of each holds; a repeat is a duplicate definition).
fn texts(entries: &[Entry]) -> Texts {
    let mut texts = Texts::default();
    for entry in entries {
        match entry {
            Entry::Label { language, text, .. } => texts
                .translations
                .push((language.text.clone(), text.value.clone())),
            Entry::Description {
                language: None,
                text,
                ..
            } if texts.description.is_none() => texts.description = Some(text.value.clone()),
            Entry::Description {
                language: Some(language),
                text,
                ..
            } if !texts.descriptions.iter().any(|(l, _)| *l == language.text) => texts
                .descriptions
                .push((language.text.clone(), text.value.clone())),
            Entry::Clause(clause) if clause.keyword == ClauseKeyword::Technology => {
                if let (None, ClauseArgs::Text(text)) = (&texts.technology, &clause.args) {
                    texts.technology = Some(text.value.clone());
                }
            }
            _ => {}
        }
    }
    texts
}

/// The `order` a layer declaration gives, if any (the last one written).
fn layer_order(decl: &ast::Decl) -> Option<SmolStr> {
    let mut order = None;
    for clause in clauses(decl.entries()) {
        if let (ClauseKeyword::Order, ClauseArgs::Number(n, _)) = (clause.keyword, &clause.args) {
            order = Some(n.clone());
        }
    }
    order
}
