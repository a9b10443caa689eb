//! An exchange model as a kozo workspace that uses `use archimate`.
//!
//! Elements become elements of the kind of their type, relationships
//! relationships of their relation kind, views views. What kozo has no
//! construct for is kept as a property where it can be (`archimate_id`,
//! `folder`, `access`, `strength`, `directed`, `archimate_viewpoint`), kept in
//! `archimate.toml` when it belongs to the model as a whole (its
//! identifier, names, documentation, properties and the property
//! definitions), and otherwise listed in the report: nothing is dropped
//! without a line in `IMPORT.md`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use kozo_lang::format::FormatOptions;

use crate::model::*;
use crate::names::{string, Namer};
use crate::types;

/// The files of the imported workspace (path relative to its root, text)
/// and the report.
#[derive(Clone, Debug)]
pub struct Imported {
    pub files: Vec<(String, String)>,
    pub report: Report,
}

/// What the import kept, moved and could not express.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub source: String,
    pub counts: Vec<(String, usize)>,
    /// Where things the kozo language has no place for went (a property, `archimate.toml`).
    pub kept: Vec<String>,
    /// What kozo cannot express, one line each.
    pub lost: Vec<String>,
}

impl Report {
    /// The report as Markdown (`IMPORT.md`).
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Import report\n\n");
        let _ = writeln!(out, "Source: `{}`\n", self.source.replace('`', "'"));
        out.push_str("| read | count |\n|---|---|\n");
        for (what, n) in &self.counts {
            let _ = writeln!(out, "| {what} | {n} |");
        }
        out.push_str("\n## Kept elsewhere\n\n");
        for line in &self.kept {
            let _ = writeln!(out, "- {line}");
        }
        out.push_str("\n## Not expressed in kozo\n\n");
        if self.lost.is_empty() {
            out.push_str("Nothing.\n");
        }
        for line in &self.lost {
            let _ = writeln!(out, "- {line}");
        }
        out
    }
}

/// Nesting deeper than this in views is drawn as groups, so that no
/// written file comes near the parser's nesting limit.
const MAX_DEPTH: usize = 12;

/// Turns an exchange model into the files of a kozo workspace. `source` is
/// the file's name, for the report.
pub fn import(model: &ExchangeModel, source: &str) -> Imported {
    Importer::new(model, source).run()
}

struct Importer<'m> {
    model: &'m ExchangeModel,
    lang: Option<String>,
    report: Report,
    element_index: HashMap<&'m str, usize>,
    /// kozo name and path of each element, by index.
    names: Vec<String>,
    paths: Vec<String>,
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    /// The folder path (labels) of each concept, by identifier.
    folders: HashMap<&'m str, Vec<String>>,
    property_keys: HashMap<&'m str, String>,
}

impl<'m> Importer<'m> {
    fn new(model: &'m ExchangeModel, source: &str) -> Importer<'m> {
        let n = model.elements.len();
        Importer {
            model,
            lang: model.names.first().and_then(|n| n.lang.clone()),
            report: Report {
                source: source.to_string(),
                ..Report::default()
            },
            element_index: model
                .elements
                .iter()
                .enumerate()
                .map(|(i, e)| (e.identifier.as_str(), i))
                .collect(),
            names: vec![String::new(); n],
            paths: vec![String::new(); n],
            parent: vec![None; n],
            children: vec![Vec::new(); n],
            folders: HashMap::new(),
            property_keys: HashMap::new(),
        }
    }

    fn run(mut self) -> Imported {
        let m = self.model;
        self.report.counts = vec![
            ("elements".into(), m.elements.len()),
            ("relationships".into(), m.relationships.len()),
            ("views".into(), m.views.len()),
            ("property definitions".into(), m.property_definitions.len()),
        ];
        self.report
            .lost
            .extend(m.skipped.iter().map(|s| format!("not read: {s}")));
        self.property_keys();
        self.folders();
        self.nesting();
        self.element_names();

        let mut files: BTreeMap<String, String> = BTreeMap::new();
        // Folder label (or, for concepts in no folder, a default name) →
        // file; each file stands for one of them.
        let mut folder_files: BTreeMap<String, String> = BTreeMap::new();
        let mut default_files: BTreeMap<String, String> = BTreeMap::new();
        let mut file_names = Namer::default();
        let mut file_of_folder = |label: &str, default: &str| -> String {
            let (map, key) = if label.is_empty() {
                (&mut default_files, default)
            } else {
                (&mut folder_files, label)
            };
            map.entry(key.to_string())
                .or_insert_with(|| format!("{}.kozo", file_names.file_stem(key, "folder")))
                .clone()
        };
        for i in 0..m.elements.len() {
            if self.parent[i].is_some() {
                continue;
            }
            let e = &m.elements[i];
            let default = types::element_by_xsi(&e.xsi_type).map_or("other", |t| t.layer);
            let top = self.top_folder(&e.identifier);
            let file = file_of_folder(&top, default);
            let text = files.entry(file).or_default();
            self.write_element(text, i, 0);
        }
        for r in &m.relationships {
            let file = file_of_folder(&self.top_folder(&r.identifier), "relations");
            let text = files.entry(file).or_default();
            self.write_relationship(text, r);
        }
        let mut view_names = Namer::default();
        for v in &m.views {
            let file = file_of_folder(&self.top_folder(&v.identifier), "views");
            let text = files.entry(file).or_default();
            self.write_view(text, v, &mut view_names);
        }
        let mut out: Vec<(String, String)> = Vec::new();
        for (path, body) in files {
            let text = format!("use archimate\n\n{body}");
            // The text is written to be in the canonical layout already; the
            // formatter settles what it cannot know (where long lists wrap).
            let text = match kozo_lang::format::format(&text, &FormatOptions::default()) {
                Ok(formatted) => formatted,
                Err(err) => {
                    self.report
                        .lost
                        .push(format!("`{path}` could not be formatted: {err}"));
                    text
                }
            };
            out.push((path, text));
        }
        out.push((
            "kozo.toml".into(),
            "# An ArchiMate model imported by `kozo import archimate`.\n".into(),
        ));
        out.push(("archimate.toml".into(), self.sidecar(&folder_files)));
        self.report.kept.push(
            "every identifier: the `archimate_id` property of each element, relationship and view"
                .into(),
        );
        self.report.kept.push(
            "the model's identifier, names, documentation, properties, property definitions and folder labels: `archimate.toml`".into(),
        );
        let report = self.report.to_markdown();
        out.push(("IMPORT.md".into(), report));
        out.sort();
        Imported {
            files: out,
            report: self.report,
        }
    }

    fn property_keys(&mut self) {
        let mut namer = Namer::default();
        for reserved in crate::export::MAPPED_KEYS {
            namer.reserve(reserved);
        }
        for d in &self.model.property_definitions {
            let name = preferred(&d.names, self.lang.as_deref()).unwrap_or("");
            let key = namer.name(name, "property");
            if key != name {
                self.report.kept.push(format!(
                    "the property `{}` is written with the key `{key}` (`archimate.toml` maps it back)",
                    name.replace('`', "'")
                ));
            }
            self.property_keys.insert(d.identifier.as_str(), key);
        }
    }

    fn folders(&mut self) {
        fn walk<'m>(
            items: &'m [Item],
            path: &mut Vec<String>,
            lang: Option<&str>,
            out: &mut HashMap<&'m str, Vec<String>>,
        ) {
            for item in items {
                match &item.identifier_ref {
                    Some(r) => {
                        out.insert(r.as_str(), path.clone());
                    }
                    None => {
                        path.push(
                            preferred(&item.labels, lang)
                                .unwrap_or("")
                                .replace('/', "∕"),
                        );
                        walk(&item.items, path, lang, out);
                        path.pop();
                    }
                }
            }
        }
        let mut out = HashMap::new();
        walk(
            &self.model.organizations,
            &mut Vec::new(),
            self.lang.as_deref(),
            &mut out,
        );
        self.folders = out;
        fn unsaid(items: &[Item], lang: Option<&str>, lost: &mut Vec<String>) {
            for item in items.iter().filter(|i| i.identifier_ref.is_none()) {
                let label = preferred(&item.labels, lang).unwrap_or("");
                if !item.documentation.is_empty() {
                    lost.push(format!("the documentation of the folder `{label}`"));
                }
                if item.labels.len() > 1 {
                    lost.push(format!("the folder `{label}`'s labels in other languages"));
                }
                unsaid(&item.items, lang, lost);
            }
        }
        unsaid(
            &self.model.organizations,
            self.lang.as_deref(),
            &mut self.report.lost,
        );
    }

    fn top_folder(&self, id: &str) -> String {
        self.folders
            .get(id)
            .and_then(|p| p.first().cloned())
            .unwrap_or_default()
    }

    /// An element drawn inside another element's node in every view that
    /// shows it, always the same one, is nested under it in kozo.
    fn nesting(&mut self) {
        let n = self.model.elements.len();
        // None: not seen yet; Some(None): seen at top level or under
        // different parents; Some(Some(p)): always under p.
        let mut seen: Vec<Option<Option<usize>>> = vec![None; n];
        fn walk(
            nodes: &[ViewNode],
            parent: Option<usize>,
            index: &HashMap<&str, usize>,
            seen: &mut Vec<Option<Option<usize>>>,
        ) {
            for node in nodes {
                match &node.content {
                    NodeContent::Element(r) => {
                        if let Some(&i) = index.get(r.as_str()) {
                            let here = parent.filter(|&p| p != i);
                            seen[i] = match seen[i] {
                                None => Some(here),
                                Some(before) if before == here => Some(here),
                                Some(_) => Some(None),
                            };
                            walk(&node.children, Some(i), index, seen);
                        }
                    }
                    _ => walk(&node.children, None, index, seen),
                }
            }
        }
        for v in &self.model.views {
            walk(&v.nodes, None, &self.element_index, &mut seen);
        }
        for (parent, seen) in self.parent.iter_mut().zip(&seen) {
            *parent = seen.flatten();
        }
        // Break cycles and cap the depth.
        for i in 0..n {
            let mut depth = 0;
            let mut at = i;
            while let Some(p) = self.parent[at] {
                depth += 1;
                if p == i || depth > MAX_DEPTH {
                    self.parent[at] = None;
                    break;
                }
                at = p;
            }
        }
        for i in 0..n {
            if let Some(p) = self.parent[i] {
                self.children[p].push(i);
            }
        }
    }

    fn element_names(&mut self) {
        let mut namer = Namer::default();
        for (i, e) in self.model.elements.iter().enumerate() {
            let name = preferred(&e.names, self.lang.as_deref()).unwrap_or("");
            let kind = types::element_by_xsi(&e.xsi_type).map_or("element", |t| t.kind);
            self.names[i] = namer.name(name, kind);
        }
        for i in 0..self.model.elements.len() {
            let mut chain = vec![i];
            let mut at = i;
            while let Some(p) = self.parent[at] {
                chain.push(p);
                at = p;
            }
            self.paths[i] = chain
                .iter()
                .rev()
                .map(|&c| self.names[c].as_str())
                .collect::<Vec<_>>()
                .join(".");
        }
    }

    fn path_of(&self, id: &str) -> Option<&str> {
        self.element_index.get(id).map(|&i| self.paths[i].as_str())
    }

    /// Doc comment, label translations, identifier and properties: the
    /// common part of every declaration.
    fn write_doc(&self, out: &mut String, docs: &[LangString], indent: &str) {
        if let Some(doc) = preferred(docs, self.lang.as_deref()) {
            for line in doc.lines() {
                let _ = writeln!(
                    out,
                    "{indent}///{}{}",
                    if line.is_empty() { "" } else { " " },
                    line
                );
            }
        }
    }

    fn head_label(&self, names: &[LangString]) -> String {
        preferred(names, self.lang.as_deref())
            .map(|n| format!(" {}", string(n)))
            .unwrap_or_default()
    }

    fn write_body_common(
        &mut self,
        out: &mut String,
        names: &[LangString],
        docs: &[LangString],
        properties: &[Property],
        identifier: &str,
        indent: &str,
    ) {
        let main = preferred(names, self.lang.as_deref());
        let mut main_done = false;
        for n in names {
            if !main_done && Some(n.text.as_str()) == main {
                main_done = true;
                continue;
            }
            match &n.lang {
                Some(lang) if is_lang(lang) => {
                    let _ = writeln!(out, "{indent}label {lang} {}", string(&n.text));
                }
                _ => self.report.lost.push(format!(
                    "`{identifier}`: the name {} has no usable language tag",
                    string(&n.text)
                )),
            }
        }
        let _ = writeln!(out, "{indent}archimate_id = {}", string(identifier));
        let main_doc = preferred(docs, self.lang.as_deref());
        let mut doc_done = false;
        for d in docs {
            if !doc_done && Some(d.text.as_str()) == main_doc {
                doc_done = true;
                continue;
            }
            match &d.lang {
                Some(lang) if is_lang(lang) => {
                    let _ = writeln!(
                        out,
                        "{indent}documentation_{} = {}",
                        identifier_lang(lang),
                        string(&d.text)
                    );
                }
                _ => self.report.lost.push(format!(
                    "`{identifier}`: a second documentation without a language tag"
                )),
            }
        }
        for p in properties {
            let Some(key) = self.property_keys.get(p.definition.as_str()) else {
                continue;
            };
            let value = preferred(&p.values, self.lang.as_deref()).unwrap_or("");
            let _ = writeln!(out, "{indent}{key} = {}", string(value));
            if p.values.len() > 1 {
                self.report.lost.push(format!(
                    "`{identifier}`: the property `{key}` has values in {} languages; only {} is kept",
                    p.values.len(),
                    string(value)
                ));
            }
        }
    }

    fn write_element(&mut self, out: &mut String, i: usize, depth: usize) {
        let m = self.model;
        let e = &m.elements[i];
        let indent = "  ".repeat(depth);
        let inner = "  ".repeat(depth + 1);
        let kind = types::element_by_xsi(&e.xsi_type).map_or("element", |t| t.kind);
        self.write_doc(out, &e.documentation, &indent);
        let _ = writeln!(
            out,
            "{indent}{kind} {}{} {{",
            self.names[i],
            self.head_label(&e.names)
        );
        self.write_body_common(
            out,
            &e.names,
            &e.documentation,
            &e.properties,
            &e.identifier,
            &inner,
        );
        if let Some(path) = self.folders.get(e.identifier.as_str()) {
            let top_of_root = {
                let mut root = i;
                while let Some(p) = self.parent[root] {
                    root = p;
                }
                self.top_folder(&m.elements[root].identifier)
            };
            if path.len() > 1 || path.first() != Some(&top_of_root) {
                let _ = writeln!(out, "{inner}folder = {}", string(&path.join("/")));
            }
        }
        let children = self.children[i].clone();
        for c in children {
            self.write_element(out, c, depth + 1);
        }
        let _ = writeln!(out, "{indent}}}\n");
    }

    fn write_relationship(&mut self, out: &mut String, r: &'m Relationship) {
        let (Some(source), Some(target)) = (self.path_of(&r.source), self.path_of(&r.target))
        else {
            return;
        };
        let (source, target) = (source.to_string(), target.to_string());
        let relation =
            types::relationship_by_xsi(&r.xsi_type).map_or("association", |t| t.relation);
        self.write_doc(out, &r.documentation, "");
        let _ = writeln!(
            out,
            "{source} -> {target} : {relation}{} {{",
            self.head_label(&r.names)
        );
        self.write_body_common(
            out,
            &r.names,
            &r.documentation,
            &r.properties,
            &r.identifier,
            "  ",
        );
        if let Some(a) = &r.access_type {
            let _ = writeln!(out, "  access = {}", string(a));
        }
        if let Some(s) = &r.modifier {
            let _ = writeln!(out, "  strength = {}", string(s));
        }
        if let Some(d) = r.is_directed {
            let _ = writeln!(
                out,
                "  directed = {}",
                string(if d { "true" } else { "false" })
            );
        }
        if let Some(path) = self.folders.get(r.identifier.as_str()) {
            if path.len() > 1 {
                let _ = writeln!(out, "  folder = {}", string(&path.join("/")));
            }
        }
        out.push_str("}\n\n");
    }

    fn write_view(&mut self, out: &mut String, v: &'m View, namer: &mut Namer) {
        let name = namer.name(
            preferred(&v.names, self.lang.as_deref()).unwrap_or(""),
            "view",
        );
        self.write_doc(out, &v.documentation, "");
        let _ = writeln!(out, "view {name}{} {{", self.head_label(&v.names));
        self.write_body_common(
            out,
            &v.names,
            &v.documentation,
            &v.properties,
            &v.identifier,
            "  ",
        );
        if let Some(vp) = &v.viewpoint {
            let _ = writeln!(out, "  archimate_viewpoint = {}", string(vp));
        }
        if let Some(path) = self.folders.get(v.identifier.as_str()) {
            if path.len() > 1 {
                let _ = writeln!(out, "  folder = {}", string(&path.join("/")));
            }
        }
        // The elements drawn, in drawing order, each once.
        let mut shown: Vec<usize> = Vec::new();
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let mut counts = (0usize, 0usize);
        self.collect_nodes(
            &v.nodes,
            None,
            &mut shown,
            &mut groups,
            &mut notes,
            &mut counts,
            v,
        );
        let mut seen = vec![false; self.model.elements.len()];
        shown.retain(|&i| !std::mem::replace(&mut seen[i], true));
        if !shown.is_empty() {
            let list: Vec<&str> = shown.iter().map(|&i| self.paths[i].as_str()).collect();
            let _ = writeln!(out, "  include {}", list.join(", "));
        }
        out.push_str("  implied off\n");
        // Relationships between two drawn elements that the view does not draw.
        let drawn: std::collections::HashSet<&str> = v
            .connections
            .iter()
            .filter_map(|c| c.relationship.as_deref())
            .collect();
        // Per pair and kind: whether some relationship is drawn, and whether some is not.
        let mut excluded: BTreeMap<(String, String, &str), (bool, bool)> = BTreeMap::new();
        for r in &self.model.relationships {
            let (Some(&s), Some(&t)) = (
                self.element_index.get(r.source.as_str()),
                self.element_index.get(r.target.as_str()),
            ) else {
                continue;
            };
            if !seen[s] || !seen[t] || s == t {
                continue;
            }
            let relation =
                types::relationship_by_xsi(&r.xsi_type).map_or("association", |t| t.relation);
            let key = (self.paths[s].clone(), self.paths[t].clone(), relation);
            let is_drawn = drawn.contains(r.identifier.as_str());
            let entry = excluded.entry(key).or_default();
            if is_drawn {
                entry.0 = true;
            } else {
                entry.1 = true;
            }
        }
        for ((s, t, relation), (some_drawn, some_not)) in &excluded {
            match (some_drawn, some_not) {
                (false, true) => {
                    let _ = writeln!(out, "  exclude {s} -> {t} : {relation}");
                }
                (true, true) => self.report.lost.push(format!(
                    "view `{}`: of the `{relation}` relationships from `{s}` to `{t}`, some are drawn and some not; kozo shows them all",
                    v.identifier
                )),
                _ => {}
            }
        }
        let lines = v
            .connections
            .iter()
            .filter(|c| c.relationship.is_none())
            .count();
        if lines > 0 {
            self.report.lost.push(format!(
                "view `{}`: {lines} plain line(s) (connections that draw no relationship)",
                v.identifier
            ));
        }
        let groups_total: usize = groups.iter().map(|(_, m)| m.len()).sum();
        let mut group_names = Namer::default();
        let mut grouped = vec![false; self.model.elements.len()];
        for (label, members) in &mut groups {
            members.retain(|&i| !std::mem::replace(&mut grouped[i], true));
            if members.is_empty() {
                continue;
            }
            let gname = group_names.name(label, "group");
            let list: Vec<&str> = members.iter().map(|&i| self.paths[i].as_str()).collect();
            let _ = writeln!(
                out,
                "  group {gname} {} {{ include {} }}",
                string(label),
                list.join(", ")
            );
        }
        for note in &notes {
            let _ = writeln!(out, "  note {}", string(note));
        }
        out.push_str("}\n\n");
        self.report.lost.push(format!(
            "view `{}`: the positions and sizes of its {} node(s) and the bendpoints of its {} connection(s) (kozo lays views out itself)",
            v.identifier, counts.0, v.connections.len()
        ));
        let overlapping: usize = groups_total - groups.iter().map(|(_, m)| m.len()).sum::<usize>();
        if overlapping > 0 {
            self.report.lost.push(format!(
                "view `{}`: {overlapping} element node(s) in more than one group or nesting kept in the first only (kozo's groups do not overlap)",
                v.identifier
            ));
        }
        if counts.1 > 0 {
            self.report.lost.push(format!(
                "view `{}`: {} nested element node(s) drawn as groups, since the nesting is not the same in every view",
                v.identifier, counts.1
            ));
        }
    }

    /// Walks a view's nodes: the elements it shows, its groups (containers,
    /// and elements drawn inside another element that is not their kozo
    /// parent) and its notes.
    #[allow(clippy::too_many_arguments)]
    fn collect_nodes(
        &mut self,
        nodes: &[ViewNode],
        enclosing: Option<usize>,
        shown: &mut Vec<usize>,
        groups: &mut Vec<(String, Vec<usize>)>,
        notes: &mut Vec<String>,
        counts: &mut (usize, usize),
        v: &View,
    ) {
        for node in nodes {
            counts.0 += 1;
            match &node.content {
                NodeContent::Element(r) => {
                    let Some(&i) = self.element_index.get(r.as_str()) else {
                        continue;
                    };
                    shown.push(i);
                    if let Some(p) = enclosing {
                        if self.parent[i] != Some(p) && p != i {
                            counts.1 += 1;
                            let label =
                                preferred(&self.model.elements[p].names, self.lang.as_deref())
                                    .unwrap_or("")
                                    .to_string();
                            match groups
                                .iter_mut()
                                .find(|(l, m)| l == &label && m.first() == Some(&p))
                            {
                                Some((_, members)) => members.push(i),
                                None => groups.push((label, vec![p, i])),
                            }
                        }
                    }
                    self.collect_nodes(&node.children, Some(i), shown, groups, notes, counts, v);
                }
                NodeContent::Container(labels) => {
                    let label = preferred(labels, self.lang.as_deref())
                        .unwrap_or("")
                        .to_string();
                    let mut inner = Vec::new();
                    let mut inner_groups = Vec::new();
                    self.collect_nodes(
                        &node.children,
                        None,
                        &mut inner,
                        &mut inner_groups,
                        notes,
                        counts,
                        v,
                    );
                    if !inner_groups.is_empty() {
                        self.report.lost.push(format!(
                            "view `{}`: groups inside the group `{}` are flattened",
                            v.identifier, label
                        ));
                    }
                    shown.extend(inner.iter().copied());
                    groups.push((label, inner));
                    groups.extend(inner_groups);
                }
                NodeContent::Label(texts) => {
                    notes.push(
                        preferred(texts, self.lang.as_deref())
                            .unwrap_or("")
                            .to_string(),
                    );
                    self.collect_nodes(&node.children, None, shown, groups, notes, counts, v);
                }
            }
        }
    }

    /// `archimate.toml`: what belongs to the model as a whole.
    fn sidecar(&self, folder_files: &BTreeMap<String, String>) -> String {
        let m = self.model;
        let mut out = String::from(
            "# What the ArchiMate exchange file said about the model as a whole, which\n\
             # no kozo declaration holds. `kozo export --format archimate` reads it back.\n\n",
        );
        let _ = writeln!(out, "identifier = {}", toml_str(&m.identifier));
        if let Some(lang) = &self.lang {
            let _ = writeln!(out, "lang = {}", toml_str(lang));
        }
        for (table, texts) in [("name", &m.names), ("documentation", &m.documentation)] {
            for t in texts {
                let _ = writeln!(out, "\n[[{table}]]");
                if let Some(l) = &t.lang {
                    let _ = writeln!(out, "lang = {}", toml_str(l));
                }
                let _ = writeln!(out, "text = {}", toml_str(&t.text));
            }
        }
        for p in &m.properties {
            let Some(key) = self.property_keys.get(p.definition.as_str()) else {
                continue;
            };
            for v in &p.values {
                let _ = writeln!(out, "\n[[property]]\nkey = {}", toml_str(key));
                if let Some(l) = &v.lang {
                    let _ = writeln!(out, "lang = {}", toml_str(l));
                }
                let _ = writeln!(out, "value = {}", toml_str(&v.text));
            }
        }
        for d in &m.property_definitions {
            let key = &self.property_keys[d.identifier.as_str()];
            let _ = writeln!(
                out,
                "\n[[property_definition]]\nkey = {}\nidentifier = {}\ntype = {}",
                toml_str(key),
                toml_str(&d.identifier),
                toml_str(&d.data_type)
            );
            for n in &d.names {
                let _ = writeln!(out, "[[property_definition.name]]");
                if let Some(l) = &n.lang {
                    let _ = writeln!(out, "lang = {}", toml_str(l));
                }
                let _ = writeln!(out, "text = {}", toml_str(&n.text));
            }
        }
        for (label, file) in folder_files {
            let _ = writeln!(
                out,
                "\n[[folder]]\nfile = {}\nlabel = {}",
                toml_str(file),
                toml_str(label)
            );
        }
        out
    }
}

/// A language tag kozo's `label LANG` takes (an identifier such as `ja`,
/// `en`, `pt_BR` is fine; `pt-BR` is written `pt_BR`).
fn is_lang(lang: &str) -> bool {
    !identifier_lang(lang).is_empty()
}

fn identifier_lang(lang: &str) -> String {
    lang.chars()
        .map(|c| if c == '-' { '_' } else { c })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// A TOML basic string.
pub(crate) fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
