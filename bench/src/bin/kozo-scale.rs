//! `kozo-scale CASE N OUT_DIR`: writes a workspace that grows one hostile
//! dimension (duplicates, misspelt references, `kozo-allow` comments,
//! cycles, one huge file, one large view, many tiny files) to N, with the
//! `kozo.toml` the case needs,
//! for timing `kozo check` and `kozo render` (docs/performance.md).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(case), Some(count), Some(dir), 3) =
        (args.first(), args.get(1), args.get(2), args.len())
    else {
        eprintln!(
            "usage: kozo-scale CASE N OUT_DIR (CASE: {})",
            kozo_bench::scale::CASES.join(", ")
        );
        return ExitCode::from(2);
    };
    let Ok(n) = count.replace('_', "").parse::<usize>() else {
        eprintln!("kozo-scale: N must be a number, got `{count}`");
        return ExitCode::from(2);
    };
    let Some(files) = kozo_bench::scale::scale_workspace(case, n) else {
        eprintln!(
            "kozo-scale: no case `{case}` (the cases: {})",
            kozo_bench::scale::CASES.join(", ")
        );
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let written = kozo_bench::write_workspace(&dir, &files)
        .and_then(|()| std::fs::write(dir.join("kozo.toml"), kozo_bench::scale::kozo_toml(case)));
    if let Err(err) = written {
        eprintln!("kozo-scale: cannot write to {}: {err}", dir.display());
        return ExitCode::from(1);
    }
    println!(
        "wrote `{case}` at {n} in {} .kozo files ({bytes} bytes) to {}",
        files.len(),
        dir.display()
    );
    ExitCode::SUCCESS
}
