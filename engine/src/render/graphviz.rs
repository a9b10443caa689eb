//! The Graphviz engine: DOT through `dot -Tsvg`, then the SVG made
//! traceable: each element's and relationship's group gets its `<title>`
//! and `data-kozo-*` attributes (see [`super::trace`]).
//!
//! `dot` runs under a time limit (`[render] dot-timeout-secs`, 30 s by
//! default) in its own process group, which is killed whole when the limit
//! passes. The DOT text goes through a pipe, so no temporary file is left
//! behind on any path. Whether `dot` runs at all is asked once per process
//! (`dot -V`, at most 2 s) and remembered.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::diagram::Diagram;
use super::text::xml_escape;
use super::trace::{self, Trace};
use super::RenderError;

/// The default time limit of one `dot` run.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The time limit of the `dot -V` probe.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Whether Graphviz `dot` can be run: asked once per process.
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        matches!(
            run_with_limit("dot", &["-V"], b"", PROBE_TIMEOUT),
            Ok(Finished { success: true, .. })
        )
    })
}

/// Runs `dot -Tsvg` on DOT text, stopping it after `limit`.
pub fn run_dot(dot: &str, limit: Duration) -> Result<String, RenderError> {
    run_dot_as("dot", dot, limit)
}

/// [`run_dot`] with the program named, so tests can stand in for `dot`.
fn run_dot_as(program: &str, dot: &str, limit: Duration) -> Result<String, RenderError> {
    match run_with_limit(program, &["-Tsvg"], dot.as_bytes(), limit) {
        Ok(Finished {
            success: true,
            stdout,
            ..
        }) => Ok(String::from_utf8_lossy(&stdout).into_owned()),
        Ok(Finished { stderr, .. }) => Err(RenderError::GraphvizFailed(
            String::from_utf8_lossy(&stderr).trim().to_string(),
        )),
        Err(Stopped::NotFound) => Err(RenderError::GraphvizMissing),
        Err(Stopped::TimedOut) => Err(RenderError::GraphvizFailed(format!(
            "it ran longer than {} s and was stopped (raise `[render] dot-timeout-secs` in kozo.toml, or use the built-in engine)",
            limit.as_secs_f64()
        ))),
        Err(Stopped::Io(message)) => Err(RenderError::GraphvizFailed(message)),
    }
}

/// A program that ran to its end.
#[derive(Debug)]
struct Finished {
    success: bool,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Why a program gave no result.
#[derive(Debug, PartialEq, Eq)]
enum Stopped {
    NotFound,
    TimedOut,
    Io(String),
}

/// Runs `program` with `input` on its standard input; after `limit` it is
/// killed with its whole process group (anything it started goes too).
fn run_with_limit(
    program: &str,
    args: &[&str],
    input: &[u8],
    limit: Duration,
) -> Result<Finished, Stopped> {
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Stopped::NotFound,
        _ => Stopped::Io(format!("cannot start `{program}`: {e}")),
    })?;
    // Writing and reading happen on their own threads so that a program
    // that fills one pipe while the other is not drained cannot deadlock.
    let writer = child.stdin.take().map(|mut stdin| {
        let input = input.to_vec();
        std::thread::spawn(move || {
            // A program that exits without reading all its input is not an
            // error here: its status says what happened.
            let _ = stdin.write_all(&input);
        })
    });
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let status = wait_within(&mut child, limit);
    if status.is_err() {
        kill_group(&mut child);
    }
    let _ = child.wait();
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    let collect = |reader: Option<std::thread::JoinHandle<Vec<u8>>>| {
        reader.and_then(|r| r.join().ok()).unwrap_or_default()
    };
    let (stdout, stderr) = (collect(stdout), collect(stderr));
    let status = status?;
    Ok(Finished {
        success: status.success(),
        stdout,
        stderr,
    })
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Waits for `child` to exit, at most `limit`.
fn wait_within(child: &mut Child, limit: Duration) -> Result<std::process::ExitStatus, Stopped> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) => {}
            Err(e) => return Err(Stopped::Io(e.to_string())),
        }
        let elapsed = start.elapsed();
        if elapsed >= limit {
            return Err(Stopped::TimedOut);
        }
        std::thread::sleep(pause.min(limit - elapsed));
        pause = (pause * 2).min(Duration::from_millis(25));
    }
}

/// Kills the child's process group (on Unix), or the child alone.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    {
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: `kill` takes plain integers; a negative pid names the
            // process group the child leads (it was started with its own).
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
}

/// The traces of everything in the diagram, by SVG id.
fn traces(diagram: &Diagram) -> BTreeMap<String, Trace> {
    let mut map = BTreeMap::new();
    map.insert(trace::VIEW_ID.to_string(), trace::view(diagram));
    for n in 0..diagram.nodes.len() {
        map.insert(trace::element_id(n), trace::element(diagram, n));
    }
    for e in 0..diagram.edges.len() {
        map.insert(trace::edge_id(e), trace::edge(diagram, e));
    }
    for b in 0..diagram.bands.len() {
        map.insert(trace::band_id(b), trace::band(diagram, b));
    }
    map
}

/// Adds titles and `data-kozo-*` attributes to the groups Graphviz wrote
/// for the ids kozo gave. Graphviz writes each object as `<g id="…"
/// class="…">` on its own line, followed by a `<title>` line; lines that do
/// not have that form are left as they are.
pub fn make_traceable(svg: &str, diagram: &Diagram) -> String {
    let traces = traces(diagram);
    let mut out = String::with_capacity(svg.len() + svg.len() / 4);
    let mut pending: Option<&Trace> = None;
    let mut in_svg_tag = false;
    for line in svg.split_inclusive('\n') {
        let content = line.trim_end_matches('\n');
        if content.starts_with("<svg ") {
            in_svg_tag = true;
        }
        if in_svg_tag {
            if let Some(stripped) = content.strip_suffix('>') {
                in_svg_tag = false;
                out.push_str(stripped);
                out.push_str(&format!(
                    " data-kozo-view=\"{}\">\n",
                    xml_escape(&diagram.view)
                ));
            } else {
                out.push_str(line);
            }
            continue;
        }
        if let Some(trace) = pending.take() {
            if content.starts_with("<title>") && content.ends_with("</title>") {
                out.push_str(&trace.title_xml());
                out.push('\n');
                continue;
            }
        }
        if let Some(rest) = content.strip_prefix("<g id=\"") {
            if let Some(end) = rest.find('"') {
                if let Some(trace) = traces.get(&rest[..end]) {
                    if let Some(stripped) = content.strip_suffix('>') {
                        out.push_str(stripped);
                        out.push_str(&trace.attributes_xml());
                        out.push_str(">\n");
                        pending = Some(trace);
                        continue;
                    }
                }
            }
        }
        out.push_str(line);
    }
    out
}

/// The diagram as SVG laid out by Graphviz, which may run for `limit`.
pub fn render(diagram: &Diagram, limit: Duration) -> Result<String, RenderError> {
    let dot = super::dot::to_dot(diagram);
    let svg = run_dot(&dot, limit)?;
    Ok(make_traceable(&svg, diagram))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_program_over_its_limit_is_killed_with_its_group() {
        let dir = tempfile_dir("group");
        let pid_file = dir.join("grandchild.pid");
        // The shell starts a grandchild that would outlive a plain kill.
        let script = format!("sleep 30 & echo $! > '{}'; wait", pid_file.display());
        let start = Instant::now();
        let result = run_with_limit("sh", &["-c", &script], b"", Duration::from_millis(300));
        assert_eq!(result.unwrap_err(), Stopped::TimedOut);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        let pid: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        std::thread::sleep(Duration::from_millis(100));
        // A killed process may linger as a zombie until it is reaped: only
        // a process in any other state is alive.
        let alive = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|stat| {
                stat.rsplit(')')
                    .next()
                    .map(str::trim_start)
                    .is_some_and(|rest| !rest.starts_with('Z'))
            })
            .unwrap_or(false);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(!alive, "the grandchild {pid} survived");
    }

    #[test]
    fn input_output_and_status_pass_through() {
        let done = run_with_limit(
            "sh",
            &["-c", "tr a-z A-Z; echo oops >&2; exit 3"],
            b"digraph",
            DEFAULT_TIMEOUT,
        )
        .unwrap();
        assert!(!done.success);
        assert_eq!(done.stdout, b"DIGRAPH");
        assert_eq!(done.stderr, b"oops\n");
        let big = vec![b'x'; 4 << 20];
        let done = run_with_limit("cat", &[], &big, DEFAULT_TIMEOUT).unwrap();
        assert_eq!(done.stdout.len(), big.len());
        assert_eq!(
            run_with_limit("kozo-no-such-program", &[], b"", DEFAULT_TIMEOUT).unwrap_err(),
            Stopped::NotFound
        );
    }

    #[test]
    fn a_dot_that_hangs_is_stopped_with_a_clear_message() {
        let dir = tempfile_dir("hang");
        let script = dir.join("dot");
        std::fs::write(&script, "#!/bin/sh\nsleep 30\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let error = run_dot_as(
            script.to_str().unwrap(),
            "digraph {}",
            Duration::from_millis(500),
        )
        .unwrap_err();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            error.to_string(),
            "Graphviz `dot` failed: it ran longer than 0.5 s and was stopped (raise `[render] dot-timeout-secs` in kozo.toml, or use the built-in engine)"
        );
        assert_eq!(
            run_dot_as("kozo-no-such-dot", "digraph {}", DEFAULT_TIMEOUT),
            Err(RenderError::GraphvizMissing)
        );
    }

    fn tempfile_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("kozo-graphviz-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
