//! `kozo-synth N OUT_DIR`: writes a synthetic workspace of N elements (and a
//! `kozo.toml`) to OUT_DIR, for timing the `kozo` binary and the language
//! server on a model of known size.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(count), Some(dir), 2) = (args.first(), args.get(1), args.len()) else {
        eprintln!("usage: kozo-synth N OUT_DIR");
        return ExitCode::from(2);
    };
    let Ok(elements) = count.replace('_', "").parse::<usize>() else {
        eprintln!("kozo-synth: N must be a number of elements, got `{count}`");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let files = kozo_bench::synthetic_workspace(elements);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let written = kozo_bench::write_workspace(&dir, &files)
        .and_then(|()| std::fs::write(dir.join("kozo.toml"), kozo_bench::KOZO_TOML));
    if let Err(err) = written {
        eprintln!("kozo-synth: cannot write to {}: {err}", dir.display());
        return ExitCode::from(1);
    }
    println!(
        "wrote {elements} elements in {} .kozo files ({bytes} bytes) to {}",
        files.len(),
        dir.display()
    );
    ExitCode::SUCCESS
}
