//! What every page reads: the model, the languages it speaks, each
//! declaration's file name in the site, and the indexes that answer "what
//! touches this element" in constant time (incoming and outgoing
//! relationships, views, decisions, findings).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use kozo_engine::db::SourceFile;
use kozo_engine::model::{
    DecisionId, ElementId, Info, Loc, Model, Relationship, RelationshipId, ViewId,
};
use kozo_engine::{Analysis, Diagnostic};
use kozo_lang::line_index::ColumnUnit;
use kozo_lang::LineIndex;
use maud::{html, Markup};

use crate::SiteOptions;

/// One language of the labels: index 0 is the labels as written after the
/// names, the others are `label LANG` translations.
#[derive(Clone, Debug)]
pub struct Language {
    pub code: String,
    /// What the switch shows.
    pub name: String,
}

impl Language {
    /// The code for HTML's `lang` attribute (`und`, undetermined, for the
    /// labels as written when their language is not known).
    pub fn html_lang(&self) -> &str {
        if self.code == "default" {
            "und"
        } else {
            &self.code
        }
    }
}

/// The model, its languages and its indexes, shared by every page.
pub struct Context<'a> {
    pub analysis: &'a Analysis,
    pub model: &'a Model,
    pub options: &'a SiteOptions,
    pub languages: Vec<Language>,
    /// The language shown before the reader chooses one.
    pub default_language: usize,
    element_slugs: Vec<String>,
    view_slugs: Vec<String>,
    pub outgoing: Vec<Vec<RelationshipId>>,
    pub incoming: Vec<Vec<RelationshipId>>,
    pub views_of: Vec<Vec<ViewId>>,
    pub decisions_of: Vec<Vec<DecisionId>>,
    /// Indexes into `diagnostics` of the findings inside each element's declaration.
    pub findings_of: Vec<Vec<usize>>,
    /// The element a finding stands in (the innermost declaration), if any.
    pub element_of_finding: Vec<Option<ElementId>>,
    pub diagnostics: &'a [Diagnostic],
    lines: BTreeMap<String, LineIndex>,
}

impl<'a> Context<'a> {
    pub fn new(analysis: &'a Analysis, options: &'a SiteOptions) -> Context<'a> {
        let model = analysis.model();
        let diagnostics = analysis.diagnostics();
        let languages = languages(model);
        let wanted = options
            .lang
            .clone()
            .or_else(|| analysis.config().render.lang.clone());
        let default_language = wanted
            .and_then(|w| languages.iter().position(|l| l.code == w))
            .unwrap_or(0);

        let elements = model.elements.len();
        let mut outgoing = vec![Vec::new(); elements];
        let mut incoming = vec![Vec::new(); elements];
        for id in model.relationship_ids() {
            let r = model.relationship(id);
            outgoing[r.source.index()].push(id);
            incoming[r.target.index()].push(id);
        }
        let mut views_of = vec![Vec::new(); elements];
        for id in model.view_ids() {
            for selected in &model.view(id).elements {
                let list: &mut Vec<ViewId> = &mut views_of[selected.element.index()];
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
        }
        let mut decisions_of = vec![Vec::new(); elements];
        for (i, decision) in model.decisions.iter().enumerate() {
            for &e in &decision.affects {
                let list: &mut Vec<DecisionId> = &mut decisions_of[e.index()];
                if !list.contains(&DecisionId(i as u32)) {
                    list.push(DecisionId(i as u32));
                }
            }
        }
        let element_of_finding = locate_findings(model, diagnostics);
        let mut findings_of = vec![Vec::new(); elements];
        for (i, e) in element_of_finding.iter().enumerate() {
            if let Some(e) = e {
                findings_of[e.index()].push(i);
            }
        }

        let element_slugs = slugs(model.elements.iter().map(|e| e.path.as_str()));
        let view_slugs = slugs(model.views.iter().map(|v| v.info.name.as_str()));

        let mut lines = BTreeMap::new();
        for file in analysis.files() {
            let path = analysis.path(file).to_string();
            lines.insert(path, LineIndex::new(analysis.text(file)));
        }

        Context {
            analysis,
            model,
            options,
            languages,
            default_language,
            element_slugs,
            view_slugs,
            outgoing,
            incoming,
            views_of,
            decisions_of,
            findings_of,
            element_of_finding,
            diagnostics,
            lines,
        }
    }

    /// The language code to ask the renderer for: `None` for the labels as written.
    pub fn render_lang(&self, language: usize) -> Option<&str> {
        (language > 0).then(|| self.languages[language].code.as_str())
    }

    /// The element page, relative to the site's root.
    pub fn element_href(&self, id: ElementId) -> String {
        format!("elements/{}.html", self.element_slugs[id.index()])
    }

    pub fn view_slug(&self, id: ViewId) -> &str {
        &self.view_slugs[id.index()]
    }

    /// The view page, relative to the site's root.
    pub fn view_href(&self, id: ViewId) -> String {
        format!("views/{}.html", self.view_slugs[id.index()])
    }

    /// `file:line` of a place, the line 1-based.
    pub fn file_line(&self, loc: Loc) -> String {
        let (line, _) = self.position(loc.file, loc.span.start as usize);
        format!("{}:{}", self.analysis.path(loc.file), line)
    }

    /// 1-based line and character column of a byte offset in a file.
    pub fn position(&self, file: SourceFile, offset: usize) -> (u32, u32) {
        let path = self.analysis.path(file);
        let text = self.analysis.text(file);
        let offset = offset.min(text.len());
        match self.lines.get(path) {
            Some(index) => {
                let (line, column) = index.position(text, offset, ColumnUnit::Char);
                (line + 1, column + 1)
            }
            None => {
                let index = LineIndex::new(text);
                let (line, column) = index.position(text, offset, ColumnUnit::Char);
                (line + 1, column + 1)
            }
        }
    }

    /// The label of a declaration in every language, each in a span the
    /// language switch shows or hides; plain text when it has no translation.
    pub fn label(&self, info: &Info) -> Markup {
        let base = info.label.as_deref().unwrap_or(&info.name);
        self.translated(base, &info.translations)
    }

    /// A declaration's description in every language (`description ja
    /// "..."`), if it has one.
    pub fn description(&self, info: &Info) -> Option<Markup> {
        let base = info.description.as_deref()?;
        Some(self.translated(base, &info.descriptions))
    }

    /// A relationship's description in every language, if it has one.
    pub fn relationship_description(&self, r: &Relationship) -> Option<Markup> {
        let base = r.description.as_deref()?;
        Some(self.translated(base, &r.descriptions))
    }

    /// A relationship's label in every language, if it has one.
    pub fn relationship_label(&self, r: &Relationship) -> Option<Markup> {
        let base = r.label.as_deref()?;
        Some(self.translated(base, &r.translations))
    }

    fn translated(&self, base: &str, translations: &[(smol_str::SmolStr, String)]) -> Markup {
        if translations.is_empty() || self.languages.len() < 2 {
            return html! { (base) };
        }
        html! {
            @for (i, language) in self.languages.iter().enumerate() {
                @let text = if i == 0 {
                    base
                } else {
                    translations
                        .iter()
                        .find(|(l, _)| l.as_str() == language.code)
                        .map_or(base, |(_, t)| t.as_str())
                };
                span data-l=(i) lang=(language.html_lang()) { (text) }
            }
        }
    }

    /// A link to an element's page, showing its label.
    pub fn element_link(&self, root: &str, id: ElementId) -> Markup {
        let element = self.model.element(id);
        html! {
            a href={ (root) (self.element_href(id)) } title=(element.path) { (self.label(&element.info)) }
        }
    }

    /// A link to a view's page, showing its title.
    pub fn view_link(&self, root: &str, id: ViewId) -> Markup {
        html! {
            a href={ (root) (self.view_href(id)) } { (self.label(&self.model.view(id).info)) }
        }
    }
}

/// The languages of a model's labels: the labels as written first (called
/// English unless the model also has `label en`), then every translation's
/// language in code order.
fn languages(model: &Model) -> Vec<Language> {
    let mut codes: BTreeSet<&str> = BTreeSet::new();
    let infos = model
        .layers
        .iter()
        .map(|x| &x.info)
        .chain(model.kinds.iter().map(|x| &x.info))
        .chain(model.relation_kinds.iter().map(|x| &x.info))
        .chain(model.elements.iter().map(|x| &x.info))
        .chain(model.concerns.iter().map(|x| &x.info))
        .chain(model.stakeholders.iter().map(|x| &x.info))
        .chain(model.viewpoints.iter().map(|x| &x.info))
        .chain(model.views.iter().map(|x| &x.info))
        .chain(model.decisions.iter().map(|x| &x.info));
    for info in infos.filter(|i| !i.builtin) {
        codes.extend(info.translations.iter().map(|(l, _)| l.as_str()));
    }
    for r in &model.relationships {
        codes.extend(r.translations.iter().map(|(l, _)| l.as_str()));
    }
    let base = if codes.contains("en") {
        "default"
    } else {
        "en"
    };
    let mut out = vec![Language {
        code: base.to_string(),
        name: language_name(base),
    }];
    out.extend(codes.into_iter().map(|code| Language {
        code: code.to_string(),
        name: language_name(code),
    }));
    out
}

fn language_name(code: &str) -> String {
    match code {
        "en" => "English".to_string(),
        "ja" => "日本語".to_string(),
        "default" => "As written".to_string(),
        "de" => "Deutsch".to_string(),
        "fr" => "Français".to_string(),
        "zh" => "中文".to_string(),
        "ko" => "한국어".to_string(),
        other => other.to_string(),
    }
}

/// File names for identifiers: the identifier itself when it is lower-case
/// ASCII letters, digits, `_`, `-` and `.`; otherwise (upper case, which
/// would collide on case-insensitive disks, other scripts, or a name taken
/// twice) an ASCII rendering followed by the declaration's position.
fn slugs<'n>(names: impl Iterator<Item = &'n str>) -> Vec<String> {
    let mut taken = BTreeSet::new();
    let mut out = Vec::new();
    for (i, name) in names.enumerate() {
        let clean: String = name
            .chars()
            .map(|c| match c {
                'a'..='z' | '0'..='9' | '_' | '-' | '.' => c,
                'A'..='Z' => c.to_ascii_lowercase(),
                _ => '_',
            })
            .collect();
        let plain = clean == name && !name.is_empty() && !name.starts_with('.');
        let slug = if plain && !taken.contains(&clean) {
            clean
        } else {
            format!("{}-{i}", clean.trim_start_matches('.'))
        };
        taken.insert(slug.clone());
        out.push(slug);
    }
    out
}

/// The element each finding stands in: the innermost element declaration
/// around it, else the source of the relationship it is about. (The maps
/// are only looked up, never iterated, so their order reaches nothing.)
fn locate_findings(model: &Model, diagnostics: &[Diagnostic]) -> Vec<Option<ElementId>> {
    let mut by_file: HashMap<SourceFile, Vec<(u32, u32, ElementId)>> = HashMap::new();
    for id in model.element_ids() {
        let e = model.element(id);
        if e.info.builtin {
            continue;
        }
        by_file.entry(e.info.name_loc.file).or_default().push((
            e.info.span.start,
            e.info.span.end,
            id,
        ));
    }
    let mut relationships: HashMap<SourceFile, Vec<(u32, u32, ElementId)>> = HashMap::new();
    for r in &model.relationships {
        relationships.entry(r.loc.file).or_default().push((
            r.loc.span.start,
            r.loc.span.end,
            r.source,
        ));
    }
    let innermost = |list: Option<&Vec<(u32, u32, ElementId)>>, d: &Diagnostic| {
        list.into_iter()
            .flatten()
            .filter(|(s, e, _)| *s <= d.span.start && d.span.end <= *e)
            .min_by_key(|(s, e, _)| e - s)
            .map(|&(_, _, id)| id)
    };
    diagnostics
        .iter()
        .map(|d| {
            innermost(by_file.get(&d.file), d).or_else(|| innermost(relationships.get(&d.file), d))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::slugs;

    #[test]
    fn slugs_are_unique_ascii_file_names() {
        let names = ["bms", "bms.hvac", "Bms", "建物", "bms", ""];
        let got = slugs(names.iter().copied());
        assert_eq!(got, ["bms", "bms.hvac", "bms-2", "__-3", "bms-4", "-5"]);
    }
}
