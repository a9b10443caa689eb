//! Completion and `completionItem/resolve`: the engine's list as protocol
//! items, as small as the client lets them be.
//!
//! An answer can hold hundreds of items (up to [`COMPLETION_LIMIT`]), and
//! over stdio its cost grows with its size: the items are turned into a
//! JSON tree, then into text, written, and parsed by the editor. So what
//! every item would repeat is said once, when the client announces it can
//! take it (LSP 3.17):
//!
//! - the range every item replaces goes into the list's
//!   `itemDefaults.editRange` (client capability
//!   `completionList.itemDefaults` holding `editRange`), and an item whose
//!   text is its label then carries no `textEdit` at all;
//! - `detail` and `documentation` are left to `completionItem/resolve`
//!   (the editor shows them for the selected item only) when the client
//!   lists them in `completionItem.resolveSupport.properties`. The server
//!   keeps what it left out of its last few answers ([`Recent`]); an item
//!   names its answer in `data` (once, in `itemDefaults.data`, when the
//!   client takes that default) and its place in it by its `sortText`.
//!
//! A client that announces neither gets every item whole, as before. The
//! items, their order, labels, kinds, sort texts and preselection are the
//! same either way.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

use kozo_engine::ide;
use serde::Serialize;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types as lsp;

use crate::convert;
use crate::server::Backend;
use crate::snapshot::{answer, run};

/// The most items one completion answer carries. Past it, the engine
/// keeps only the items that start with what is typed, cut at this many,
/// and the list is marked incomplete so that the editor asks again as the
/// name grows: sending every top-level name of a 100k-element workspace
/// (thousands of items) took hundreds of milliseconds to write and to read.
pub const COMPLETION_LIMIT: usize = 500;

/// The method `textDocument/completion` requests are served under. The
/// protocol library answers `textDocument/completion` with its own list
/// type, which has no `itemDefaults`; `crate::Ordered` passes each such
/// request on under this name, to a handler that answers with
/// [`CompletionAnswer`]. Clients cannot call it themselves.
pub const ROUTE: &str = "kozo/internal/completion";

/// How many answers' left-out details are kept for `completionItem/resolve`.
/// The editor resolves items of the list it shows, which is the last
/// answer, or one of the few before it while newer ones are on their way
/// (an incomplete list is asked again at every keystroke).
const RECENT_ANSWERS: usize = 8;

/// What the client said, at `initialize`, it can take in completion
/// answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CompletionSupport {
    /// The range items share can be sent once (`itemDefaults.editRange`).
    pub default_edit_range: bool,
    /// The items' `data` can be sent once (`itemDefaults.data`).
    pub default_data: bool,
    /// `detail` can be left to `completionItem/resolve`.
    pub lazy_detail: bool,
    /// `documentation` can be left to `completionItem/resolve`.
    pub lazy_documentation: bool,
}

impl CompletionSupport {
    pub fn of(capabilities: &lsp::ClientCapabilities) -> CompletionSupport {
        let completion = capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref());
        let defaults: &[String] = completion
            .and_then(|c| c.completion_list.as_ref())
            .and_then(|l| l.item_defaults.as_deref())
            .unwrap_or_default();
        let lazy: &[String] = completion
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.resolve_support.as_ref())
            .map_or(&[], |r| r.properties.as_slice());
        let has = |list: &[String], name: &str| list.iter().any(|p| p == name);
        CompletionSupport {
            default_edit_range: has(defaults, "editRange"),
            default_data: has(defaults, "data"),
            lazy_detail: has(lazy, "detail"),
            lazy_documentation: has(lazy, "documentation"),
        }
    }

    /// Whether some answers leave parts to `completionItem/resolve` (the
    /// server then offers to resolve).
    pub fn resolves(&self) -> bool {
        self.lazy_detail || self.lazy_documentation
    }
}

/// A completion answer: a plain array of items when the list is complete
/// and nothing is said once for all items, else a list.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum CompletionAnswer {
    Items(Vec<lsp::CompletionItem>),
    List(CompletionList),
}

/// `CompletionList` of LSP 3.17, with `itemDefaults`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompletionList {
    pub is_incomplete: bool,
    #[serde(skip_serializing_if = "ItemDefaults::is_empty")]
    pub item_defaults: ItemDefaults,
    pub items: Vec<lsp::CompletionItem>,
}

/// What the items of a list share, said once.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemDefaults {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edit_range: Option<lsp::Range>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<u64>,
}

impl ItemDefaults {
    fn is_empty(&self) -> bool {
        self.edit_range.is_none() && self.data.is_none()
    }
}

/// What an answer left out of one item, for `completionItem/resolve`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct LeftOut {
    label: String,
    detail: Option<String>,
    documentation: Option<lsp::Documentation>,
}

/// What the last few answers left out, by answer.
#[derive(Debug, Default)]
pub struct Recent {
    /// The number the next answer that leaves something out is given.
    next: u64,
    /// The last [`RECENT_ANSWERS`] such answers, oldest first: each one's
    /// number and what it left out of each item, in the items' order.
    answers: VecDeque<(u64, Vec<LeftOut>)>,
}

impl Recent {
    /// Keeps what an answer left out; returns the answer's number.
    fn keep(&mut self, left_out: Vec<LeftOut>) -> u64 {
        let id = self.next;
        self.next += 1;
        if self.answers.len() == RECENT_ANSWERS {
            self.answers.pop_front();
        }
        self.answers.push_back((id, left_out));
        id
    }

    /// What the answer numbered `id` left out of its items, if kept.
    fn left_out(&self, id: u64) -> &[LeftOut] {
        self.answers
            .iter()
            .find(|(kept, _)| *kept == id)
            .map_or(&[], |(_, left_out)| left_out.as_slice())
    }

    /// Puts back what was left out of `item`, when its answer is still
    /// kept and the item is the one at its place there.
    fn resolve(&self, item: &mut lsp::CompletionItem) {
        let Some(id) = item.data.as_ref().and_then(serde_json::Value::as_u64) else {
            return;
        };
        let Some(index) = item
            .sort_text
            .as_deref()
            .and_then(|s| s.parse::<usize>().ok())
        else {
            return;
        };
        let Some(parts) = self
            .left_out(id)
            .get(index)
            .filter(|p| p.label == item.label)
        else {
            return;
        };
        if item.detail.is_none() {
            item.detail.clone_from(&parts.detail);
        }
        if item.documentation.is_none() {
            item.documentation.clone_from(&parts.documentation);
        }
    }
}

/// The recent answers' left-out parts, whatever a panic left behind: each
/// change to them is complete before anything that may panic.
fn recent(shared: &Mutex<Recent>) -> MutexGuard<'_, Recent> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub async fn completion(
    server: &Backend,
    params: lsp::CompletionParams,
) -> Result<Option<CompletionAnswer>> {
    let p = params.text_document_position;
    let at = server.at(&p.text_document.uri, Some(p.position))?;
    let support = at.snapshot.completion;
    let outcome = run(move || {
        let list =
            ide::completion_list(&at.snapshot.analysis, at.file, at.offset, COMPLETION_LIMIT);
        let lines = at.lines();
        build(&list, &lines, support)
    })
    .await;
    let (mut answer, left_out) = answer("textDocument/completion", outcome)?;
    if let Some(left_out) = left_out {
        let mut recent = recent(&server.shared.completions);
        let id = recent.keep(left_out);
        name_answer(&mut answer, recent.left_out(id), id, support);
    }
    Ok(Some(answer))
}

pub async fn resolve(
    server: &Backend,
    mut item: lsp::CompletionItem,
) -> Result<lsp::CompletionItem> {
    recent(&server.shared.completions).resolve(&mut item);
    Ok(item)
}

/// The answer for an engine list, and what it left out of its items for
/// `completionItem/resolve` (`None` when nothing).
fn build(
    list: &ide::CompletionList,
    lines: &convert::Lines<'_>,
    support: CompletionSupport,
) -> (CompletionAnswer, Option<Vec<LeftOut>>) {
    // Every item of an engine list replaces the same text; the range is
    // converted once per distinct span all the same.
    let mut ranges: Option<(kozo_lang::Span, lsp::Range)> = None;
    let mut range_of = |span: kozo_lang::Span| match ranges {
        Some((known, range)) if known == span => range,
        _ => {
            let range = lines.range(span);
            ranges = Some((span, range));
            range
        }
    };
    let default_range = list
        .items
        .first()
        .filter(|_| support.default_edit_range)
        .map(|first| range_of(first.replace));
    let mut left_out = Vec::new();
    let mut any_left_out = false;
    let items: Vec<lsp::CompletionItem> = list
        .items
        .iter()
        .enumerate()
        .map(|(index, engine_item)| {
            let range = range_of(engine_item.replace);
            let mut item = convert::completion_item(engine_item, index, range);
            if default_range == Some(range) && engine_item.insert_text == engine_item.label {
                // The client inserts the label over the default range.
                item.text_edit = None;
            }
            if support.resolves() {
                let mut parts = LeftOut {
                    label: item.label.clone(),
                    ..LeftOut::default()
                };
                if support.lazy_detail {
                    parts.detail = item.detail.take();
                }
                if support.lazy_documentation {
                    parts.documentation = item.documentation.take();
                }
                any_left_out |= parts.detail.is_some() || parts.documentation.is_some();
                left_out.push(parts);
            }
            item
        })
        .collect();
    let item_defaults = ItemDefaults {
        edit_range: default_range,
        data: None,
    };
    let answer = if list.incomplete || !item_defaults.is_empty() {
        CompletionAnswer::List(CompletionList {
            is_incomplete: list.incomplete,
            item_defaults,
            items,
        })
    } else {
        CompletionAnswer::Items(items)
    };
    (answer, any_left_out.then_some(left_out))
}

/// Gives the items whose parts were left out the number of the answer
/// they resolve from: once for all, or on each such item.
fn name_answer(
    answer: &mut CompletionAnswer,
    left_out: &[LeftOut],
    id: u64,
    support: CompletionSupport,
) {
    let items = match answer {
        CompletionAnswer::List(list) if support.default_data => {
            list.item_defaults.data = Some(id);
            return;
        }
        CompletionAnswer::List(list) => &mut list.items,
        CompletionAnswer::Items(items) => items,
    };
    for (item, parts) in items.iter_mut().zip(left_out) {
        if parts.detail.is_some() || parts.documentation.is_some() {
            item.data = Some(serde_json::Value::from(id));
        }
    }
}

#[cfg(test)]
mod tests {
    use kozo_lang::line_index::ColumnUnit;
    use kozo_lang::Span;
    use serde_json::json;

    use super::*;

    /// `駅舎` is two UTF-16 units and six bytes: ranges count units.
    const TEXT: &str = "dataset 駅舎\n駅舎 -> ds\n";

    fn engine_list(incomplete: bool) -> ide::CompletionList {
        let typed = TEXT.rfind("ds").unwrap();
        let replace = Span::new(typed, typed + 2);
        let item = |label: &str, detail: Option<&str>, doc: Option<&str>| ide::CompletionItem {
            label: label.to_string(),
            kind: ide::CompletionKind::Element,
            detail: detail.map(str::to_string),
            documentation: doc.map(str::to_string),
            replace,
            insert_text: label.to_string(),
            preselect: false,
        };
        ide::CompletionList {
            items: vec![
                item("ds_a", Some("dataset · A"), Some("The *first* one.")),
                item("ds_b", Some("dataset · B"), None),
                item("ds_c", None, None),
            ],
            incomplete,
        }
    }

    fn answer_json(list: &ide::CompletionList, support: CompletionSupport) -> serde_json::Value {
        let lines = convert::Lines::new(TEXT, ColumnUnit::Utf16);
        let (answer, _) = build(list, &lines, support);
        serde_json::to_value(answer).unwrap()
    }

    fn vscode() -> CompletionSupport {
        CompletionSupport {
            default_edit_range: true,
            default_data: true,
            lazy_detail: true,
            lazy_documentation: true,
        }
    }

    fn range() -> serde_json::Value {
        json!({ "start": { "line": 1, "character": 6 }, "end": { "line": 1, "character": 8 } })
    }

    #[test]
    fn the_support_is_read_from_the_client_capabilities() {
        let none: lsp::ClientCapabilities = serde_json::from_value(json!({})).unwrap();
        assert_eq!(CompletionSupport::of(&none), CompletionSupport::default());
        assert!(!CompletionSupport::default().resolves());
        let vscode_like: lsp::ClientCapabilities = serde_json::from_value(json!({
            "textDocument": { "completion": {
                "completionItem": { "resolveSupport": { "properties": ["documentation", "detail", "additionalTextEdits"] } },
                "completionList": { "itemDefaults": ["commitCharacters", "editRange", "insertTextFormat", "insertTextMode", "data"] }
            } }
        }))
        .unwrap();
        assert_eq!(CompletionSupport::of(&vscode_like), vscode());
        let range_only: lsp::ClientCapabilities = serde_json::from_value(json!({
            "textDocument": { "completion": { "completionList": { "itemDefaults": ["editRange"] } } }
        }))
        .unwrap();
        assert_eq!(
            CompletionSupport::of(&range_only),
            CompletionSupport {
                default_edit_range: true,
                ..CompletionSupport::default()
            }
        );
    }

    #[test]
    fn a_client_without_item_defaults_gets_every_item_whole() {
        let answer = answer_json(&engine_list(false), CompletionSupport::default());
        let edit = |label: &str| json!({ "range": range(), "newText": label });
        assert_eq!(
            answer,
            json!([
                {
                    "label": "ds_a", "kind": 6, "detail": "dataset · A",
                    "documentation": { "kind": "markdown", "value": "The *first* one." },
                    "sortText": "00000", "textEdit": edit("ds_a")
                },
                { "label": "ds_b", "kind": 6, "detail": "dataset · B", "sortText": "00001", "textEdit": edit("ds_b") },
                { "label": "ds_c", "kind": 6, "sortText": "00002", "textEdit": edit("ds_c") },
            ])
        );
        // An incomplete list says so, still without defaults.
        let answer = answer_json(&engine_list(true), CompletionSupport::default());
        assert_eq!(answer["isIncomplete"], json!(true));
        assert_eq!(answer.get("itemDefaults"), None);
        assert_eq!(answer["items"][2]["textEdit"], edit("ds_c"));
    }

    #[test]
    fn the_shared_range_is_sent_once_to_a_client_that_takes_it() {
        let support = CompletionSupport {
            default_edit_range: true,
            ..CompletionSupport::default()
        };
        let answer = answer_json(&engine_list(false), support);
        assert_eq!(
            answer,
            json!({
                "isIncomplete": false,
                "itemDefaults": { "editRange": range() },
                "items": [
                    {
                        "label": "ds_a", "kind": 6, "detail": "dataset · A",
                        "documentation": { "kind": "markdown", "value": "The *first* one." },
                        "sortText": "00000"
                    },
                    { "label": "ds_b", "kind": 6, "detail": "dataset · B", "sortText": "00001" },
                    { "label": "ds_c", "kind": 6, "sortText": "00002" },
                ]
            })
        );
    }

    #[test]
    fn an_item_unlike_the_default_keeps_its_own_edit() {
        let mut list = engine_list(false);
        list.items[1].insert_text = "ds_b.x".to_string();
        list.items[2].replace = Span::new(0, 7);
        let answer = answer_json(
            &list,
            CompletionSupport {
                default_edit_range: true,
                ..CompletionSupport::default()
            },
        );
        assert_eq!(answer["itemDefaults"]["editRange"], range());
        assert_eq!(answer["items"][0].get("textEdit"), None);
        assert_eq!(
            answer["items"][1]["textEdit"],
            json!({ "range": range(), "newText": "ds_b.x" })
        );
        assert_eq!(
            answer["items"][2]["textEdit"]["range"],
            json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 7 } })
        );
    }

    #[test]
    fn left_out_parts_come_back_on_resolve() {
        let lines = convert::Lines::new(TEXT, ColumnUnit::Utf16);
        let list = engine_list(true);
        let (mut answer, left_out) = build(&list, &lines, vscode());
        let mut recent = Recent::default();
        let id = recent.keep(left_out.expect("parts were left out"));
        name_answer(&mut answer, recent.left_out(id), id, vscode());
        let json = serde_json::to_value(&answer).unwrap();
        assert_eq!(
            json,
            json!({
                "isIncomplete": true,
                "itemDefaults": { "editRange": range(), "data": id },
                "items": [
                    { "label": "ds_a", "kind": 6, "sortText": "00000" },
                    { "label": "ds_b", "kind": 6, "sortText": "00001" },
                    { "label": "ds_c", "kind": 6, "sortText": "00002" },
                ]
            })
        );
        // The client sends an item back with the default data applied.
        let sent_back = |index: usize| -> lsp::CompletionItem {
            let mut item = json["items"][index].clone();
            item["data"] = json!(id);
            serde_json::from_value(item).unwrap()
        };
        let mut first = sent_back(0);
        recent.resolve(&mut first);
        assert_eq!(first.detail.as_deref(), Some("dataset · A"));
        assert_eq!(
            first.documentation,
            Some(lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: "The *first* one.".to_string()
            }))
        );
        let mut last = sent_back(2);
        recent.resolve(&mut last);
        assert_eq!((last.detail, last.documentation), (None, None));
        // An item that is not the one at its place, or of an answer no
        // longer kept, comes back as it was.
        let mut other = sent_back(1);
        other.label = "ds_x".to_string();
        recent.resolve(&mut other);
        assert_eq!(other.detail, None);
        for _ in 0..RECENT_ANSWERS {
            recent.keep(Vec::new());
        }
        let mut stale = sent_back(0);
        recent.resolve(&mut stale);
        assert_eq!(stale.detail, None);
    }

    #[test]
    fn without_the_data_default_each_item_left_short_names_its_answer() {
        let support = CompletionSupport {
            default_data: false,
            ..vscode()
        };
        let lines = convert::Lines::new(TEXT, ColumnUnit::Utf16);
        let (mut answer, left_out) = build(&engine_list(false), &lines, support);
        let mut recent = Recent::default();
        recent.keep(Vec::new());
        let id = recent.keep(left_out.unwrap());
        name_answer(&mut answer, recent.left_out(id), id, support);
        let json = serde_json::to_value(&answer).unwrap();
        assert_eq!(json["itemDefaults"], json!({ "editRange": range() }));
        assert_eq!(json["items"][0]["data"], json!(1));
        assert_eq!(json["items"][1]["data"], json!(1));
        // Nothing was left out of the last one.
        assert_eq!(json["items"][2].get("data"), None);
        let mut item: lsp::CompletionItem =
            serde_json::from_value(json["items"][1].clone()).unwrap();
        recent.resolve(&mut item);
        assert_eq!(item.detail.as_deref(), Some("dataset · B"));
    }
}
