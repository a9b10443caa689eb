//! `--format sarif`: SARIF 2.1.0, with rule metadata (descriptions and help)
//! so code-scanning services can show what each rule means.

use std::io::Write;

use kozo_engine::{Rule, Severity};
use serde::Serialize;

use super::Report;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    results: Vec<ResultItem>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultItem {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encodes what may not stand in a relative URI reference.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn region(
    positions: &mut super::Positions,
    file: kozo_engine::db::SourceFile,
    span: kozo_lang::Span,
) -> Region {
    let start = positions.position(file, span.start);
    let end = positions.position(file, span.end);
    Region {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

pub fn print(out: &mut dyn Write, reports: &[Report]) -> std::io::Result<()> {
    let rules = Rule::ALL
        .iter()
        .map(|rule| {
            let doc = rule.doc();
            RuleDescriptor {
                id: rule.name(),
                name: rule.name(),
                short_description: Message {
                    text: doc.summary.to_string(),
                },
                full_description: Message {
                    text: doc.summary.to_string(),
                },
                help: Help {
                    text: doc.explanation.to_string(),
                    markdown: doc.explanation.to_string(),
                },
                default_configuration: Configuration {
                    level: level(rule.default_severity()),
                },
            }
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        let mut positions = super::Positions::new(report.analysis);
        for finding in &report.findings {
            let d = finding.diagnostic;
            let related_locations = d
                .related
                .iter()
                .map(|r| Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: uri(&super::display_path(
                                &report.root,
                                report.analysis.path(r.file),
                            )),
                        },
                        region: region(&mut positions, r.file, r.span),
                    },
                    message: Some(Message {
                        text: r.message.clone(),
                    }),
                })
                .collect();
            results.push(ResultItem {
                rule_id: d.rule.name(),
                rule_index: Rule::ALL.iter().position(|r| *r == d.rule).unwrap_or(0),
                level: level(d.severity),
                message: Message {
                    text: finding.message.to_string(),
                },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: uri(&finding.display_path),
                        },
                        region: Region {
                            start_line: finding.start.line,
                            start_column: finding.start.column,
                            end_line: finding.end.line,
                            end_column: finding.end.column,
                        },
                    },
                    message: None,
                }],
                related_locations,
            });
        }
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "kozo",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
