//! Gathers the findings of every stage, applies `kozo.toml` severities and
//! `kozo-allow` comments, and sorts them.

use crate::db::{self, SourceFile, Workspace};
use crate::diagnostic::{Diagnostic, Level};
use crate::rules::{self, syntax_error};
use crate::suppress;

pub(crate) fn collect(db: &dyn crate::db::Db, workspace: Workspace) -> Vec<Diagnostic> {
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
    let mut relationships = 0;
    let firsts: Vec<u32> = names
        .sources
        .iter()
        .map(|source| {
            let first = relationships;
            relationships += db::file_part(db, workspace, source.file)
                .relationships
                .len() as u32;
            first
        })
        .collect();
    rules::cycle::report(model, db::cycles(db, workspace), &firsts, &mut found);
    let answers = rules::workspace::answers(db, workspace);
    rules::unused_definition::report(model, &answers.used, &mut found);
    rules::orphan_element::report(model, &answers.orphans, &mut found);
    rules::element_not_in_view::report(model, &answers.unseen, &mut found);
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
    let mut indexes: std::collections::HashMap<SourceFile, suppress::AllowIndex> =
        std::collections::HashMap::new();
    out.retain(|d| {
        !indexes
            .entry(d.file)
            .or_insert_with(|| suppress::AllowIndex::new(db, d.file))
            .is_allowed(d)
    });
    // Files compare by path: each file's rank in path order is found once,
    // so that a comparison reads no input (reading a file's path from the
    // database records a dependency, once per comparison: n log n of them).
    let files: rustc_hash::FxHashSet<SourceFile> = out
        .iter()
        .flat_map(|d| std::iter::once(d.file).chain(d.place.as_ref().map(|p| p.file)))
        .collect();
    let mut files: Vec<(&str, SourceFile)> = files.into_iter().map(|f| (path(db, f), f)).collect();
    files.sort_unstable_by(|a, b| a.0.cmp(b.0));
    // Files of one path (none in a workspace) share a rank, as they
    // compared equal by path.
    let mut rank: rustc_hash::FxHashMap<SourceFile, usize> = Default::default();
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

fn path(db: &dyn crate::db::Db, file: SourceFile) -> &str {
    file.path(db)
}
