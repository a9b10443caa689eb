//! Gathers the findings of every stage, applies `kozo.toml` severities and
//! `kozo-allow` comments, and sorts them: file by file, so that an edit
//! makes again only the findings of what it touched.
//!
//! Most findings lie in the file whose part they come from: its syntax
//! errors, unknown rule names in its `kozo-allow` comments, its part's
//! findings, its elements that are alone or in no view, its views that do
//! not conform. [`own`] gathers those for one file, configured, filtered
//! and sorted (a tracked query per file, `db::own_findings`), from what
//! only that file changes (the workspace-wide answers come sliced per file,
//! `db::file_answers`). The rest, found over the whole model (the `use`
//! statements, the metamodel, duplicates, the rules over the finished
//! model, cycles, unused definitions), are few: [`global`] gathers them
//! for the workspace. Each file's list is its own findings merged with
//! the global ones that lie in it ([`merge`]); the lists in path order are
//! what [`collect_at_once`] (the whole workspace gathered and sorted in one
//! go, kept as the reference the tests compare with) gives, finding for
//! finding and in the same order.
//!
//! The order: by file (its path), then position, rule, message and the
//! place the message names. Findings equal in all of that keep the order
//! they are gathered in ([`Stage`]), and equal findings next to each other
//! are kept once.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::db::{self, SourceFile, Workspace};
use crate::diagnostic::{Diagnostic, Level};
use crate::model::FilePart;
use crate::rules::{self, element_not_in_view, orphan_element, syntax_error};
use crate::suppress;

/// Where a finding is gathered from, in the order [`collect_at_once`]
/// gathers them (for one file: the syntax errors and rule names of the
/// other files come between, but never in the file's list). Ties of the
/// sort keep this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Stage {
    Syntax,
    RuleNames,
    /// The model's findings before the parts' (`use` statements, the
    /// metamodel).
    ModelBefore,
    Part,
    /// The model's findings after the parts' (relationships without a
    /// default kind, duplicates, a built-in module not used).
    ModelAfter,
    ModelRules,
    Cycles,
    Unused,
    Orphans,
    Unseen,
    Views,
}

/// One file's findings of its own (see the module's head).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Own {
    /// Configured, not silenced, sorted; ties in the order gathered; not
    /// yet deduplicated (a global finding may stand between two equal ones).
    pub list: Arc<[Diagnostic]>,
    /// Where each finding of `list` was gathered.
    pub stages: Box<[Stage]>,
    /// Two equal findings stand next to each other in `list`.
    pub repeats: bool,
    /// A finding gathered for this file lies in another one. None does
    /// (each stage reports what the file declares, where it declares it);
    /// if one ever did, the workspace's findings are gathered at once.
    pub foreign: bool,
}

/// The findings located in `file` that come from `file` alone.
pub(crate) fn own(db: &dyn db::Db, workspace: Workspace, file: SourceFile) -> Own {
    let mut found: Vec<(Diagnostic, Stage)> = Vec::new();
    let mut stage = |list: &mut Vec<Diagnostic>, stage: Stage| {
        found.extend(list.drain(..).map(|d| (d, stage)));
    };
    let mut list = Vec::new();
    let builtin = file == *workspace.builtin(db) || file == *workspace.archimate(db);
    if !builtin {
        syntax_error::check_file(db, file, &mut list);
        if let Some(example) = db::element_example(db, workspace) {
            for d in &mut list {
                syntax_error::put_example(d, example);
            }
        }
        stage(&mut list, Stage::Syntax);
        suppress::check_rule_names(db, file, &mut list);
        stage(&mut list, Stage::RuleNames);
    }
    let part: &FilePart = db::file_part(db, workspace, file);
    list.extend(part.diagnostics.iter().cloned());
    stage(&mut list, Stage::Part);
    let answers = db::file_answers(db, workspace, file);
    let element = |&index: &u32| part.elements.get(index as usize);
    if !db::builtin_missing(db, workspace) {
        orphan_element::report(answers.orphans.iter().filter_map(element), &mut list);
        stage(&mut list, Stage::Orphans);
    }
    element_not_in_view::report(answers.unseen.iter().filter_map(element), &mut list);
    stage(&mut list, Stage::Unseen);
    if rules::workspace::summary(db, workspace, file).has_views {
        list.extend(
            rules::workspace::view_findings(db, workspace, file)
                .iter()
                .cloned(),
        );
        stage(&mut list, Stage::Views);
    }

    let foreign = found.iter().any(|(d, _)| d.file != file);
    let mut found = configure(db, workspace, found);
    if !found.is_empty() {
        let allowed = suppress::AllowIndex::new(db, file);
        found.retain(|(d, _)| d.file != file || !allowed.is_allowed(d));
    }
    let paths = place_paths(db, found.iter().map(|(d, _)| d));
    found.sort_by(|(a, _), (b, _)| in_file(a, b, &paths));
    let repeats = found.windows(2).any(|pair| pair[0].0 == pair[1].0);
    let (list, stages): (Vec<Diagnostic>, Vec<Stage>) = found.into_iter().unzip();
    Own {
        list: list.into(),
        stages: stages.into(),
        repeats,
        foreign,
    }
}

/// The findings found over the whole model (see the module's head).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Global {
    /// Configured, not silenced, sorted by file, then as within a file;
    /// ties in the order gathered.
    pub list: Vec<(Diagnostic, Stage)>,
    /// The run of `list` that lies in each file, in path order.
    pub runs: Vec<(SourceFile, usize, usize)>,
}

impl Global {
    /// The findings that lie in `file`.
    pub(crate) fn of(&self, file: SourceFile) -> &[(Diagnostic, Stage)] {
        self.runs
            .iter()
            .find(|run| run.0 == file)
            .map_or(&[], |&(_, start, end)| &self.list[start..end])
    }
}

pub(crate) fn global(db: &dyn db::Db, workspace: Workspace) -> Global {
    let model = db::model(db, workspace);
    // The parts' findings are each file's own; the model's others are global.
    let before = &model.diagnostics[..model.part_findings.start];
    let after = &model.diagnostics[model.part_findings.end..];
    let mut found: Vec<(Diagnostic, Stage)> = Vec::new();
    found.extend(before.iter().map(|d| (d.clone(), Stage::ModelBefore)));
    found.extend(after.iter().map(|d| (d.clone(), Stage::ModelAfter)));
    let mut stage = |list: Vec<Diagnostic>, stage: Stage| {
        found.extend(list.into_iter().map(|d| (d, stage)));
    };
    let mut list = Vec::new();
    rules::check_model(model, &mut list);
    stage(std::mem::take(&mut list), Stage::ModelRules);
    rules::cycle::report(
        model,
        db::cycles(db, workspace),
        &relationship_firsts(db, workspace),
        &mut list,
    );
    stage(std::mem::take(&mut list), Stage::Cycles);
    let answers = rules::workspace::answers(db, workspace);
    rules::unused_definition::report(model, &answers.used, &mut list);
    stage(list, Stage::Unused);

    let mut found = configure(db, workspace, found);
    let mut indexes: FxHashMap<SourceFile, suppress::AllowIndex> = FxHashMap::default();
    found.retain(|(d, _)| {
        !indexes
            .entry(d.file)
            .or_insert_with(|| suppress::AllowIndex::new(db, d.file))
            .is_allowed(d)
    });
    let files: FxHashSet<SourceFile> = found.iter().map(|(d, _)| d.file).collect();
    let mut files: Vec<(&str, SourceFile)> = files
        .into_iter()
        .map(|f| (f.path(db).as_str(), f))
        .collect();
    // Two files of one path never reach here (see `db::findings_by_file`).
    files.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let rank: FxHashMap<SourceFile, usize> = files
        .iter()
        .enumerate()
        .map(|(rank, &(_, file))| (file, rank))
        .collect();
    let paths = place_paths(db, found.iter().map(|(d, _)| d));
    found.sort_by(|(a, _), (b, _)| {
        rank[&a.file]
            .cmp(&rank[&b.file])
            .then_with(|| in_file(a, b, &paths))
    });
    let mut runs: Vec<(SourceFile, usize, usize)> = Vec::new();
    for (i, (d, _)) in found.iter().enumerate() {
        match runs.last_mut() {
            Some(run) if run.0 == d.file => run.2 = i + 1,
            _ => runs.push((d.file, i, i + 1)),
        }
    }
    Global { list: found, runs }
}

/// The id of each part's first relationship (the parts' relationships
/// follow on in the model).
fn relationship_firsts(db: &dyn db::Db, workspace: Workspace) -> Vec<u32> {
    let mut relationships = 0;
    db::part_files(db, workspace)
        .iter()
        .map(|&file| {
            let first = relationships;
            relationships += db::file_part(db, workspace, file).relationships.len() as u32;
            first
        })
        .collect()
}

/// `own` and the global findings that lie in its file, merged, with equal
/// findings next to each other kept once: the file's list.
pub(crate) fn merge(
    db: &dyn db::Db,
    own: &Own,
    global: &[(Diagnostic, Stage)],
) -> Arc<[Diagnostic]> {
    if global.is_empty() && !own.repeats {
        return Arc::clone(&own.list);
    }
    let paths = place_paths(db, own.list.iter().chain(global.iter().map(|(d, _)| d)));
    let mut out: Vec<Diagnostic> = Vec::with_capacity(own.list.len() + global.len());
    let mut mine = own.list.iter().zip(own.stages.iter()).peekable();
    let mut theirs = global.iter().peekable();
    loop {
        let take_mine = match (mine.peek(), theirs.peek()) {
            (Some((a, a_stage)), Some((b, b_stage))) => {
                in_file(a, b, &paths).then_with(|| a_stage.cmp(&b_stage)) != Ordering::Greater
            }
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_mine {
            mine.next().map(|(d, _)| d)
        } else {
            theirs.next().map(|(d, _)| d)
        };
        if let Some(d) = next {
            if out.last() != Some(d) {
                out.push(d.clone());
            }
        }
    }
    out.into()
}

/// Severities from `kozo.toml`: findings of rules turned off are dropped.
fn configure(
    db: &dyn db::Db,
    workspace: Workspace,
    found: Vec<(Diagnostic, Stage)>,
) -> Vec<(Diagnostic, Stage)> {
    let config = workspace.config(db);
    found
        .into_iter()
        .filter_map(|(mut d, stage)| match config.level(d.rule) {
            Level::Off => None,
            Level::On(severity) => {
                d.severity = severity;
                Some((d, stage))
            }
        })
        .collect()
}

/// The path of every file a message of `found` names a place in, read once
/// (a read in every comparison would record a dependency each time).
fn place_paths<'db, 'd>(
    db: &'db dyn db::Db,
    found: impl Iterator<Item = &'d Diagnostic>,
) -> FxHashMap<SourceFile, &'db str> {
    let mut paths = FxHashMap::default();
    for d in found {
        if let Some(place) = &d.place {
            paths
                .entry(place.file)
                .or_insert_with(|| place.file.path(db).as_str());
        }
    }
    paths
}

/// The order of two findings of one file: position, rule, message, then
/// the place the message names (its file by path, then its start).
fn in_file(a: &Diagnostic, b: &Diagnostic, paths: &FxHashMap<SourceFile, &str>) -> Ordering {
    let key = |d: &Diagnostic| (d.span.start, d.span.end, d.rule);
    key(a)
        .cmp(&key(b))
        .then_with(|| a.message.cmp(&b.message))
        .then_with(|| {
            let place = |d: &Diagnostic| {
                d.place
                    .as_ref()
                    .map(|p| (paths.get(&p.file).copied(), p.span.start))
            };
            place(a).cmp(&place(b))
        })
}

/// Every finding of the workspace, gathered and sorted in one go: what
/// the lists of [`own`], [`global`] and [`merge`] put together in path
/// order give, and what they fall back to when they cannot be put together
/// exactly (two files of one path, a finding of an unexpected file).
pub(crate) fn collect_at_once(db: &dyn crate::db::Db, workspace: Workspace) -> Vec<Diagnostic> {
    let files = workspace.files(db);
    let mut found = Vec::new();
    for &file in files {
        db.unwind_if_revision_cancelled();
        syntax_error::check_file(db, file, &mut found);
        suppress::check_rule_names(db, file, &mut found);
    }
    let model = db::model(db, workspace);
    syntax_error::in_workspace_words(model, &mut found);
    found.extend(model.diagnostics.iter().cloned());
    rules::check_model(model, &mut found);
    let names = db::name_index(db, workspace);
    rules::cycle::report(
        model,
        db::cycles(db, workspace),
        &relationship_firsts(db, workspace),
        &mut found,
    );
    let answers = rules::workspace::answers(db, workspace);
    rules::unused_definition::report(model, &answers.used, &mut found);
    if !model.builtin_missing {
        orphan_element::report(
            answers
                .orphans
                .iter()
                .filter_map(|id| model.elements.get(id.index())),
            &mut found,
        );
    }
    element_not_in_view::report(
        answers
            .unseen
            .iter()
            .filter_map(|id| model.elements.get(id.index())),
        &mut found,
    );
    for source in &names.sources {
        if rules::workspace::summary(db, workspace, source.file).has_views {
            let views = rules::workspace::view_findings(db, workspace, source.file);
            found.extend(views.iter().cloned());
        }
    }

    let config = workspace.config(db);
    let mut out: Vec<Diagnostic> = found
        .into_iter()
        .filter_map(|mut d| match config.level(d.rule) {
            Level::Off => None,
            Level::On(severity) => {
                d.severity = severity;
                Some(d)
            }
        })
        .collect();
    let mut indexes: HashMap<SourceFile, suppress::AllowIndex> = HashMap::new();
    out.retain(|d| {
        !indexes
            .entry(d.file)
            .or_insert_with(|| suppress::AllowIndex::new(db, d.file))
            .is_allowed(d)
    });
    // Files compare by path: each file's rank in path order is found once,
    // so that a comparison reads no input (reading a file's path from the
    // database records a dependency, once per comparison: n log n of them).
    let files: FxHashSet<SourceFile> = out
        .iter()
        .flat_map(|d| std::iter::once(d.file).chain(d.place.as_ref().map(|p| p.file)))
        .collect();
    let mut files: Vec<(&str, SourceFile)> = files
        .into_iter()
        .map(|f| (f.path(db).as_str(), f))
        .collect();
    files.sort_unstable_by(|a, b| a.0.cmp(b.0));
    // Files of one path (none in a workspace) share a rank, as they
    // compared equal by path.
    let mut rank: FxHashMap<SourceFile, usize> = Default::default();
    let mut previous: Option<(&str, usize)> = None;
    for (i, &(path, file)) in files.iter().enumerate() {
        let r = match previous {
            Some((p, r)) if p == path => r,
            _ => i,
        };
        rank.insert(file, r);
        previous = Some((path, r));
    }
    let rank = |file: SourceFile| rank.get(&file).copied().unwrap_or(usize::MAX);
    out.sort_by(|a, b| {
        let key = |d: &Diagnostic| (rank(d.file), d.span.start, d.span.end, d.rule);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.message.cmp(&b.message))
            .then_with(|| {
                let place = |d: &Diagnostic| d.place.as_ref().map(|p| (rank(p.file), p.span.start));
                place(a).cmp(&place(b))
            })
    });
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::db;
    use crate::diagnostic::{Diagnostic, Level, Severity};
    use crate::{Analysis, Config, Rule};

    /// Three files with findings of every sort of list: `b.kozo` holds a
    /// duplicate whose message names its first place, in `a.kozo` (found
    /// over the whole model, merged into b's list); `kozo-allow` silences
    /// findings in `a.kozo` and `c.kozo`; the configuration changes two
    /// rules' severities and turns one off.
    fn workspace() -> Analysis {
        let mut config = Config::default();
        config.rules.extend([
            (Rule::OrphanElement, Level::On(Severity::Warning)),
            (Rule::ElementNotInView, Level::On(Severity::Info)),
            (Rule::ViewpointWithoutView, Level::Off),
        ]);
        let mut analysis = Analysis::new(config);
        analysis.set_file(
            "a.kozo",
            "use society5\nsystem a \"A\" { label ja \"エー\" }\nsystem dup\n// kozo-allow: orphan-element\nsystem quiet\n".into(),
        );
        analysis.set_file(
            "b.kozo",
            "system b \"B\"\nsystem dup\nsystem c\nb -> c\nb -> nowhere\nview v { include b }\n"
                .into(),
        );
        analysis.set_file(
            "c.kozo",
            "system e \"E\" { label ja \"イー\" }\n// kozo-allow: element-not-in-view\nsystem f\n"
                .into(),
        );
        analysis
    }

    fn lists(analysis: &Analysis) -> Vec<(String, Arc<[Diagnostic]>)> {
        db::findings_by_file(analysis.db(), analysis.workspace())
            .files()
            .map(|(file, list)| (analysis.path(file).to_string(), Arc::clone(list)))
            .collect()
    }

    fn list<'l>(lists: &'l [(String, Arc<[Diagnostic]>)], path: &str) -> &'l Arc<[Diagnostic]> {
        &lists.iter().find(|(p, _)| p == path).expect("a list").1
    }

    /// The findings as text (places written out), for comparing analyses.
    fn rendered(analysis: &Analysis) -> Vec<String> {
        let mut messages = crate::MessageText::new(analysis);
        analysis
            .diagnostics()
            .iter()
            .map(|d| {
                format!(
                    "{} {}..{} {} {} {}",
                    analysis.path(d.file),
                    d.span.start,
                    d.span.end,
                    d.rule,
                    d.severity.as_str(),
                    messages.message(d)
                )
            })
            .collect()
    }

    /// The same files and configuration, analysed from scratch.
    fn fresh(analysis: &Analysis) -> Analysis {
        let mut fresh = Analysis::new(analysis.config().clone());
        for file in analysis.files() {
            fresh.set_file(analysis.path(file), analysis.text(file).to_string());
        }
        fresh
    }

    fn assert_as_gathered_at_once(analysis: &Analysis) {
        let at_once = db::diagnostics_at_once(analysis.db(), analysis.workspace());
        assert_eq!(analysis.diagnostics(), at_once.as_slice());
        let joined: Vec<Diagnostic> = lists(analysis)
            .iter()
            .flat_map(|(_, list)| list.iter().cloned())
            .collect();
        assert_eq!(joined, at_once);
        assert_eq!(rendered(analysis), rendered(&fresh(analysis)));
    }

    #[test]
    fn the_lists_are_the_findings_gathered_at_once() {
        let analysis = workspace();
        assert_as_gathered_at_once(&analysis);
        let found = rendered(&analysis);
        let has = |needle: &str| found.iter().any(|f| f.contains(needle));
        // Each sort of finding is there, configured and filtered.
        assert!(
            has("b.kozo 20..23 duplicate-definition error"),
            "{found:#?}"
        );
        assert!(has("already defined at a.kozo:3:8"), "{found:#?}");
        assert!(has("undefined-reference"), "{found:#?}");
        assert!(has("orphan-element warning element `dup`"), "{found:#?}");
        assert!(has("element-not-in-view info element `e`"), "{found:#?}");
        assert!(!has("element `quiet` has no relationship"), "{found:#?}");
        assert!(!has("element `f` appears in no view"), "{found:#?}");
        assert!(!has("viewpoint-without-view"), "{found:#?}");
        let paths: Vec<String> = lists(&analysis).into_iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["a.kozo", "b.kozo", "c.kozo"]);
    }

    #[test]
    fn an_edit_leaves_the_other_files_lists_the_same_objects() {
        let mut analysis = workspace();
        let before = lists(&analysis);
        // A label in c.kozo: f's findings move.
        let text = analysis
            .text(analysis.file("c.kozo").unwrap())
            .replace("イー", "イーー");
        analysis.set_file("c.kozo", text);
        let after = lists(&analysis);
        assert!(Arc::ptr_eq(list(&before, "a.kozo"), list(&after, "a.kozo")));
        // b's list holds a finding found over the whole model, merged in.
        assert!(Arc::ptr_eq(list(&before, "b.kozo"), list(&after, "b.kozo")));
        assert!(!Arc::ptr_eq(
            list(&before, "c.kozo"),
            list(&after, "c.kozo")
        ));
        assert_as_gathered_at_once(&analysis);

        // A line more in a.kozo: the duplicate's message in b.kozo names
        // its first place one line lower; c's list is left alone.
        let text = analysis
            .text(analysis.file("a.kozo").unwrap())
            .replace("use society5\n", "use society5\n\n");
        analysis.set_file("a.kozo", text);
        let later = lists(&analysis);
        assert!(Arc::ptr_eq(list(&after, "c.kozo"), list(&later, "c.kozo")));
        assert!(rendered(&analysis)
            .iter()
            .any(|f| f.contains("already defined at a.kozo:4:8")));
        assert_as_gathered_at_once(&analysis);

        // A typo in c.kozo and its fix: only c's list changes.
        let c = analysis.text(analysis.file("c.kozo").unwrap()).to_string();
        analysis.set_file("c.kozo", format!("{c}e -> typo\n"));
        let typo = lists(&analysis);
        assert!(Arc::ptr_eq(list(&later, "a.kozo"), list(&typo, "a.kozo")));
        assert!(Arc::ptr_eq(list(&later, "b.kozo"), list(&typo, "b.kozo")));
        assert!(list(&typo, "c.kozo")
            .iter()
            .any(|d| d.rule == Rule::UndefinedReference));
        assert_as_gathered_at_once(&analysis);
        analysis.set_file("c.kozo", c);
        assert_eq!(lists(&analysis), later);
        assert_as_gathered_at_once(&analysis);
    }

    #[test]
    fn a_file_named_like_a_built_in_one_is_gathered_at_once() {
        let mut analysis = workspace();
        analysis.set_file(crate::builtin::SOCIETY5_PATH, "system here\n".into());
        assert_as_gathered_at_once(&analysis);
    }

    #[test]
    fn a_configuration_change_makes_every_list_again() {
        let mut analysis = workspace();
        let before = lists(&analysis);
        let mut config = analysis.config().clone();
        config.rules.insert(Rule::ElementNotInView, Level::Off);
        analysis.set_config(config);
        let after = lists(&analysis);
        assert!(list(&after, "a.kozo").len() < list(&before, "a.kozo").len());
        assert_as_gathered_at_once(&analysis);
    }
}
