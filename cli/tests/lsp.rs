//! End-to-end tests of `kozo lsp`: each starts the real binary and speaks
//! JSON-RPC to it over stdio through the small client in `lsp/client.rs`.

#[path = "lsp/client.rs"]
mod client;

use std::path::Path;

use client::{apply_edits, pos, position_of, uri, vscode_completion, workspace, Client, Options};
use serde_json::{json, Value};

fn kozo() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_kozo"))
}

fn start(root: &Path) -> Client {
    Client::start(kozo(), root, Options::default())
}

fn codes(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The position of the first occurrence of `needle` in `text` (UTF-16).
fn at(text: &str, needle: &str) -> Value {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"));
    position_of(text, offset, false)
}

fn change(uri: &str, version: i32, range: Value, text: &str) -> Value {
    json!({
        "textDocument": { "uri": uri, "version": version },
        "contentChanges": [{ "range": range, "text": text }]
    })
}

fn range(start: Value, end: Value) -> Value {
    json!({ "start": start, "end": end })
}

const MODEL: &str = "use society5\n// The building's systems.\nsystem bms \"Building management\" {\n  component hvac\n}\ndataset occupancy \"Occupancy counts\"\nbms.hvac -> occupancy : flows\nview building { include bms, bms.*, occupancy }\n";

#[test]
fn diagnostics_appear_and_clear() {
    let (_dir, root) = workspace(&[("model.kozo", MODEL)]);
    let mut client = start(&root);
    let path = root.join("model.kozo");
    let uri = client.open(&path, MODEL);
    assert_eq!(
        client.diagnostics_until(&uri, |_| true),
        Vec::<Value>::new()
    );

    // Misspell `occupancy` in the relationship.
    let typo = MODEL.find("-> occupancy").unwrap() + 3;
    let start = position_of(MODEL, typo, false);
    let end = position_of(MODEL, typo + 2, false);
    client.notify(
        "textDocument/didChange",
        change(&uri, 2, range(start.clone(), end), "o"),
    );
    let found = client.diagnostics_until(&uri, |list| !list.is_empty());
    let d = found
        .iter()
        .find(|d| d["code"] == "undefined-reference")
        .unwrap_or_else(|| panic!("no undefined-reference in {found:?}"));
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "kozo");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `occupancy`"),
        "{d}"
    );
    let href = d["codeDescription"]["href"].as_str().unwrap();
    // The link names a file holding only this rule's explanation, so an
    // editor opens it on the rule.
    assert!(href.ends_with("/rules/undefined-reference.md"), "{href}");
    let explanation = std::fs::read_to_string(href.trim_start_matches("file://")).unwrap();
    assert!(
        explanation.starts_with("## undefined-reference"),
        "{explanation}"
    );
    assert!(!explanation.contains("## cycle"));
    assert_eq!(
        d["range"],
        range(start.clone(), position_of(MODEL, typo + 8, false))
    );

    // Fix it: the list empties.
    let end = position_of(MODEL, typo + 1, false);
    client.notify(
        "textDocument/didChange",
        change(&uri, 3, range(start, end), "oc"),
    );
    client.diagnostics_until(&uri, |list| list.is_empty());
    // It emptied because the text is fixed (the edit applied where it was
    // meant to), not because the document was dropped.
    let text = client
        .request("kozo/debugText", json!({ "uri": uri }))
        .unwrap();
    assert_eq!(text["version"], 3);
    assert_eq!(text["text"].as_str().unwrap(), MODEL);
    client.shutdown();
}

/// A file's findings are converted again when what the conversion reads
/// changes, even though their list did not: here the place a message
/// names, in another file, moved one line down by an edit that changes no
/// byte offset (a space made a line break), so that every finding of the
/// workspace is what it was.
#[test]
fn a_message_naming_a_moved_place_in_another_file_is_published_again() {
    let a = "use society5 \nsystem dup\n";
    let b = "system dup\nsystem other\n";
    let (_dir, root) = workspace(&[("a.kozo", a), ("b.kozo", b)]);
    let mut client = start(&root);
    let a_uri = client.open(&root.join("a.kozo"), a);
    let b_uri = client.open(&root.join("b.kozo"), b);
    let names = |list: &[Value], place: &str| {
        list.iter().any(|d| {
            d["code"] == "duplicate-definition"
                && d["message"].as_str().unwrap_or("").contains(place)
        })
    };
    client.diagnostics_until(&b_uri, |list| names(list, "a.kozo:2:8"));
    client.notify(
        "textDocument/didChange",
        change(&a_uri, 2, range(pos(0, 12), pos(0, 13)), "\n"),
    );
    client.diagnostics_until(&b_uri, |list| names(list, "a.kozo:3:8"));
    // And back.
    client.notify(
        "textDocument/didChange",
        change(&a_uri, 3, range(pos(0, 12), pos(1, 0)), " "),
    );
    client.diagnostics_until(&b_uri, |list| names(list, "a.kozo:2:8"));
    client.shutdown();
}

/// Documents opened as they are on disk, while the first check of their
/// workspace runs, are not analysed again: each gets one list, the check's
/// findings, under its version.
#[test]
fn documents_opened_as_on_disk_get_the_first_check_s_findings_once() {
    // Enough elements that the first check is likely still running when
    // the documents are opened (either way the answers are the same).
    let bulk: String = (0..3000)
        .map(|i| format!("system s{i} \"System {i}\" {{\n  component c\n}}\n"))
        .collect();
    let broken = MODEL.replace("-> occupancy", "-> ocupancy");
    let clean = "// Nothing is declared here yet.\n";
    let (_dir, root) = workspace(&[
        ("bulk.kozo", &bulk),
        ("broken.kozo", &broken),
        ("clean.kozo", clean),
    ]);
    let mut client = start(&root);
    let broken_uri = client.open(&root.join("broken.kozo"), &broken);
    let clean_path = root.join("clean.kozo");
    let clean_uri = uri(&clean_path);
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": clean_uri, "languageId": "kozo", "version": 7, "text": clean } }),
    );
    let found = client.diagnostics_until(&broken_uri, |list| !list.is_empty());
    assert!(
        codes(&found).contains(&"undefined-reference".to_string()),
        "{found:?}"
    );
    let published = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == clean_uri
    });
    assert_eq!(published["params"]["diagnostics"], json!([]));
    assert_eq!(published["params"]["version"], 7);
    // Nothing more comes for either document.
    while client
        .next_message(std::time::Duration::from_millis(500))
        .is_some()
    {}
    assert_eq!(
        client.publish_count[&broken_uri], 1,
        "{:?}",
        client.publish_count
    );
    assert_eq!(
        client.publish_count[&clean_uri], 1,
        "{:?}",
        client.publish_count
    );
    client.shutdown();
}

/// A client that supports work-done progress sees the first check of the
/// workspace as `$/progress`: a token the server creates, then begin, a
/// report per workspace and end, with the diagnostics published before the
/// end.
#[test]
fn the_first_check_reports_progress() {
    let (_dir, root) = workspace(&[
        ("a.kozo", "system a\na -> nowhere\n"),
        ("b.kozo", "system b\n"),
    ]);
    let options = Options {
        work_done_progress: true,
        ..Options::default()
    };
    let mut client = Client::start(kozo(), &root, options);
    let create = client.wait_for(|m| m["method"] == "window/workDoneProgress/create");
    let token = create["params"]["token"].clone();
    let mut kinds = Vec::new();
    while kinds.last().map(String::as_str) != Some("end") {
        let message = client.wait_for(|m| m["method"] == "$/progress");
        assert_eq!(message["params"]["token"], token);
        let value = &message["params"]["value"];
        kinds.push(value["kind"].as_str().unwrap().to_string());
        if value["kind"] == "begin" {
            assert_eq!(value["message"], "checking 2 files");
        }
        if value["kind"] == "end" {
            // Every file's findings were published before the end.
            let a = uri(&root.join("a.kozo"));
            assert!(
                client.diagnostics.get(&a).is_some_and(|d| !d.is_empty()),
                "{:?}",
                client.diagnostics
            );
        }
    }
    assert_eq!(kinds, ["begin", "report", "end"]);
    client.shutdown();
}

/// The same for the built-in ArchiMate metamodel: go to definition on an
/// ArchiMate kind lands in the client's `kozo:` document, whose text the
/// server serves and on which it answers hovers.
#[test]
fn the_archimate_metamodel_under_the_client_s_own_uri() {
    let a = "use archimate\nnode server\nsystem_software os\nos -> server : assignment\n";
    let (_dir, root) = workspace(&[("a.kozo", a)]);
    let options = Options {
        initialization_options: Some(json!({
            "builtinUri": "kozo:/builtin/society5.kozo",
            "archimateUri": "kozo:/builtin/archimate.kozo"
        })),
        ..Options::default()
    };
    let mut client = Client::start(kozo(), &root, options);
    let a_uri = client.open(&root.join("a.kozo"), a);
    let definition = client
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": a_uri }, "position": at(a, "node") }),
        )
        .unwrap();
    assert_eq!(definition["uri"], "kozo:/builtin/archimate.kozo");
    let builtin = client
        .request(
            "kozo/supportText",
            json!({ "path": "/builtin/archimate.kozo" }),
        )
        .unwrap();
    let text = builtin["text"].as_str().unwrap();
    let line = definition["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(
        text.lines().nth(line).unwrap().contains("kind node"),
        "{:?}",
        text.lines().nth(line)
    );
    let hover = client
        .request(
            "textDocument/hover",
            json!({
                "textDocument": { "uri": "kozo:/builtin/archimate.kozo" },
                "position": definition["range"]["start"]
            }),
        )
        .unwrap();
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("node"), "{shown}");
    client.shutdown();
}

/// A client that shows support files without a file (the VS Code
/// extension's `kozo:` documents) names their URIs; the server answers in
/// those URIs, serves their texts, and answers requests on them.
#[test]
fn support_files_under_the_client_s_own_uris() {
    let a = "use society5\nsystem bms\nbms -> bms : flowz\n";
    let (_dir, root) = workspace(&[("a.kozo", a)]);
    let options = Options {
        initialization_options: Some(json!({
            "builtinUri": "kozo:/builtin/society5.kozo",
            "rulesUrl": "kozo:/rules/{rule}.md"
        })),
        ..Options::default()
    };
    let mut client = Client::start(kozo(), &root, options);
    let a_uri = client.open(&root.join("a.kozo"), a);
    let found = client.diagnostics_until(&a_uri, |list| !list.is_empty());
    let d = found
        .iter()
        .find(|d| d["code"] == "undefined-reference")
        .unwrap_or_else(|| panic!("no undefined-reference in {found:?}"));
    assert_eq!(
        d["codeDescription"]["href"],
        "kozo:/rules/undefined-reference.md"
    );
    let rule = client
        .request(
            "kozo/supportText",
            json!({ "path": "/rules/undefined-reference.md" }),
        )
        .unwrap();
    assert!(rule["text"]
        .as_str()
        .unwrap()
        .starts_with("## undefined-reference"));
    let missing = client
        .request(
            "kozo/supportText",
            json!({ "path": "/rules/../../etc/passwd" }),
        )
        .unwrap_err();
    assert!(missing["message"]
        .as_str()
        .unwrap()
        .contains("no support file"));

    let definition = client
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": a_uri }, "position": at(a, "system") }),
        )
        .unwrap();
    assert_eq!(definition["uri"], "kozo:/builtin/society5.kozo");
    let builtin = client
        .request(
            "kozo/supportText",
            json!({ "path": "/builtin/society5.kozo" }),
        )
        .unwrap();
    let text = builtin["text"].as_str().unwrap();
    let line = definition["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(text.lines().nth(line).unwrap().contains("system"));
    // Requests on the client's document of the metamodel are answered.
    let hover = client
        .request(
            "textDocument/hover",
            json!({
                "textDocument": { "uri": "kozo:/builtin/society5.kozo" },
                "position": definition["range"]["start"]
            }),
        )
        .unwrap();
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("system"));
    client.shutdown();
}

#[test]
fn definition_across_files_and_into_the_builtin_metamodel() {
    let a = "use society5\nsystem bms {\n  component edge_gw\n}\n";
    let b = "dataset occupancy\nbms.edge_gw -> occupancy : flows\n";
    let (_dir, root) = workspace(&[("a.kozo", a), ("b.kozo", b)]);
    let mut client = start(&root);
    // b.kozo is opened; a.kozo is only on disk.
    let b_uri = client.open(&root.join("b.kozo"), b);
    let found = client
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": b_uri }, "position": at(b, "edge_gw") }),
        )
        .unwrap();
    assert_eq!(found["uri"], uri(&root.join("a.kozo")));
    assert_eq!(found["range"], range(pos(2, 12), pos(2, 19)));

    let builtin = client
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": b_uri }, "position": at(b, "flows") }),
        )
        .unwrap();
    let builtin_uri = builtin["uri"].as_str().unwrap();
    assert!(builtin_uri.ends_with("/society5.kozo"), "{builtin_uri}");
    let path = builtin_uri.trim_start_matches("file://");
    let text = std::fs::read_to_string(path).unwrap();
    let line = builtin["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(text
        .lines()
        .nth(line)
        .unwrap()
        .starts_with("relation flows"));
    assert!(std::fs::metadata(path).unwrap().permissions().readonly());

    // The read-only copy answers requests too, from the workspace using it.
    client.open(Path::new(path), &text);
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": builtin_uri }, "position": builtin["range"]["start"] }),
        )
        .unwrap();
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("relation flows"));
    client.shutdown();
}

#[test]
fn definition_into_the_archimate_metamodel() {
    let a =
        "use archimate\nbusiness_actor clerk\nbusiness_role teller\nclerk -> teller : assignment\n";
    let (_dir, root) = workspace(&[("a.kozo", a)]);
    let mut client = start(&root);
    let a_uri = client.open(&root.join("a.kozo"), a);
    let found = client
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": a_uri }, "position": at(a, "assignment") }),
        )
        .unwrap();
    let found_uri = found["uri"].as_str().unwrap();
    assert!(found_uri.ends_with("/archimate.kozo"), "{found_uri}");
    let path = found_uri.trim_start_matches("file://");
    let text = std::fs::read_to_string(path).unwrap();
    let line = found["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(text
        .lines()
        .nth(line)
        .unwrap()
        .starts_with("relation assignment"));
    assert!(std::fs::metadata(path).unwrap().permissions().readonly());
    client.shutdown();
}

#[test]
fn rename_across_files_keeps_every_comment() {
    let a = "use society5\n/// occupancy per floor (occupancy!)\ndataset occupancy \"occupancy\" // occupancy\n";
    let b = "// occupancy flows from the gateway\nsystem bms { component gw }\nbms.gw -> occupancy : flows /* occupancy */\nview v { include occupancy } // occupancy\n";
    let (_dir, root) = workspace(&[("a.kozo", a), ("b.kozo", b)]);
    let mut client = start(&root);
    let b_uri = client.open(&root.join("b.kozo"), b);
    let position = at(b, "occupancy :");
    let prepared = client
        .request(
            "textDocument/prepareRename",
            json!({ "textDocument": { "uri": b_uri }, "position": position }),
        )
        .unwrap();
    assert_eq!(prepared["placeholder"], "occupancy");

    let edit = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": b_uri }, "position": position, "newName": "presence" }),
        )
        .unwrap();
    let changes = edit["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 2);
    let a_after = apply_edits(
        a,
        changes[&uri(&root.join("a.kozo"))].as_array().unwrap(),
        false,
    );
    let b_after = apply_edits(b, changes[&b_uri].as_array().unwrap(), false);
    assert_eq!(
        a_after,
        "use society5\n/// occupancy per floor (occupancy!)\ndataset presence \"occupancy\" // occupancy\n"
    );
    assert_eq!(
        b_after,
        "// occupancy flows from the gateway\nsystem bms { component gw }\nbms.gw -> presence : flows /* occupancy */\nview v { include presence } // occupancy\n"
    );

    // Keywords, invalid names and collisions are refused with a reason.
    for (new_name, reason) in [
        ("view", "is a keyword"),
        ("9lives", "not a valid name"),
        ("bms", "already exists"),
    ] {
        let error = client
            .request(
                "textDocument/rename",
                json!({ "textDocument": { "uri": b_uri }, "position": position, "newName": new_name }),
            )
            .unwrap_err();
        assert!(
            error["message"].as_str().unwrap().contains(reason),
            "{new_name}: {error}"
        );
    }
    client.shutdown();
}

#[test]
fn definition_and_rename_through_an_ancestor() {
    // Inside `api`, `台帳` is found at `会計`'s level (nearest wins).
    let text = "use society5\nsystem 会計 {\n  component 台帳\n  component api {\n    component 保安\n    保安 -> 台帳 : flows\n  }\n}\nview v { include 会計.** }\n";
    let (_dir, root) = workspace(&[("a.kozo", text)]);
    let mut client = start(&root);
    let file = client.open(&root.join("a.kozo"), text);
    let position = at(text, "台帳 : flows");
    let found = client
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": file }, "position": position }),
        )
        .unwrap();
    assert_eq!(found["uri"], file);
    assert_eq!(found["range"], range(pos(2, 12), pos(2, 14)));

    let edit = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": file }, "position": position, "newName": "元帳" }),
        )
        .unwrap();
    let after = apply_edits(text, edit["changes"][&file].as_array().unwrap(), false);
    assert_eq!(after, text.replace("台帳", "元帳"));
    client.shutdown();
}

#[test]
fn one_name_in_three_spaces_definition_and_rename_keep_them_apart() {
    // The concern, the stakeholder and the organization are all `市`.
    let a = "use society5\nconcern 市 \"市の関心\"\nstakeholder 市 { concerns 市 }\nviewpoint vp { frames 市 }\n";
    let b = "organization 市 { system 窓口 }\nview v of vp { include 市, 市.窓口 }\n";
    let (_dir, root) = workspace(&[("a.kozo", a), ("b.kozo", b)]);
    let mut client = start(&root);
    let a_uri = client.open(&root.join("a.kozo"), a);
    let b_uri = client.open(&root.join("b.kozo"), b);
    let definition = |client: &mut Client, uri: &str, position: Value| {
        client
            .request(
                "textDocument/definition",
                json!({ "textDocument": { "uri": uri }, "position": position }),
            )
            .unwrap()
    };
    // `concerns 市` goes to the concern, `include 市` to the organization.
    let concern = definition(&mut client, &a_uri, at(a, "市 }"));
    assert_eq!(concern["uri"], a_uri);
    assert_eq!(concern["range"], range(pos(1, 8), pos(1, 9)));
    let element = definition(&mut client, &b_uri, at(b, "市, "));
    assert_eq!(element["uri"], b_uri);
    assert_eq!(element["range"], range(pos(0, 13), pos(0, 14)));

    // Renaming the concern from its use leaves the stakeholder and the
    // organization alone.
    let edit = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": a_uri }, "position": at(a, "市 }"), "newName": "安全" }),
        )
        .unwrap();
    let changes = edit["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 1, "{edit}");
    assert_eq!(
        apply_edits(a, changes[&a_uri].as_array().unwrap(), false),
        "use society5\nconcern 安全 \"市の関心\"\nstakeholder 市 { concerns 安全 }\nviewpoint vp { frames 安全 }\n"
    );

    // Renaming the organization from a view renames its uses only.
    let edit = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": b_uri }, "position": at(b, "市, "), "newName": "市役所" }),
        )
        .unwrap();
    let changes = edit["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 1, "{edit}");
    assert_eq!(
        apply_edits(b, changes[&b_uri].as_array().unwrap(), false),
        "organization 市役所 { system 窓口 }\nview v of vp { include 市役所, 市役所.窓口 }\n"
    );
    client.shutdown();
}

/// A tiny deterministic generator (xorshift), so the edits are the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn two_hundred_rapid_incremental_edits_give_the_reference_text() {
    let (_dir, root) = workspace(&[("model.kozo", MODEL)]);
    let mut client = start(&root);
    let uri = client.open(&root.join("model.kozo"), MODEL);
    let mut reference = MODEL.to_string();
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let pieces = ["a", "建", "\n", "->", "𝒳", " ", "// c\n", "\"ビル\"", ""];
    let mut hovers = Vec::new();
    for version in 2..202 {
        // A random range on char boundaries, replaced by a random piece.
        let chars: Vec<usize> = reference
            .char_indices()
            .map(|(i, _)| i)
            .chain([reference.len()])
            .collect();
        let a = chars[rng.below(chars.len())];
        let b = chars[rng.below(chars.len())];
        let (start, end) = (a.min(b), a.max(b));
        let end = chars
            .iter()
            .copied()
            .find(|&c| c >= end && c <= start + 12)
            .unwrap_or(start);
        let piece = pieces[rng.below(pieces.len())];
        let r = range(
            position_of(&reference, start, false),
            position_of(&reference, end, false),
        );
        reference.replace_range(start..end, piece);
        client.notify("textDocument/didChange", change(&uri, version, r, piece));
        if version % 40 == 0 {
            // Requests in the middle of the stream: answered, or ContentModified.
            hovers.push(client.request_async(
                "textDocument/hover",
                json!({ "textDocument": { "uri": uri }, "position": pos(0, 1) }),
            ));
        }
    }
    for id in hovers {
        if let Err(error) = client.response(id) {
            assert_eq!(error["code"], -32801, "{error}");
        }
    }
    let text = client
        .request("kozo/debugText", json!({ "uri": uri }))
        .unwrap();
    assert_eq!(text["version"], 201);
    assert_eq!(text["text"].as_str().unwrap(), reference);
    // The diagnostics are those of the final text, as `kozo check` finds them.
    let expected: Vec<(String, String)> = {
        let (_check_dir, check_root) = workspace(&[("model.kozo", reference.as_str())]);
        let out = std::process::Command::new(kozo())
            .args(["check", "--format", "json"])
            .arg(&check_root)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut found: Vec<(String, String)> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_string(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        found.sort();
        found
    };
    let summary = |list: &[Value]| {
        let mut found: Vec<(String, String)> = list
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        found.sort();
        found
    };
    let published = client.diagnostics_until(&uri, |list| summary(list) == expected);
    assert_eq!(summary(&published), expected);
    client.shutdown();
}

/// Japanese text before a reference: every range must point at the same
/// characters whichever encoding is negotiated.
fn japanese(utf8: bool) {
    let text = "use society5\nsystem 建物 \"ビル管理システム\" { label ja \"建物の管理\" component 空調 }\ndataset 在室 \"在室人数\"\n/* 日本語のコメント */ 建物.空調 -> 在室 : flows \"5分ごと\"\n建物.空調 -> 在室x : flows\n";
    let (_dir, root) = workspace(&[("model.kozo", text)]);
    let mut client = Client::start(
        kozo(),
        &root,
        Options {
            utf8,
            ..Options::default()
        },
    );
    let encoding = &client.initialize_result["capabilities"]["positionEncoding"];
    assert_eq!(encoding, if utf8 { "utf-8" } else { "utf-16" });
    let uri = client.open(&root.join("model.kozo"), text);
    let found = client.diagnostics_until(&uri, |list| {
        list.iter().any(|d| d["code"] == "undefined-reference")
    });
    let d = found
        .iter()
        .find(|d| d["code"] == "undefined-reference")
        .unwrap();
    let start = client::offset(text, &d["range"]["start"], utf8);
    let end = client::offset(text, &d["range"]["end"], utf8);
    assert_eq!(&text[start..end], "在室x");

    // Definition from the reference after the comment and the labels.
    let reference = text.find("在室 : flows").unwrap();
    let definition = client
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": uri }, "position": position_of(text, reference + 3, utf8) }),
        )
        .unwrap();
    let start = client::offset(text, &definition["range"]["start"], utf8);
    let end = client::offset(text, &definition["range"]["end"], utf8);
    assert_eq!(&text[start..end], "在室");
    assert_eq!(start, text.find("在室 \"").unwrap());

    // Hover on the child segment of a path.
    let child = text.find("空調 -> 在室 :").unwrap();
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": position_of(text, child, utf8) }),
        )
        .unwrap();
    let start = client::offset(text, &hover["range"]["start"], utf8);
    let end = client::offset(text, &hover["range"]["end"], utf8);
    assert_eq!(&text[start..end], "空調");
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("component 建物.空調"));

    // An edit after Japanese text lands where it should.
    let after = text.find("\"5分ごと\"").unwrap();
    client.notify(
        "textDocument/didChange",
        change(
            &uri,
            2,
            range(
                position_of(text, after + 1, utf8),
                position_of(text, after + 2, utf8),
            ),
            "10",
        ),
    );
    let now = client
        .request("kozo/debugText", json!({ "uri": uri }))
        .unwrap();
    assert_eq!(
        now["text"].as_str().unwrap(),
        text.replacen("\"5分ごと\"", "\"10分ごと\"", 1)
    );
    client.shutdown();
}

#[test]
fn japanese_text_with_utf16_positions() {
    japanese(false);
}

#[test]
fn japanese_text_with_utf8_positions() {
    japanese(true);
}

#[test]
fn a_file_changed_on_disk_while_closed_updates_diagnostics() {
    let other = "system standalone\n";
    let (_dir, root) = workspace(&[("model.kozo", MODEL), ("other.kozo", other)]);
    let mut client = start(&root);
    let model_uri = client.open(&root.join("model.kozo"), MODEL);
    client.diagnostics_until(&model_uri, |_| true);
    let other_path = root.join("other.kozo");
    let other_uri = uri(&other_path);

    // Changed outside the editor: a typo appears.
    std::fs::write(&other_path, "system standalone\nstandalone -> nowhere\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": other_uri, "type": 2 }] }),
    );
    let found = client.diagnostics_until(&other_uri, |list| {
        list.iter().any(|d| d["code"] == "undefined-reference")
    });
    let undefined = found
        .iter()
        .find(|d| d["code"] == "undefined-reference")
        .unwrap();
    assert_eq!(undefined["range"], range(pos(1, 14), pos(1, 21)));

    // A new file that declares the missing element fixes it.
    let created = root.join("more.kozo");
    std::fs::write(&created, "system nowhere\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&created), "type": 1 }] }),
    );
    client.diagnostics_until(&other_uri, |list| {
        !list.iter().any(|d| d["code"] == "undefined-reference")
    });

    // Deleted: its findings go with it.
    std::fs::remove_file(&other_path).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": other_uri, "type": 3 }] }),
    );
    client.diagnostics_until(&other_uri, |list| list.is_empty());

    // kozo.toml: turning a rule off removes its findings.
    let more_uri = uri(&created);
    client.diagnostics_until(&more_uri, |list| {
        list.iter().any(|d| d["code"] == "element-not-in-view")
    });
    std::fs::write(
        root.join("kozo.toml"),
        "[rules]\nelement-not-in-view = \"off\"\n",
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&root.join("kozo.toml")), "type": 2 }] }),
    );
    client.diagnostics_until(&more_uri, |list| {
        !list.iter().any(|d| d["code"] == "element-not-in-view")
    });
    client.shutdown();
}

#[test]
fn hover_shows_kind_layer_labels_relationships_and_views() {
    let text = "use society5\n/// Runs the building.\nsystem bms \"Building management\" {\n  label ja \"ビル管理\"\n}\ndataset occupancy\nbms -> occupancy : flows \"counts\"\nview v { include bms }\n";
    let (_dir, root) = workspace(&[("model.kozo", text)]);
    let mut client = start(&root);
    let uri = client.open(&root.join("model.kozo"), text);
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": at(text, "bms ->") }),
        )
        .unwrap();
    let value = hover["contents"]["value"].as_str().unwrap();
    for part in [
        "system bms \"Building management\"",
        "`system` (System)",
        "layer: `function`",
        "Label (ja): ビル管理",
        "Runs the building.",
        "→ `occupancy` *flows* \"counts\"",
        "**In views** (1)",
    ] {
        assert!(value.contains(part), "{part} not in:\n{value}");
    }
    assert_eq!(hover["contents"]["kind"], "markdown");
    // Off a name: nothing.
    let nothing = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": pos(1, 3) }),
        )
        .unwrap();
    assert_eq!(nothing, Value::Null);
    client.shutdown();
}

#[test]
fn references_and_highlights() {
    let a = "use society5\ndataset occupancy\n";
    let b = "system s\ns -> occupancy : flows\nview v { include occupancy, s }\n";
    let (_dir, root) = workspace(&[("a.kozo", a), ("b.kozo", b)]);
    let mut client = start(&root);
    let b_uri = client.open(&root.join("b.kozo"), b);
    let found = client
        .request(
            "textDocument/references",
            json!({ "textDocument": { "uri": b_uri }, "position": at(b, "occupancy"), "context": { "includeDeclaration": true } }),
        )
        .unwrap();
    let places: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let file = l["uri"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            format!(
                "{file}:{}:{}",
                l["range"]["start"]["line"], l["range"]["start"]["character"]
            )
        })
        .collect();
    assert_eq!(places, ["a.kozo:1:8", "b.kozo:1:5", "b.kozo:2:17"]);

    let highlights = client
        .request(
            "textDocument/documentHighlight",
            json!({ "textDocument": { "uri": b_uri }, "position": at(b, "s ->") }),
        )
        .unwrap();
    let kinds: Vec<(u64, u64)> = highlights
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["range"]["start"]["line"].as_u64().unwrap(),
                h["kind"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds, [(0, 3), (1, 2), (2, 2)]);
    client.shutdown();
}

#[test]
fn document_and_workspace_symbols() {
    let text = "use society5\nsystem bms {\n  component hvac\n  hvac -> bms\n}\nconcern privacy\n";
    let (_dir, root) = workspace(&[("model.kozo", text), ("more.kozo", "dataset hvac_log\n")]);
    let mut client = start(&root);
    let uri = client.open(&root.join("model.kozo"), text);
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["society5", "bms", "privacy"]);
    let bms = &symbols[1];
    let children: Vec<&str> = bms["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["hvac", "hvac -> bms"]);
    assert_eq!(bms["range"], range(pos(1, 0), pos(4, 1)));
    assert_eq!(bms["selectionRange"], range(pos(1, 7), pos(1, 10)));

    let found = client
        .request("workspace/symbol", json!({ "query": "hvac" }))
        .unwrap();
    let names: Vec<(&str, &str)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["location"]["uri"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [("bms.hvac", "model.kozo"), ("hvac_log", "more.kozo")]
    );
    client.shutdown();
}

#[test]
fn completion_knows_the_context_in_broken_text() {
    let text = "use society5\nsystem bms { component hvac }\ndataset occupancy\nconcern privacy\nviewpoint vp { frames privacy }\n";
    let (_dir, root) = workspace(&[("model.kozo", text)]);
    let mut client = start(&root);
    let uri = client.open(&root.join("model.kozo"), text);
    let labels_after = |client: &mut Client, version: i32, typed: &str| -> Vec<String> {
        // Type at the end of the file, then complete there.
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": format!("{text}{typed}") }] }),
        );
        let full = format!("{text}{typed}");
        let position = position_of(&full, full.len(), false);
        let items = client
            .request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": position }),
            )
            .unwrap();
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    let relations = labels_after(&mut client, 2, "bms.hvac -> occupancy : ");
    assert!(relations.contains(&"flows".to_string()), "{relations:?}");
    assert!(!relations.contains(&"governs".to_string()), "{relations:?}");
    let paths = labels_after(&mut client, 3, "occupancy -> bms.");
    assert_eq!(paths, ["hvac"]);
    let concerns = labels_after(&mut client, 4, "stakeholder s { concerns ");
    assert_eq!(concerns, ["privacy"]);
    let viewpoints = labels_after(&mut client, 5, "view v of ");
    assert_eq!(viewpoints, ["vp"]);
    let start = labels_after(&mut client, 6, "sys");
    assert!(start.contains(&"viewpoint".to_string()) && start.contains(&"system".to_string()));
    assert!(!start.contains(&"component".to_string()), "{start:?}");
    client.shutdown();
}

/// A model of 700 systems `s0` … `s699`: more than a completion answer
/// holds (500 items).
fn seven_hundred_systems() -> String {
    let mut text = String::from("use society5\n");
    for i in 0..700 {
        text.push_str(&format!("system s{i}\n"));
    }
    text
}

#[test]
fn a_long_completion_list_is_cut_to_what_is_typed_and_marked_incomplete() {
    let mut text = seven_hundred_systems();
    text.push_str("dataset 駅舎\n");
    let (_dir, root) = workspace(&[("model.kozo", text.as_str())]);
    let mut client = start(&root);
    let uri = client.open(&root.join("model.kozo"), &text);
    let mut version = 1;
    let mut complete = |client: &mut Client, typed: &str| -> (bool, Vec<String>) {
        version += 1;
        let full = format!("{text}s0 -> {typed}");
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": full }] }),
        );
        let position = position_of(&full, full.len(), false);
        let answer = client
            .request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": position }),
            )
            .unwrap();
        let items = answer
            .as_array()
            .or_else(|| answer["items"].as_array())
            .unwrap();
        let labels = items
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect();
        (answer["isIncomplete"] == json!(true), labels)
    };
    // 701 names: cut at 500, the editor is to ask again as the name grows.
    let (incomplete, all) = complete(&mut client, "");
    assert!(incomplete);
    assert_eq!(all.len(), 500);
    let (incomplete, some) = complete(&mut client, "S6");
    assert!(incomplete);
    assert_eq!(some.len(), 111, "{some:?}");
    assert!(some.iter().all(|l| l.starts_with("s6")), "{some:?}");
    let (_, station) = complete(&mut client, "駅");
    assert_eq!(station, ["駅舎"]);
    client.shutdown();
}

#[test]
fn completion_says_once_what_items_share_to_a_client_that_takes_it() {
    // Japanese text before the cursor: ranges count UTF-16 units.
    let text = "use society5\n/// Where 駅 data lives.\ndataset 駅舎 \"駅の建物\"\ndataset depot\nsystem bms\nbms -> 駅";
    let (_dir, root) = workspace(&[("model.kozo", text)]);
    let position = position_of(text, text.len(), false);
    let mut answers = Vec::new();
    for completion in [None, Some(vscode_completion())] {
        let mut client = Client::start(
            kozo(),
            &root,
            Options {
                completion,
                ..Options::default()
            },
        );
        let uri = client.open(&root.join("model.kozo"), text);
        let answer = client
            .request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": position }),
            )
            .unwrap();
        let resolves = client.initialize_result["capabilities"]["completionProvider"]
            ["resolveProvider"]
            .clone();
        answers.push((client, answer, resolves));
    }
    let (plain_client, plain, plain_resolves) = answers.remove(0);
    let (mut client, answer, resolves) = answers.remove(0);
    plain_client.shutdown();
    // A client that announces nothing gets whole items, and no resolve.
    assert_eq!(plain_resolves, Value::Null);
    let plain = plain.as_array().expect("a plain array of items").clone();
    assert!(plain.len() >= 3, "{plain:?}");
    let range = plain[0]["textEdit"]["range"].clone();
    assert_eq!(range, json!({ "start": pos(5, 7), "end": pos(5, 8) }));
    assert!(plain.iter().all(|i| i["textEdit"]["range"] == range));
    // VS Code's client: the range once, the details on resolve.
    assert_eq!(resolves, json!(true));
    assert_eq!(answer["isIncomplete"], json!(false));
    assert_eq!(answer["itemDefaults"]["editRange"], range);
    let data = answer["itemDefaults"]["data"].clone();
    assert!(data.is_u64(), "{answer}");
    let items = answer["items"].as_array().unwrap();
    assert_eq!(items.len(), plain.len());
    for (item, whole) in items.iter().zip(&plain) {
        for shown in ["label", "kind", "sortText", "filterText", "preselect"] {
            assert_eq!(item.get(shown), whole.get(shown), "{shown} of {item}");
        }
        for left in ["textEdit", "detail", "documentation", "data"] {
            assert_eq!(item.get(left), None, "{left} of {item}");
        }
        // The client applies the defaults to the item it resolves.
        let mut sent = item.clone();
        sent["data"] = data.clone();
        let resolved = client.request("completionItem/resolve", sent).unwrap();
        assert_eq!(resolved["label"], whole["label"]);
        assert_eq!(resolved["detail"], whole["detail"]);
        assert_eq!(resolved["documentation"], whole["documentation"]);
    }
    let station = items.iter().position(|i| i["label"] == "駅舎").unwrap();
    assert_eq!(
        plain[station]["documentation"]["value"],
        json!("Where 駅 data lives.")
    );
    // Calling the server's internal route directly is refused.
    let refused = client.request(
        "kozo/internal/completion",
        json!({ "textDocument": { "uri": uri(&root.join("model.kozo")) }, "position": position }),
    );
    assert_eq!(refused.unwrap_err()["code"], json!(-32601));
    client.shutdown();
}

#[test]
fn a_long_list_keeps_its_items_with_item_defaults() {
    let mut text = seven_hundred_systems();
    text.push_str("s0 -> s6");
    let (_dir, root) = workspace(&[("model.kozo", text.as_str())]);
    let position = position_of(&text, text.len(), false);
    let mut labels = Vec::new();
    for completion in [None, Some(vscode_completion())] {
        let mut client = Client::start(
            kozo(),
            &root,
            Options {
                completion,
                ..Options::default()
            },
        );
        let uri = client.open(&root.join("model.kozo"), &text);
        let answer = client
            .request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": position }),
            )
            .unwrap();
        assert_eq!(answer["isIncomplete"], json!(true));
        let shown: Vec<(Value, Value)> = answer["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["label"].clone(), i["sortText"].clone()))
            .collect();
        labels.push(shown);
        client.shutdown();
    }
    assert_eq!(labels[0].len(), 111);
    assert_eq!(labels[0], labels[1]);
}

#[test]
fn code_actions_fix_findings() {
    let text = "use society5\nsystem bms\ndataset occupancy\nbms -> ocupancy : flows\nview v { include * }\n";
    let (_dir, root) = workspace(&[("model.kozo", text)]);
    let mut client = start(&root);
    let uri = client.open(&root.join("model.kozo"), text);
    let typo = at(text, "ocupancy");
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": range(typo.clone(), typo), "context": { "diagnostics": [] } }),
        )
        .unwrap();
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Replace with `occupancy`"), "{titles:?}");
    assert!(
        titles.iter().any(|t| t.starts_with("Create ")),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"Allow `undefined-reference` here (kozo-allow)"),
        "{titles:?}"
    );
    let replace = &actions[0];
    assert_eq!(replace["kind"], "quickfix");
    assert_eq!(replace["isPreferred"], true);
    assert_eq!(replace["diagnostics"][0]["code"], "undefined-reference");
    let edits = replace["edit"]["changes"][&uri].as_array().unwrap();
    let fixed = apply_edits(text, edits, false);
    assert!(fixed.contains("bms -> occupancy : flows"));
    client.shutdown();
}

#[test]
fn semantic_tokens_folding_and_code_lenses() {
    let text = "use society5\n/* a\n   block */\nsystem bms {\n  component hvac\n}\nbms.hvac -> bms\nview v { include bms }\n";
    let (_dir, root) = workspace(&[("model.kozo", text)]);
    let mut client = start(&root);
    let uri = client.open(&root.join("model.kozo"), text);
    let legend = client.initialize_result["capabilities"]["semanticTokensProvider"]["legend"]
        ["tokenTypes"]
        .clone();
    let tokens = client
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    // Decode: (line, start, length, type).
    let mut decoded = Vec::new();
    let (mut line, mut start) = (0, 0);
    for chunk in data.chunks(5) {
        if chunk[0] > 0 {
            line += chunk[0];
            start = chunk[1];
        } else {
            start += chunk[1];
        }
        decoded.push((
            line,
            start,
            chunk[2],
            legend[chunk[3] as usize].as_str().unwrap().to_string(),
        ));
    }
    assert!(
        decoded.contains(&(0, 0, 3, "keyword".to_string())),
        "{decoded:?}"
    );
    // The block comment is split into one token per line.
    assert!(
        decoded.contains(&(1, 0, 4, "comment".to_string())),
        "{decoded:?}"
    );
    assert!(
        decoded.contains(&(2, 0, 11, "comment".to_string())),
        "{decoded:?}"
    );
    assert!(
        decoded.contains(&(3, 0, 6, "type".to_string())),
        "{decoded:?}"
    );
    assert!(
        decoded.contains(&(6, 4, 4, "variable".to_string())),
        "{decoded:?}"
    );

    let folds = client
        .request(
            "textDocument/foldingRange",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    let folds: Vec<(u64, u64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(folds, [(1, 2), (3, 5)]);

    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    let titles: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "in 1 view · 1 relationship",
            "in 0 views · 1 relationship",
            "1 element · 0 relationships"
        ]
    );
    client.shutdown();
}

#[test]
fn formatting_returns_the_canonical_layout() {
    let text = "use society5\nsystem   bms   {\ncomponent hvac // keep me\n}\n";
    let (_dir, root) = workspace(&[("model.kozo", text)]);
    let mut client = start(&root);
    let uri = client.open(&root.join("model.kozo"), text);
    let edits = client
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
        .unwrap();
    let formatted = apply_edits(text, edits.as_array().unwrap(), false);
    assert_eq!(
        formatted,
        "use society5\nsystem bms {\n  component hvac // keep me\n}\n"
    );
    // The server and `kozo fmt` agree.
    assert_eq!(formatted, kozo_lang_format(text));
    client.shutdown();
}

/// What `kozo fmt` writes for a text.
fn kozo_lang_format(text: &str) -> String {
    let (_dir, root) = workspace(&[("model.kozo", text)]);
    let out = std::process::Command::new(kozo())
        .arg("fmt")
        .arg(root.join("model.kozo"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(root.join("model.kozo")).unwrap()
}

#[test]
fn views_are_listed_and_rendered() {
    let text = "use society5\nsystem bms \"Building\" {\n  component hvac\n}\nview first \"First\" { include bms, bms.* }\nview second { include bms }\n";
    let (_dir, root) = workspace(&[("model.kozo", text)]);
    let mut client = start(&root);
    let uri = client.open(&root.join("model.kozo"), text);
    let listed = client.request("kozo/views", json!({})).unwrap();
    let views = listed["views"].as_array().unwrap();
    assert_eq!(views.len(), 2);
    assert_eq!(views[0]["viewId"], "first");
    assert_eq!(views[0]["label"], "First");
    assert_eq!(views[0]["uri"], uri);
    assert_eq!(views[0]["selectionRange"], range(pos(4, 5), pos(4, 10)));
    assert_eq!(views[0]["elements"], 2);

    let by_position = client
        .request(
            "kozo/renderView",
            json!({ "uri": uri, "position": at(text, "include bms }") }),
        )
        .unwrap();
    assert_eq!(by_position["viewId"], "second");
    let svg = by_position["svg"].as_str().unwrap();
    assert!(svg.contains("<svg") && svg.contains("Building"), "{svg}");

    let by_id = client
        .request("kozo/renderView", json!({ "viewId": "first" }))
        .unwrap();
    assert_eq!(by_id["viewId"], "first");
    let missing = client
        .request("kozo/renderView", json!({ "viewId": "third" }))
        .unwrap_err();
    assert!(missing["message"]
        .as_str()
        .unwrap()
        .contains("no view named `third`"));
    client.shutdown();
}

#[test]
fn bad_requests_get_errors_and_the_server_carries_on() {
    let (_dir, root) = workspace(&[("model.kozo", MODEL), ("bad.kozo", "")]);
    // A file that is not UTF-8.
    std::fs::write(root.join("bad.kozo"), b"system a \"\xff\xfe\"\n").unwrap();
    let mut client = start(&root);
    let bad = client.diagnostics_until(&uri(&root.join("bad.kozo")), |list| !list.is_empty());
    assert_eq!(codes(&bad), ["syntax-error"]);
    let uri_model = client.open(&root.join("model.kozo"), MODEL);

    // Unknown document, position past the end, malformed params.
    let unknown = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": "file:///nowhere/x.kozo" }, "position": pos(0, 0) }),
        )
        .unwrap_err();
    assert_eq!(unknown["code"], -32602);
    let past = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri_model }, "position": pos(999, 0) }),
        )
        .unwrap_err();
    assert_eq!(past["code"], -32602);
    let malformed = client
        .request("textDocument/definition", json!({ "textDocument": 42 }))
        .unwrap_err();
    assert_eq!(malformed["code"], -32602);
    let not_file = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": "untitled:Untitled-1" }, "position": pos(0, 0) }),
        )
        .unwrap_err();
    assert_eq!(not_file["code"], -32602);
    // Garbage and notifications for unknown documents are ignored.
    client.send_raw("{ this is not json");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": "file:///nowhere/x.kozo", "version": 2 }, "contentChanges": [{ "text": "x" }] }),
    );
    client.notify("textDocument/didChange", json!({ "nonsense": true }));

    // A panic inside a handler, on either side, is an error reply.
    for blocking in [false, true] {
        let panicked = client
            .request("kozo/debugPanic", json!({ "blocking": blocking }))
            .unwrap_err();
        assert_eq!(panicked["code"], -32603, "{panicked}");
        assert!(panicked["message"]
            .as_str()
            .unwrap()
            .contains("asked to panic"));
    }

    // Still serving.
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri_model }, "position": at(MODEL, "occupancy \"") }),
        )
        .unwrap();
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("dataset occupancy"));
    let log = client.log.lock().unwrap().clone();
    assert!(log.contains("panicked"), "{log}");
    client.shutdown();
}

#[test]
fn each_kozo_toml_under_a_folder_is_its_own_workspace_and_loose_files_work() {
    // Two workspaces under one folder declare the same names: no clash.
    // (In cargo's own temporary folder: no stray kozo.toml above it.)
    let scratch = env!("CARGO_TARGET_TMPDIR");
    let dir = tempfile::tempdir_in(scratch).unwrap();
    let folder = dir.path().canonicalize().unwrap();
    for name in ["one", "two"] {
        std::fs::create_dir_all(folder.join(name)).unwrap();
        std::fs::write(folder.join(name).join("kozo.toml"), "").unwrap();
        std::fs::write(
            folder.join(name).join("model.kozo"),
            "use society5\nsystem bms\nsystem typo_target\nbms -> typo_targt\n",
        )
        .unwrap();
    }
    let mut client = start(&folder);
    for name in ["one", "two"] {
        let uri = uri(&folder.join(name).join("model.kozo"));
        let found = client.diagnostics_until(&uri, |list| !list.is_empty());
        assert!(
            codes(&found).contains(&"undefined-reference".to_string()),
            "{found:?}"
        );
        assert!(
            !codes(&found).contains(&"duplicate-definition".to_string()),
            "{found:?}"
        );
    }

    // A file outside every folder, with no kozo.toml above it.
    let elsewhere = tempfile::tempdir_in(scratch).unwrap();
    let loose = elsewhere.path().canonicalize().unwrap().join("loose.kozo");
    std::fs::write(&loose, "system a\na -> b\n").unwrap();
    let loose_uri = client.open(&loose, "system a\na -> b\n");
    let found = client.diagnostics_until(&loose_uri, |list| !list.is_empty());
    assert!(
        codes(&found).contains(&"undefined-reference".to_string()),
        "{found:?}"
    );
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": loose_uri } }),
    );
    client.diagnostics_until(&loose_uri, |list| list.is_empty());
    client.shutdown();
}
