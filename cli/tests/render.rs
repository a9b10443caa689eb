//! End-to-end tests of `kozo render` and `kozo export`: the real binary on
//! the examples and on workspaces made for each case.

mod common;

use common::*;

use std::path::Path;
use std::process::Command;

fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kozo.toml"), "").unwrap();
    for (path, text) in files {
        std::fs::write(dir.path().join(path), text).unwrap();
    }
    dir
}

/// Whether Graphviz `dot` runs; the tests that need nothing else carry
/// `needs_dot` in their names (`cargo test needs_dot`).
fn graphviz_installed() -> bool {
    let found = Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        // In CI a missing `dot` is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "Graphviz `dot` is not on PATH, and CI is set: install Graphviz"
        );
        println!("warning: Graphviz `dot` is not on PATH; the Graphviz engine is not tested here");
    }
    found
}

fn parse_svg(svg: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(svg, options).unwrap_or_else(|e| panic!("{e}"))
}

/// `(elements, relationships)` drawn in an SVG.
fn counts(svg: &str) -> (usize, usize) {
    let doc = parse_svg(svg);
    let count = |class: &str| {
        doc.descendants()
            .filter(|n| {
                n.has_tag_name("g")
                    && n.attribute("class")
                        .is_some_and(|c| c.split(' ').any(|x| x == class))
                    && n.attribute("data-kozo-path").is_some()
            })
            .count()
    };
    (count("kozo-element"), count("kozo-relationship"))
}

/// Element and shown-relationship counts per view, from `kozo export --format json`.
fn expected_counts(example: &Path) -> Vec<(String, usize, usize)> {
    let out = kozo(
        &["export", "--format", "json", &example.to_string_lossy()],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["views"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_string(),
                v["elements"].as_array().unwrap().len(),
                v["relationships"].as_array().unwrap().len(),
            )
        })
        .collect()
}

#[test]
fn renders_every_view_of_the_examples_with_both_engines() {
    let mut engines = vec!["builtin"];
    if graphviz_installed() {
        engines.push("graphviz");
    }
    for example in [
        "smart-building",
        "drone-logistics",
        "data-space",
        "c4-bigbank",
    ] {
        let path = repo().join("examples").join(example);
        let expected = expected_counts(&path);
        assert!(expected.len() >= 3);
        for engine in &engines {
            let out_dir = tempfile::tempdir().unwrap();
            let out = kozo(
                &[
                    "render",
                    &path.to_string_lossy(),
                    "--engine",
                    engine,
                    "--out",
                    &out_dir.path().to_string_lossy(),
                ],
                &repo(),
            );
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            assert!(
                stderr(&out).contains(&format!("({engine} engine)")),
                "{}",
                stderr(&out)
            );
            for (view, elements, relationships) in &expected {
                let svg = std::fs::read_to_string(out_dir.path().join(format!("{view}.svg")))
                    .unwrap_or_else(|e| panic!("{example}/{view} ({engine}): {e}"));
                assert_eq!(
                    counts(&svg),
                    (*elements, *relationships),
                    "{example}/{view} ({engine})"
                );
            }
        }
    }
}

#[test]
fn one_view_to_a_file_a_folder_or_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let example = repo().join("examples/smart-building");
    let example = example.to_string_lossy();

    let file = dir.path().join("nested/privacy.dot");
    let out = kozo(
        &[
            "render",
            &example,
            "--view",
            "privacy_view",
            "--format",
            "dot",
            "--out",
            &file.to_string_lossy(),
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dot = std::fs::read_to_string(&file).unwrap();
    assert!(dot.starts_with("digraph \"privacy_view\" {"), "{dot}");

    let out = kozo(
        &[
            "render",
            &example,
            "--view",
            "asset_view",
            "--engine",
            "builtin",
            "--out",
            &format!("{}/", dir.path().display()),
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("asset_view.svg").is_file());

    let out = kozo(
        &[
            "render",
            &example,
            "--view",
            "asset_view",
            "--engine",
            "builtin",
            "--out",
            "-",
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let svg = stdout(&out);
    assert!(svg.starts_with("<?xml"));
    assert_eq!(
        counts(&svg).0,
        std::fs::read_to_string(dir.path().join("asset_view.svg"))
            .map(|s| counts(&s).0)
            .unwrap()
    );
}

#[test]
fn default_output_folder_is_diagrams_in_the_workspace_root() {
    let ws = workspace(&[(
        "m.kozo",
        "use society5\nsystem a \"A\"\nsystem b \"B\"\na -> b\nview one { include a, b }\nview two { include a }\n",
    )]);
    let out = kozo(&["render", "--engine", "builtin"], ws.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for view in ["one", "two"] {
        let svg = std::fs::read_to_string(ws.path().join("diagrams").join(format!("{view}.svg")))
            .unwrap();
        parse_svg(&svg);
    }
    assert_eq!(
        counts(&std::fs::read_to_string(ws.path().join("diagrams/one.svg")).unwrap()),
        (2, 1)
    );
}

#[test]
fn unknown_view_suggests_the_closest() {
    let out = kozo(
        &[
            "render",
            "examples/smart-building",
            "--view",
            "privacy_veiw",
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no view named `privacy_veiw`; did you mean `privacy_view`?"),
        "{}",
        stderr(&out)
    );
    let out = kozo(
        &[
            "export",
            "--format",
            "mermaid",
            "examples/smart-building",
            "--view",
            "zzz",
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the views are: governance_view"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn graphviz_engine_without_dot_is_a_clear_error() {
    let ws = workspace(&[("m.kozo", "use society5\nsystem a\nview v { include a }\n")]);
    let empty = tempfile::tempdir().unwrap();
    let path = empty.path().to_string_lossy().to_string();
    let out = kozo_env(
        &["render", "--engine", "graphviz"],
        ws.path(),
        &[("PATH", &path)],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Graphviz `dot` was not found on PATH"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--engine builtin"));
    // `auto` falls back to the built-in engine.
    let out = kozo_env(
        &["render", "--engine", "auto"],
        ws.path(),
        &[("PATH", &path)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(builtin engine)"),
        "{}",
        stderr(&out)
    );
    // DOT needs no Graphviz.
    let out = kozo_env(
        &["render", "--format", "dot", "--engine", "graphviz"],
        ws.path(),
        &[("PATH", &path)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn needs_dot_graphviz_engine_when_installed() {
    if !graphviz_installed() {
        return;
    }
    let ws = workspace(&[(
        "m.kozo",
        "use society5\nsystem a \"A\" { component x \"X\" }\ndataset d \"D\"\na.x -> d : flows \"rows\"\nview v { include a, a.x, d }\n",
    )]);
    let out = kozo(
        &[
            "render", "--engine", "graphviz", "--view", "v", "--out", "-",
        ],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let svg = stdout(&out);
    assert_eq!(counts(&svg), (3, 1));
    assert!(svg.contains("data-kozo-path=\"a.x-&gt;d:flows\""), "{svg}");
    assert!(svg.contains("<title>a.x: X «Component»"), "{svg}");
}

#[test]
fn a_model_with_errors_is_drawn_with_a_warning() {
    let ws = workspace(&[(
        "m.kozo",
        "use society5\nsystem a\na -> ghost\nview v { include a, nobody }\n",
    )]);
    let out = kozo(
        &["render", "--engine", "builtin", "--view", "v", "--out", "-"],
        ws.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: the model has 2 errors"),
        "{}",
        stderr(&out)
    );
    assert_eq!(counts(&stdout(&out)), (1, 0));
}

#[test]
fn lang_flag_overrides_kozo_toml() {
    let example = "examples/smart-building";
    let render = |extra: &[&str]| {
        let mut args = vec![
            "render",
            example,
            "--view",
            "privacy_view",
            "--format",
            "dot",
            "--out",
            "-",
        ];
        args.extend_from_slice(extra);
        stdout(&kozo(&args, &repo()))
    };
    assert!(render(&[]).contains("エッジゲートウェイ"));
    let en = render(&["--lang", "en"]);
    assert!(
        en.contains("Edge gateway") && !en.contains("エッジゲートウェイ"),
        "{en}"
    );
}

#[test]
fn rendering_twice_gives_the_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for dir in [&a, &b] {
        let out = kozo(
            &[
                "render",
                "examples/drone-logistics",
                "--engine",
                "builtin",
                "--out",
                &dir.path().to_string_lossy(),
            ],
            &repo(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let mut names: Vec<_> = std::fs::read_dir(a.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 3);
    for name in names {
        assert_eq!(
            std::fs::read(a.path().join(&name)).unwrap(),
            std::fs::read(b.path().join(&name)).unwrap(),
            "{name:?}"
        );
    }
}

#[test]
fn exports_json_mermaid_and_plantuml() {
    let example = "examples/smart-building";
    let out = kozo(&["export", "--format", "json", example], &repo());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], 1);
    let first = &json["elements"][0];
    for field in [
        "path",
        "name",
        "kind",
        "label",
        "labels",
        "layer",
        "parent",
        "children",
        "properties",
        "location",
    ] {
        assert!(first.get(field).is_some(), "elements[0].{field}");
    }
    for field in ["file", "line", "column"] {
        assert!(first["location"].get(field).is_some());
    }

    let out = kozo(
        &[
            "export",
            "--format",
            "mermaid",
            "--view",
            "privacy_view",
            example,
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mermaid = stdout(&out);
    assert!(mermaid.starts_with("---\ntitle: "), "{mermaid}");
    assert!(mermaid.contains("flowchart TB"));

    let out = kozo(&["export", "--format", "mermaid", example], &repo());
    let doc = stdout(&out);
    assert_eq!(doc.matches("```mermaid").count(), 5, "{doc}");
    assert!(doc.contains("## ビルデータの流れ"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("views.puml");
    let out = kozo(
        &[
            "export",
            "--format",
            "plantuml",
            example,
            "--out",
            &file.to_string_lossy(),
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let puml = std::fs::read_to_string(&file).unwrap();
    assert_eq!(puml.matches("@startuml").count(), 5);
    assert_eq!(puml.matches("@enduml").count(), 5);

    let out = kozo(
        &[
            "export",
            "--format",
            "json",
            "--view",
            "privacy_view",
            example,
        ],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn hostile_labels_stay_text_in_every_format() {
    let ws = workspace(&[(
        "m.kozo",
        r#"use society5
system evil "\"</text><script>alert(1)</script>" { component c "a \"b\"\nc \\ d" }
system ok "ok"
evil.c -> ok : flows "\"; </text><script>x</script>\n@enduml"
view v "\"</title><script>alert(2)</script>" { include evil, evil.c, ok }
"#,
    )]);
    let mut outputs = Vec::new();
    for args in [
        vec!["render", "--view", "v", "--engine", "builtin", "--out", "-"],
        vec!["render", "--view", "v", "--format", "dot", "--out", "-"],
        vec!["export", "--format", "mermaid"],
        vec!["export", "--format", "plantuml"],
        vec!["export", "--format", "json"],
    ] {
        let out = kozo(&args, ws.path());
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        outputs.push((args, stdout(&out)));
    }
    if graphviz_installed() {
        let args = vec![
            "render", "--view", "v", "--engine", "graphviz", "--out", "-",
        ];
        let out = kozo(&args, ws.path());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        outputs.push((args, stdout(&out)));
    }
    for (args, text) in &outputs {
        if args.contains(&"json") {
            let json: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                json["elements"][0]["label"],
                "\"</text><script>alert(1)</script>"
            );
            continue;
        }
        assert!(!text.contains("<script"), "{args:?}:\n{text}");
        assert!(!text.contains("</text><"), "{args:?}:\n{text}");
        if args.contains(&"builtin") || args.contains(&"graphviz") {
            let doc = parse_svg(text);
            assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
        }
    }
}

#[cfg(unix)]
#[test]
fn a_dot_that_hangs_is_stopped_after_the_configured_time() {
    use std::os::unix::fs::PermissionsExt;
    let ws = workspace(&[("m.kozo", "use society5\nsystem a\nview v { include a }\n")]);
    std::fs::write(
        ws.path().join("kozo.toml"),
        "[render]\nengine = \"graphviz\"\ndot-timeout-secs = 1\n",
    )
    .unwrap();
    // A `dot` that answers the probe and then never finishes a layout.
    let bin = tempfile::tempdir().unwrap();
    let dot = bin.path().join("dot");
    std::fs::write(
        &dot,
        "#!/bin/sh\ncase \"$1\" in -V) echo 'dot - stand-in' >&2; exit 0;; esac\nsleep 60\n",
    )
    .unwrap();
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let started = std::time::Instant::now();
    let out = kozo_env(
        &["render", "--view", "v", "--out", "-"],
        ws.path(),
        &[("PATH", &path)],
    );
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "Graphviz `dot` failed: it ran longer than 1 s and was stopped (raise `[render] dot-timeout-secs` in kozo.toml, or use the built-in engine)"
        ),
        "{}",
        stderr(&out)
    );
    assert!(took < std::time::Duration::from_secs(30), "{took:?}");
}
