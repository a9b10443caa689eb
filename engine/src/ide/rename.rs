//! Rename: a declaration and every reference to it, across files, editing
//! only the spans of names (so comments and strings are never touched).
//! Refuses built-in names, keywords and invalid names, and any new name that
//! would collide with a declaration or change what another reference means.

use std::collections::BTreeMap;
use std::fmt;

use kozo_lang::Span;

use super::navigation::{occurrences, target_at};
use super::{SourceChange, SymbolKind, TextEdit};
use crate::analysis::Analysis;
use crate::db::SourceFile;
use crate::model::{ElementId, Loc, Model, Property, PropertyValue, Space, Target, THIS};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    /// The cursor is on no declared or referenced name.
    NoName,
    /// The name is declared by a built-in metamodel (the name, the module).
    Builtin(String, &'static str),
    /// The new name is a keyword.
    Keyword(String),
    /// The new name is not an identifier.
    InvalidName(String),
    /// The new name is taken, or would change what a reference means.
    Collision(String),
}

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenameError::NoName => f.write_str("there is no name to rename here"),
            RenameError::Builtin(name, module) => write!(
                f,
                "`{name}` is declared by the built-in `{module}` metamodel and cannot be renamed; declare your own to override it"
            ),
            RenameError::Keyword(name) => write!(f, "`{name}` is a keyword"),
            RenameError::InvalidName(name) => write!(
                f,
                "`{name}` is not a valid name: use a letter or `_` followed by letters, digits or `_`"
            ),
            RenameError::Collision(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for RenameError {}

/// The name that a rename at `offset` would change, and its current text.
pub fn prepare_rename(
    analysis: &Analysis,
    file: SourceFile,
    offset: usize,
) -> Result<(Span, String), RenameError> {
    let at = target_at(analysis, file, offset).ok_or(RenameError::NoName)?;
    if is_this(
        analysis,
        Loc {
            file,
            span: at.span,
        },
    ) {
        // `this` names the enclosing element wherever it stands; renaming
        // the element leaves it as it is.
        return Err(RenameError::Keyword(THIS.to_string()));
    }
    let model = analysis.model();
    let info = model.definition(at.target);
    if info.builtin {
        let module = if info.name_loc.file == analysis.archimate() {
            crate::builtin::ARCHIMATE
        } else {
            crate::builtin::SOCIETY5
        };
        return Err(RenameError::Builtin(info.name.to_string(), module));
    }
    let text = analysis.text(file);
    Ok((at.span, text.get(at.span.range()).unwrap_or("").to_string()))
}

/// The edits that rename the name at `offset` to `new_name`.
pub fn rename(
    analysis: &Analysis,
    file: SourceFile,
    offset: usize,
    new_name: &str,
) -> Result<SourceChange, RenameError> {
    prepare_rename(analysis, file, offset)?;
    let at = target_at(analysis, file, offset).ok_or(RenameError::NoName)?;
    let model = analysis.model();
    let old = model.definition(at.target).name.clone();
    if kozo_lang::is_keyword(new_name) || new_name == THIS {
        return Err(RenameError::Keyword(new_name.to_string()));
    }
    if !kozo_lang::is_valid_name(new_name) {
        return Err(RenameError::InvalidName(new_name.to_string()));
    }
    if old == new_name {
        return Ok(SourceChange::default());
    }
    check_collision(analysis, model, at.target, new_name)?;

    let builtins = [analysis.builtin(), analysis.archimate()];
    let mut by_file: BTreeMap<String, (SourceFile, Vec<TextEdit>)> = BTreeMap::new();
    for occurrence in occurrences(analysis, at.target, true) {
        // A workspace declaration overriding a built-in one is also named in
        // the built-in file; that file is never edited.
        if builtins.contains(&occurrence.file) {
            continue;
        }
        // `this` still names the element once it is renamed.
        if is_this(
            analysis,
            Loc {
                file: occurrence.file,
                span: occurrence.span,
            },
        ) {
            continue;
        }
        let entry = by_file
            .entry(analysis.path(occurrence.file).to_string())
            .or_insert_with(|| (occurrence.file, Vec::new()));
        entry.1.push(TextEdit {
            span: occurrence.span,
            new_text: new_name.to_string(),
        });
    }
    let edits = by_file
        .into_values()
        .map(|(file, mut edits)| {
            edits.sort_by_key(|e| e.span);
            edits.dedup();
            (file, edits)
        })
        .collect();
    Ok(SourceChange { edits })
}

fn check_collision(
    analysis: &Analysis,
    model: &Model,
    target: Target,
    new_name: &str,
) -> Result<(), RenameError> {
    let taken = |existing: Target| {
        let info = model.definition(existing);
        let place = analysis.path(info.name_loc.file).to_string();
        RenameError::Collision(format!(
            "{} `{new_name}` already exists ({place})",
            article(SymbolKind::of(existing).describe())
        ))
    };
    match target {
        Target::Layer(_) => {
            if let Some(id) = model.layer_by_name(new_name) {
                return Err(taken(Target::Layer(id)));
            }
        }
        Target::Kind(_) => {
            if let Some(id) = model.kind_by_name(new_name) {
                return Err(taken(Target::Kind(id)));
            }
        }
        Target::RelationKind(_) => {
            if let Some(id) = model.relation_kind_by_name(new_name) {
                return Err(taken(Target::RelationKind(id)));
            }
        }
        Target::Element(id) => {
            let element = model.element(id);
            if element.parent.is_none() {
                property_values_would_change(model, target, new_name)?;
            }
            match element.parent {
                Some(parent) => {
                    let sibling = format!("{}.{new_name}", model.element(parent).path);
                    if let Some(existing) = model.element_by_path(&sibling) {
                        return Err(taken(Target::Element(existing)));
                    }
                    resolution_changes(analysis, model, id, new_name)?;
                }
                None => {
                    if let Some(existing) = model.top_level(Space::Element, new_name) {
                        return Err(taken(existing));
                    }
                    resolution_changes(analysis, model, id, new_name)?;
                }
            }
        }
        Target::Concern(_)
        | Target::Stakeholder(_)
        | Target::Viewpoint(_)
        | Target::View(_)
        | Target::Decision(_) => {
            // Only a name of the same space collides: a stakeholder may be
            // renamed to the name of an element.
            let space = Space::of(target).unwrap_or(Space::Element);
            if let Some(existing) = model.top_level(space, new_name) {
                return Err(taken(existing));
            }
            property_values_would_change(model, target, new_name)?;
        }
    }
    Ok(())
}

/// A top-level declaration renamed to a name another space already has: a
/// property value names any space (`owner = city`, the element first), so
/// one that names either of the two would become ambiguous. Clauses name
/// one space each and never change meaning.
fn property_values_would_change(
    model: &Model,
    target: Target,
    new_name: &str,
) -> Result<(), RenameError> {
    let others: Vec<Target> = model
        .top_level_any(new_name)
        .filter(|&t| t != target)
        .collect();
    if others.is_empty() {
        return Ok(());
    }
    fn names(value: &PropertyValue, wanted: &[Target]) -> bool {
        match value {
            PropertyValue::Ref(_, Some(t)) => wanted.contains(t),
            PropertyValue::List(items) => items.iter().any(|v| names(v, wanted)),
            _ => false,
        }
    }
    let mut wanted = others.clone();
    wanted.push(target);
    let named = |properties: &[Property]| properties.iter().any(|p| names(&p.value, &wanted));
    let found = super::all_targets(model).any(|t| named(&model.definition(t).properties))
        || model
            .relationship_ids()
            .any(|r| named(&model.relationship(r).properties));
    if found {
        return Err(RenameError::Collision(format!(
            "{} `{new_name}` already exists, and a property value would no longer say which one it names",
            article(SymbolKind::of(others[0]).describe())
        )));
    }
    Ok(())
}

/// The levels a path's first segment written in `scope` searches, nearest
/// first: `scope`, each of its ancestors, then the top level (`None`).
fn levels(model: &Model, scope: Option<ElementId>) -> impl Iterator<Item = Option<ElementId>> + '_ {
    scope
        .into_iter()
        .flat_map(|s| model.ancestors_and_self(s))
        .map(Some)
        .chain(std::iter::once(None))
}

/// `id` renamed to `new_name` must not change what any reference means: a
/// reference to it must not find a nearer element called `new_name` first,
/// and a reference to another element called `new_name` must not find the
/// renamed one first (names resolve at the nearest level that has them).
fn resolution_changes(
    analysis: &Analysis,
    model: &Model,
    id: ElementId,
    new_name: &str,
) -> Result<(), RenameError> {
    let own_level = model.element(id).parent;
    let child_named = |level: ElementId| {
        model.element_by_path(&format!("{}.{new_name}", model.element(level).path))
    };
    let first_segments = |target: ElementId| {
        model
            .references
            .iter()
            .filter(move |r| r.target == Target::Element(target))
            .filter(|r| is_first_segment(analysis, r.loc) && !is_this(analysis, r.loc))
    };
    for r in first_segments(id) {
        let scope = enclosing_element(model, r.loc);
        for level in levels(model, scope).take_while(|&l| l != own_level) {
            if let Some(nearer) = level.and_then(child_named) {
                // A level below the top holds the reference, so `scope` is
                // an element; the top level is named should that change.
                let place = scope.map_or_else(
                    || "the top level".to_string(),
                    |s| format!("`{}`", model.element(s).path),
                );
                return Err(RenameError::Collision(format!(
                    "inside {place}, `{new_name}` would mean `{}` instead",
                    model.element(nearer).path
                )));
            }
        }
    }
    for other in model.element_ids().filter(|&e| e != id) {
        if model.element(other).info.name != new_name {
            continue;
        }
        let other_level = model.element(other).parent;
        for r in first_segments(other) {
            let scope = enclosing_element(model, r.loc);
            if levels(model, scope)
                .take_while(|&l| l != other_level)
                .any(|l| l == own_level)
            {
                return Err(RenameError::Collision(format!(
                    "inside `{}`, `{new_name}` would then mean the renamed element instead of `{}`",
                    scope.map_or("the top level", |s| model.element(s).path.as_str()),
                    model.element(other).path
                )));
            }
        }
    }
    Ok(())
}

/// True when `loc` is a `this` (which names the enclosing element).
fn is_this(analysis: &Analysis, loc: Loc) -> bool {
    analysis.text(loc.file).get(loc.span.range()) == Some(THIS) && is_first_segment(analysis, loc)
}

fn is_first_segment(analysis: &Analysis, loc: Loc) -> bool {
    let text = analysis.text(loc.file);
    !text[..(loc.span.start as usize).min(text.len())].ends_with('.')
}

/// The innermost element whose declaration holds `loc`.
fn enclosing_element(model: &Model, loc: Loc) -> Option<ElementId> {
    model
        .element_ids()
        .filter(|&id| {
            let info = &model.element(id).info;
            info.name_loc.file == loc.file
                && info.span.start <= loc.span.start
                && loc.span.end <= info.span.end
                && info.name_loc.span != loc.span
        })
        .min_by_key(|&id| model.element(id).info.span.len())
}

fn article(what: &str) -> String {
    match what.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {what}"),
        _ => format!("a {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{apply_edits, Fixture};

    /// Every file after the rename, `//- path` headed, or the error.
    fn check(fixture: &str, new_name: &str) -> Result<String, RenameError> {
        let f = Fixture::new(fixture);
        let change = rename(&f.analysis, f.file, f.offset, new_name)?;
        let mut out = String::new();
        for (file, edits) in &change.edits {
            out.push_str(&format!("//- {}\n", f.analysis.path(*file)));
            out.push_str(&apply_edits(f.analysis.text(*file), edits));
        }
        Ok(out)
    }

    #[test]
    fn rename_across_files_keeps_comments_and_strings() {
        let renamed = check(
            r#"
//- a.kozo
use society5
/// occupancy counts, per floor
dataset occ$0upancy "occupancy"
//- b.kozo
// occupancy comes from the gateway
system bms { component gw }
bms.gw -> occupancy : flows /* occupancy */
view v { include occupancy }
"#,
            "presence",
        )
        .unwrap();
        assert_eq!(
            renamed,
            r#"//- a.kozo
use society5
/// occupancy counts, per floor
dataset presence "occupancy"
//- b.kozo
// occupancy comes from the gateway
system bms { component gw }
bms.gw -> presence : flows /* occupancy */
view v { include presence }
"#
        );
    }

    #[test]
    fn rename_leaves_this_as_it_is() {
        let src = "use society5\nsystem b$0ms {\n  component gw\n  this.gw -> this : flows\n}\nsystem x\nx -> bms.gw : flows\n";
        assert_eq!(
            check(src, "hub").unwrap(),
            "//- model.kozo\nuse society5\nsystem hub {\n  component gw\n  this.gw -> this : flows\n}\nsystem x\nx -> hub.gw : flows\n"
        );
        // Not from `this`, and not to `this`.
        let from_this = src
            .replace("b$0ms", "bms")
            .replacen("this.gw", "th$0is.gw", 1);
        assert_eq!(
            check(&from_this, "hub"),
            Err(RenameError::Keyword("this".into()))
        );
        assert_eq!(check(src, "this"), Err(RenameError::Keyword("this".into())));
    }

    #[test]
    fn rename_a_child_edits_only_its_segment() {
        let renamed = check(
            "use society5\nsystem bms { component gw\n  g$0w -> bms }\nsystem gw\nbms.gw -> gw\n",
            "gateway",
        )
        .unwrap();
        assert_eq!(
            renamed,
            "//- model.kozo\nuse society5\nsystem bms { component gateway\n  gateway -> bms }\nsystem gw\nbms.gateway -> gw\n"
        );
    }

    #[test]
    fn rename_a_stakeholder_that_shares_its_name_with_an_element() {
        let src = "use society5\nconcern 安全\nstakeholder 市 { concerns 安全 }\norganization 市 { system 窓口 }\nviewpoint vp { frames 安全 }\nview v of vp { include 市, 市.窓口 }\n";
        // From the stakeholder's declaration: the element keeps its name.
        let renamed = check(
            &src.replacen("stakeholder 市", "stakeholder 市$0", 1),
            "市民",
        )
        .unwrap();
        assert_eq!(
            renamed,
            format!(
                "//- model.kozo\n{}",
                src.replacen("stakeholder 市", "stakeholder 市民", 1)
            )
        );
        // From a use of the element: the stakeholder keeps its name.
        let renamed = check(&src.replacen("include 市", "include 市$0", 1), "市役所").unwrap();
        assert_eq!(
            renamed,
            format!(
                "//- model.kozo\n{}",
                src.replace("organization 市", "organization 市役所")
                    .replace("include 市, 市.窓口", "include 市役所, 市役所.窓口")
            )
        );
        // Renaming to a name only another space has is fine.
        assert!(check(
            &src.replacen("stakeholder 市", "stakeholder 市$0", 1),
            "安全"
        )
        .is_ok());
    }

    #[test]
    fn rename_a_kind_from_a_use() {
        let renamed = check("kind machine\nmach$0ine a\nmachine b\n", "device").unwrap();
        assert_eq!(renamed, "//- model.kozo\nkind device\ndevice a\ndevice b\n");
    }

    #[test]
    fn refusals() {
        let base =
            "use society5\nconcern privacy\nsystem bms { component gw }\ndataset occupancy\n";
        assert_eq!(
            check(&format!("{base}occ$0upancy -> bms"), "concern"),
            Err(RenameError::Keyword("concern".into()))
        );
        assert_eq!(
            check(&format!("{base}occ$0upancy -> bms"), "2x"),
            Err(RenameError::InvalidName("2x".into()))
        );
        assert_eq!(
            check(&format!("{base}occ$0upancy -> bms"), "bms"),
            Err(RenameError::Collision(
                "an element `bms` already exists (model.kozo)".into()
            ))
        );
        // A concern has a name space of its own, but a property value names
        // any space: it would no longer say which `privacy` it means.
        assert_eq!(
            check(&format!("{base}occ$0upancy -> bms\nview v {{ p = privacy }}"), "privacy"),
            Err(RenameError::Collision(
                "a concern `privacy` already exists, and a property value would no longer say which one it names".into()
            ))
        );
        assert_eq!(
            check(&format!("{base}sys$0tem x"), "machine"),
            Err(RenameError::Builtin("system".into(), "society5"))
        );
        assert_eq!(
            check("use archimate\nno$0de n\n", "machine").map_err(|e| e.to_string()),
            Err("`node` is declared by the built-in `archimate` metamodel and cannot be renamed; declare your own to override it".into())
        );
        assert_eq!(
            check(&format!("{base}// just a comment$0"), "x"),
            Err(RenameError::NoName)
        );
    }

    #[test]
    fn refuses_a_name_that_a_child_would_shadow() {
        let base =
            "use society5\nsystem bms { component gw\n  gw -> occupancy }\ndataset occupancy\n";
        let shadowed = check(
            &base.replace("dataset occupancy", "dataset occ$0upancy"),
            "gw",
        );
        assert_eq!(
            shadowed,
            Err(RenameError::Collision(
                "inside `bms`, `gw` would mean `bms.gw` instead".into()
            ))
        );
        let captured = check(
            &base.replace("component gw\n", "component g$0w\n"),
            "occupancy",
        );
        assert!(
            matches!(&captured, Err(RenameError::Collision(m)) if m.contains("instead of `occupancy`")),
            "{captured:?}"
        );
    }

    #[test]
    fn rename_through_an_ancestor() {
        // `db` inside `api` is found at `shop`'s level; renaming it there
        // renames that use too, and a name that a nearer level has is refused.
        let src = "use society5\nsystem shop {\n  component d$0b\n  component api {\n    component orders\n    orders -> db : flows\n  }\n}\n";
        let renamed = check(src, "データ").unwrap();
        assert!(renamed.contains("component データ\n"), "{renamed}");
        assert!(renamed.contains("orders -> データ : flows"), "{renamed}");
        assert_eq!(
            check(src, "orders"),
            Err(RenameError::Collision(
                "inside `shop.api`, `orders` would mean `shop.api.orders` instead".into()
            ))
        );
    }

    #[test]
    fn prepare_gives_the_name_under_the_cursor() {
        let f = Fixture::new("use society5\nsystem bms { component gw }\nbms.g$0w -> bms\n");
        let (span, name) = prepare_rename(&f.analysis, f.file, f.offset).unwrap();
        assert_eq!((&f.text()[span.range()], name.as_str()), ("gw", "gw"));
    }
}
