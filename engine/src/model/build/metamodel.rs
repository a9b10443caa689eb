//! The metamodel's own composition: `extend` declarations that add to a
//! layer, kind or relation kind declared elsewhere (another file or the
//! built-in metamodel), redefinitions of built-in names, `allow` pairs, and
//! the one finding for a workspace that uses the built-in metamodel's names
//! without `use society5`.
//!
//! An extension keeps what it extends: its label, translations, notation
//! and place. Lists (`from`, `to`, `parents`, `allow`, properties) are
//! appended; a clause that takes one value (`layer`, `shape`, `order`,
//! `line`, `head`, `tail`, a label, a translation in a language already
//! given, the description) is set by an extension only when the declaration
//! and earlier extensions leave it out, and is otherwise reported as a
//! duplicate definition (the first one holds). Flags (`acyclic`, `downward`,
//! `upward`, `same_kind`, `default`) are simply added.

use rustc_hash::FxHashSet as HashSet;

use kozo_lang::{self as ast, ClauseArgs, ClauseKeyword, DeclKind, Item, Parse, Span};
use smol_str::SmolStr;

use super::{clauses, single_valued, Builder, Meta, Pending};
use crate::db::SourceFile;
use crate::diagnostic::Diagnostic;
use crate::model::{AllowedPairs, Extension, Info, KindId, KindSet, Loc, Property, Target};
use crate::rules::{duplicate_definition, redefined_builtin, undefined_reference};

/// Where each language of a translated text was first given.
type FirstGiven = Vec<(SmolStr, SourceFile, Span)>;

impl<'a> Builder<'a> {
    /// Attaches each extension to the declaration it names, in file order.
    pub(super) fn attach_extensions(&mut self) {
        for (meta, pending) in std::mem::take(&mut self.pending_extensions) {
            let name = &pending.decl.name;
            let found = self.meta_names(meta).by_name.get(&name.text).copied();
            let Some(index) = found else {
                // Reported like any unknown name (or folded into the missing
                // `use society5` finding).
                self.resolve_meta(meta, pending.file, name);
                continue;
            };
            self.namespace(meta)
                .extensions
                .entry(index)
                .or_default()
                .push(pending);
            let target = match meta {
                Meta::Layer => Target::Layer(crate::model::LayerId(index)),
                Meta::Kind => Target::Kind(KindId(index)),
                Meta::RelationKind => Target::RelationKind(crate::model::RelationKindId(index)),
            };
            self.reference(pending.file, name.span, target);
            self.model.extensions.push(Extension {
                target,
                name_loc: Loc {
                    file: pending.file,
                    span: name.span,
                },
                span: pending.decl.span,
            });
        }
    }

    /// A workspace declaration that replaces a built-in one of the same name.
    pub(super) fn redefined_builtin(
        &mut self,
        meta: Meta,
        pending: Pending<'a>,
        builtin: Pending<'a>,
    ) {
        self.model.diagnostics.push(redefined_builtin::finding(
            pending.file,
            pending.decl.name.span,
            meta.what(),
            meta.keyword(),
            &pending.decl.name.text,
            builtin.file,
            builtin.decl.name.span,
        ));
    }

    /// The declaration's extensions, in file order.
    /// A translation an extension adds (`label LANG` or `description LANG`,
    /// `clause` naming which): kept when its language has none yet, else
    /// reported as given twice. `at` records where each language was first
    /// given; `into` holds the translations.
    fn extend_translation(
        &mut self,
        (clause, at, into): (&str, &mut FirstGiven, &mut Vec<(SmolStr, String)>),
        language: &ast::Ident,
        text: &str,
        file: SourceFile,
        span: Span,
    ) {
        let first = at
            .iter()
            .find(|(l, _, _)| *l == language.text)
            .map(|(_, f, s)| (*f, *s));
        match first {
            Some((first_file, first)) => self.repeated(
                file,
                span,
                &format!("`{clause} {}`", language.text),
                first_file,
                first,
            ),
            None => {
                into.push((language.text.clone(), text.to_string()));
                at.push((language.text.clone(), file, span));
            }
        }
    }

    fn extensions_of(&mut self, meta: Meta, index: usize) -> Vec<Pending<'a>> {
        self.namespace(meta)
            .extensions
            .get(&(index as u32))
            .cloned()
            .unwrap_or_default()
    }

    /// The clauses of a declaration, then those of its extensions, each
    /// with the declaration (or extension) that holds it. A one-value
    /// clause an extension gives again is reported and left out.
    pub(super) fn meta_clauses(
        &mut self,
        meta: Meta,
        index: usize,
        pending: Pending<'a>,
    ) -> Vec<(Pending<'a>, &'a ast::Clause)> {
        let mut out: Vec<(Pending<'a>, &'a ast::Clause)> = clauses(pending.decl.entries())
            .map(|c| (pending, c))
            .collect();
        for extension in self.extensions_of(meta, index) {
            for clause in clauses(extension.decl.entries()) {
                let earlier = out
                    .iter()
                    .find(|(_, c)| c.keyword == clause.keyword)
                    .map(|(p, c)| (p.file, c.span));
                match earlier {
                    // Lists (`from`, `to`, `parents`, `allow`) are appended
                    // and flags simply added; values conflict.
                    Some((file, span))
                        if single_valued(clause)
                            && !matches!(
                                clause.args,
                                ClauseArgs::None
                                    | ClauseArgs::Paths(_)
                                    | ClauseArgs::Selectors(_)
                                    | ClauseArgs::Allow(_)
                            ) =>
                    {
                        self.model.diagnostics.push(duplicate_definition::repeated(
                            extension.file,
                            clause.span,
                            &format!("`{}`", clause.keyword.as_str()),
                            file,
                            span,
                        ));
                    }
                    _ => out.push((extension, clause)),
                }
            }
        }
        out
    }

    /// The declaration's labels and texts, completed by its extensions'.
    pub(super) fn merged_info(&mut self, meta: Meta, index: usize, pending: Pending<'a>) -> Info {
        let mut info = self.info(pending);
        // Where each one-value text was first given, for the reports.
        let mut label_at = pending.decl.label.as_ref().map(|l| (pending.file, l.span));
        let mut description_at = None;
        let mut translation_at: FirstGiven = Vec::new();
        // `description LANG "..."`, each language once.
        let mut description_translation_at: FirstGiven = Vec::new();
        for entry in pending.decl.entries() {
            match entry {
                ast::Entry::Label { language, span, .. } => {
                    translation_at.push((language.text.clone(), pending.file, *span))
                }
                ast::Entry::Description {
                    language: None,
                    span,
                    ..
                } if description_at.is_none() => description_at = Some((pending.file, *span)),
                ast::Entry::Description {
                    language: Some(language),
                    span,
                    ..
                } => description_translation_at.push((language.text.clone(), pending.file, *span)),
                _ => {}
            }
        }
        for extension in self.extensions_of(meta, index) {
            let file = extension.file;
            if let Some(label) = &extension.decl.label {
                match label_at {
                    Some((first_file, first)) => {
                        self.repeated(file, label.span, "the label", first_file, first)
                    }
                    None => {
                        info.label = Some(label.value.clone());
                        label_at = Some((file, label.span));
                    }
                }
            }
            for entry in extension.decl.entries() {
                match entry {
                    ast::Entry::Label {
                        language,
                        text,
                        span,
                    } => self.extend_translation(
                        ("label", &mut translation_at, &mut info.translations),
                        language,
                        &text.value,
                        file,
                        *span,
                    ),
                    ast::Entry::Description {
                        language: Some(language),
                        text,
                        span,
                    } => self.extend_translation(
                        (
                            "description",
                            &mut description_translation_at,
                            &mut info.descriptions,
                        ),
                        language,
                        &text.value,
                        file,
                        *span,
                    ),
                    ast::Entry::Description {
                        language: None,
                        text,
                        span,
                    } => match description_at {
                        Some((first_file, first)) => {
                            self.repeated(file, *span, "`description`", first_file, first)
                        }
                        None => {
                            info.description = Some(text.value.clone());
                            description_at = Some((file, *span));
                        }
                    },
                    _ => {}
                }
            }
        }
        info
    }

    fn repeated(
        &mut self,
        file: SourceFile,
        span: Span,
        what: &str,
        first_file: SourceFile,
        first: Span,
    ) {
        self.model.diagnostics.push(duplicate_definition::repeated(
            file, span, what, first_file, first,
        ));
    }

    /// The declaration's properties, then its extensions'.
    pub(super) fn meta_properties(
        &mut self,
        meta: Meta,
        index: usize,
        pending: Pending<'a>,
    ) -> Vec<Property> {
        let mut properties = self.properties(pending.file, pending.decl.entries(), None);
        for extension in self.extensions_of(meta, index) {
            let more = self.properties(extension.file, extension.decl.entries(), None);
            properties.extend(more);
        }
        properties
    }

    /// The `order` an extension of layer `index` gives, if any.
    pub(super) fn extension_layer_order(&self, index: usize) -> Option<SmolStr> {
        self.layers
            .extensions
            .get(&(index as u32))?
            .iter()
            .find_map(|extension| super::layer_order(extension.decl))
    }

    /// The kinds of an `allow a, b -> c, d` clause (names that do not
    /// resolve are reported and left out).
    pub(super) fn allowed_pairs(
        &mut self,
        file: SourceFile,
        pairs: &ast::AllowPairs,
    ) -> AllowedPairs {
        let resolve = |builder: &mut Self, names: &[ast::Ident]| -> Vec<KindId> {
            names
                .iter()
                .filter_map(|name| builder.resolve_kind(file, name))
                .collect()
        };
        let sources = resolve(self, &pairs.sources);
        let targets = resolve(self, &pairs.targets);
        AllowedPairs { sources, targets }
    }
}

/// `from`/`to` lists written in a declaration and its extensions add up;
/// `*` (any kind) absorbs the rest.
pub(super) fn union(first: Option<KindSet>, more: KindSet) -> KindSet {
    match (first, more) {
        (None, set) => set,
        (Some(KindSet::Any), _) | (_, KindSet::Any) => KindSet::Any,
        (Some(KindSet::Only(mut kinds)), KindSet::Only(more)) => {
            for kind in more {
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
            KindSet::Only(kinds)
        }
    }
}

/// What one part of a build gathered for a missing module: the built-in
/// names written, in the order first met, and how many uses waited.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Absorbed {
    wanted: Vec<SmolStr>,
    uses: usize,
}

/// The names of the built-in metamodels no file uses. A name one of them
/// defines that the workspace writes is then gathered here instead of
/// being reported where it stands: one finding at the top of the first file
/// says which `use` to add (`use society5`, or `use archimate` when the
/// names are ArchiMate's), and no element, relationship or view repeats it.
#[derive(Default)]
pub(crate) struct MissingModule<'a> {
    /// The modules no file uses, `society5` first, with their names;
    /// empty when the workspace has no file.
    modules: Vec<(&'static str, &'a BuiltinNames)>,
    /// Where the one finding goes: the top of the first file.
    first_file: Option<SourceFile>,
    /// The built-in names the workspace wrote, in the order first met.
    wanted: Vec<SmolStr>,
    /// How many names and default relationships wait for a module.
    uses: usize,
}

/// The layer, kind and relation kind names a built-in metamodel declares.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct BuiltinNames {
    layers: HashSet<SmolStr>,
    kinds: HashSet<SmolStr>,
    relation_kinds: HashSet<SmolStr>,
    default_relation: Option<SmolStr>,
}

/// A built-in metamodel's names, read once from its parse (every file's
/// part asks for them).
#[salsa::tracked(returns(ref))]
pub(crate) fn builtin_names(db: &dyn crate::db::Db, file: SourceFile) -> BuiltinNames {
    BuiltinNames::new(crate::db::parse(db, file))
}

impl BuiltinNames {
    /// Reads a built-in metamodel's names from its parse.
    fn new(builtin: &Parse) -> BuiltinNames {
        let mut names = BuiltinNames::default();
        for item in &builtin.tree.items {
            let Item::Decl(decl) = item else { continue };
            let name = decl.name.text.clone();
            match decl.kind {
                DeclKind::Layer => {
                    names.layers.insert(name);
                }
                DeclKind::Kind => {
                    names.kinds.insert(name);
                }
                DeclKind::Relation => {
                    if clauses(decl.entries()).any(|c| c.keyword == ClauseKeyword::Default) {
                        names.default_relation = Some(name.clone());
                    }
                    names.relation_kinds.insert(name);
                }
                _ => {}
            }
        }
        names
    }

    fn has(&self, name: &str) -> bool {
        self.layers.contains(name)
            || self.kinds.contains(name)
            || self.relation_kinds.contains(name)
    }
}

impl<'a> MissingModule<'a> {
    /// `missing` holds each built-in module no file uses with its names,
    /// `society5` first.
    pub(crate) fn new(
        missing: Vec<(&'static str, &'a BuiltinNames)>,
        first_file: Option<SourceFile>,
    ) -> MissingModule<'a> {
        if first_file.is_none() {
            return MissingModule::default();
        }
        MissingModule {
            modules: missing,
            first_file,
            wanted: Vec::new(),
            uses: 0,
        }
    }

    /// True (and the name is noted) when `name`, which the workspace does not
    /// declare, is one a missing built-in metamodel would bring.
    pub(crate) fn absorb(&mut self, meta: Meta, name: &str) -> bool {
        let found = self.modules.iter().find_map(|(_, names)| {
            let set = match meta {
                Meta::Layer => &names.layers,
                Meta::Kind => &names.kinds,
                Meta::RelationKind => &names.relation_kinds,
            };
            set.get(name)
        });
        let Some(name) = found else {
            return false;
        };
        if !self.wanted.contains(name) {
            self.wanted.push(name.clone());
        }
        self.uses += 1;
        true
    }

    /// What was gathered so far, handed over (and forgotten here).
    pub(crate) fn take_absorbed(&mut self) -> Absorbed {
        Absorbed {
            wanted: std::mem::take(&mut self.wanted),
            uses: std::mem::take(&mut self.uses),
        }
    }

    /// Adds what another part of the build gathered, after what is here.
    pub(crate) fn add(&mut self, absorbed: &Absorbed) {
        for name in &absorbed.wanted {
            if !self.wanted.contains(name) {
                self.wanted.push(name.clone());
            }
        }
        self.uses += absorbed.uses;
    }

    /// True when a relationship without `: kind` lacks only the default
    /// relation kind of a missing module (other names of it were written,
    /// so the module is what was forgotten).
    pub(crate) fn absorb_default(&mut self) -> bool {
        let Some((_, module)) = self.likely_module() else {
            return false;
        };
        if module.default_relation.is_none() {
            return false;
        }
        self.uses += 1;
        true
    }

    /// The missing module that brings most of the wanted names (`society5`
    /// on a tie); `None` when no name waited.
    fn likely_module(&self) -> Option<(&'static str, &'a BuiltinNames)> {
        if self.wanted.is_empty() {
            return None;
        }
        let mut best: Option<((&'static str, &'a BuiltinNames), usize)> = None;
        for &(module, names) in &self.modules {
            let count = self.wanted.iter().filter(|n| names.has(n)).count();
            if best.is_none_or(|(_, most)| count > most) {
                best = Some(((module, names), count));
            }
        }
        best.map(|(module, _)| module)
    }

    /// The one finding, at the top of the first file, if any name waited.
    pub(crate) fn finding(&self) -> Option<Diagnostic> {
        let (module, _) = self.likely_module()?;
        let first_file = self.first_file?;
        const SHOWN: usize = 4;
        let mut list: Vec<String> = self
            .wanted
            .iter()
            .take(SHOWN)
            .map(|n| format!("`{n}`"))
            .collect();
        if self.wanted.len() > SHOWN {
            list.push(format!("{} more", self.wanted.len() - SHOWN));
        }
        let list = match list.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => list.join(""),
        };
        let message = format!(
            "{list} come from the built-in metamodel `{module}`, which no file uses \
             ({} uses wait for it): add `use {module}` at the top of a file",
            self.uses
        );
        // The suggestion inserts the line at the top of the file (an empty
        // span), which editors offer as a quick fix.
        Some(undefined_reference::plain(
            first_file,
            Span::empty(0),
            message,
            Some(format!("use {module}\n")),
        ))
    }
}

/// The layer, kind and relation kind names both built-in metamodels
/// declare, in `first`'s order.
pub(crate) fn shared_names(first: &Parse, second: &Parse) -> Vec<SmolStr> {
    let meta = |parse: &Parse| -> Vec<SmolStr> {
        parse
            .tree
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Decl(decl)
                    if matches!(
                        decl.kind,
                        DeclKind::Layer | DeclKind::Kind | DeclKind::Relation
                    ) =>
                {
                    Some(decl.name.text.clone())
                }
                _ => None,
            })
            .collect()
    };
    let theirs: HashSet<SmolStr> = meta(second).into_iter().collect();
    meta(first)
        .into_iter()
        .filter(|name| theirs.contains(name))
        .collect()
}

impl Meta {
    /// The keyword that declares one.
    pub(super) fn keyword(self) -> &'static str {
        match self {
            Meta::Layer => "layer",
            Meta::Kind => "kind",
            Meta::RelationKind => "relation",
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::run;

    /// A model written for `society5` that forgot `use society5`: kinds,
    /// relation kinds, a default relation, nesting, a viewpoint's lists
    /// and a decision all wait for it.
    const FORGOT_USE: &str = r#"
system bms "Building management" {
  component hvac_ctl
  component edge_gw
  hvac_ctl -> edge_gw : flows
}
device sensor
device meter
dataset occupancy
organization owner
service comfort_service
sensor -> bms.edge_gw : flows
meter -> bms.edge_gw : flows
bms -> occupancy
owner -> bms : owns
bms -> comfort_service : realizes
bms -> sensor : depends
concern comfort
stakeholder tenant { concerns comfort }
viewpoint devices { frames comfort kinds system, device, dataset relations flows, uses }
view all of devices { include *, bms.* }
"#;

    #[test]
    fn a_missing_use_society5_is_at_most_three_findings() {
        let analysis = run(&[("a.kozo", FORGOT_USE), ("b.kozo", "device gateway\n")]);
        let findings = analysis.diagnostics();
        assert!(
            (1..=3).contains(&findings.len()),
            "{:#?}",
            findings.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
        let first = &findings[0];
        assert_eq!(analysis.path(first.file), "a.kozo");
        assert!(first.span.is_empty() && first.span.start == 0);
        assert!(first.message.contains("add `use society5`"));
    }

    /// An ArchiMate model that forgot `use archimate` is told so, not to
    /// add `use society5` (whose names it does not use).
    #[test]
    fn a_missing_use_archimate_is_named_when_the_names_are_archimates() {
        let text = "\
business_actor customer \"Customer\"
application_component portal \"Portal\"
node server
portal -> server : serving
customer -> portal : association
";
        let analysis = run(&[("model.kozo", text)]);
        // Besides it, only "appears in no view" (the model has no view).
        let findings: Vec<_> = analysis
            .diagnostics()
            .iter()
            .filter(|d| d.rule != crate::rules::Rule::ElementNotInView)
            .collect();
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let message = &findings[0].message;
        assert!(message.contains("add `use archimate`"), "{message}");
        assert!(message.contains("`business_actor`"), "{message}");
        assert_eq!(findings[0].suggestion.as_deref(), Some("use archimate\n"));
    }

    /// A name both built-in metamodels define goes to `society5`, and a
    /// workspace that uses `society5` is never told to add `use archimate`
    /// for a name it got wrong.
    #[test]
    fn society5_wins_a_tie_and_a_chosen_module_is_not_second_guessed() {
        let analysis = run(&[("a.kozo", "device d\nfacility f\nd -> f : flows\n")]);
        let message = &analysis.diagnostics()[0].message;
        assert!(message.contains("add `use society5`"), "{message}");

        let analysis = run(&[("a.kozo", "use society5\nnode n\nsystem s\nn -> s : uses\n")]);
        let messages: Vec<&str> = analysis
            .diagnostics()
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert!(
            messages.iter().all(|m| !m.contains("use archimate")),
            "{messages:#?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("`node`")),
            "{messages:#?}"
        );
    }

    #[test]
    fn with_the_use_the_same_model_is_checked_as_usual() {
        let text = format!("use society5\n{FORGOT_USE}");
        let analysis = run(&[("a.kozo", &text)]);
        assert!(analysis
            .diagnostics()
            .iter()
            .all(|d| !d.message.contains("use society5")));
    }
}
