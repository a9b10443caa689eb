//! `kozo init [DIR]`: a new workspace with kozo.toml and a starter model
//! that is clean under `kozo check --deny warnings`.

use std::path::Path;

use crate::workspace::{self, LoadError};

const CONFIG: &str = r#"# kozo workspace configuration. Every setting is optional.

[rules]
# Severity per rule: "off" | "info" | "warning" | "error". `kozo explain` lists the rules.
# element-not-in-view = "off"

[render]
engine = "auto"   # "auto" (Graphviz `dot` when on PATH, else built-in) | "graphviz" | "builtin"
lang = "en"       # which label translation diagrams use by default
"#;

const MODEL: &str = r#"// A starter model: change it to describe your architecture.
// `kozo check` checks it; `kozo explain RULE` explains a finding.
use society5

concern availability "Residents can always reach the service" {
  label ja "サービスの可用性"
}

/// The people the service is for.
stakeholder residents "Residents" {
  label ja "住民"
  concerns availability
}

viewpoint context "Context" {
  label ja "コンテキスト"
  frames availability
}

view overview of context "Overview" {
  label ja "全体像"
  include *, platform.*
}

actor resident "Resident" {
  label ja "住民"
}

service portal "Resident portal" {
  label ja "住民ポータル"
}

system platform "Service platform" {
  label ja "サービス基盤"
  component web "Web front end"
  component store "Records store"
  web -> store : flows "requests"
}

resident -> portal : uses "signs in"
platform -> portal : realizes
"#;

pub fn run(dir: &Path) -> Result<u8, LoadError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        LoadError(format!(
            "cannot create `{}`: {}",
            dir.display(),
            workspace::describe_io(&e)
        ))
    })?;
    let config = dir.join(kozo_engine::config::CONFIG_FILE);
    if config.exists() {
        return Err(LoadError(format!(
            "`{}` already exists: this is a kozo workspace already",
            config.display()
        )));
    }
    let existing = workspace::collect_files(dir);
    let model = dir.join("model.kozo");
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text).map_err(|e| {
            LoadError(format!(
                "cannot write `{}`: {}",
                path.display(),
                workspace::describe_io(&e)
            ))
        })
    };
    write(&config, CONFIG)?;
    println!("created {}", config.display());
    if existing.is_empty() {
        write(&model, MODEL)?;
        println!("created {}", model.display());
    } else {
        println!("kept the {} `.kozo` file(s) already there", existing.len());
    }
    println!("\nnext: kozo check {}", dir.display());
    Ok(0)
}
