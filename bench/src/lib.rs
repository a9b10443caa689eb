//! The kozo performance harness: a deterministic generator of large, valid
//! workspaces, and the helpers the benchmarks and probes share.
//!
//! [`synthetic_workspace`] builds a workspace of exactly `elements` elements
//! that `kozo check` reports clean (no error, no warning, no info):
//!
//! - `architecture.kozo` holds `use society5`, one workspace relation kind
//!   (`calls`), the concerns, stakeholders, viewpoints, a goal and a policy;
//! - `parts/part_NNNN.kozo` (about one file per 500 elements) each hold an
//!   operator organisation, a data model, datasets and services, then
//!   systems, each containing three components that contain four
//!   components each (three nesting levels, allowed by society5's
//!   `parents` of `component`), the relationships between them, two views
//!   that cover every element of the file, and a decision.
//!
//! There are about two relationships per element, of the kinds `flows`,
//! `calls` (acyclic), `depends` (acyclic, downward), `realizes` (acyclic),
//! `owns`, `governs` (downward), `complies` and the default `uses`, always
//! pointing the way their `from`/`to`, `acyclic` and `downward` allow.
//! Labels carry Japanese translations, declarations carry `///` doc comments,
//! and the files have line and block comments.

pub mod scale;

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// About how many elements one generated file holds.
pub const ELEMENTS_PER_FILE: usize = 500;

/// Components directly under a system.
const COMPONENTS_PER_SYSTEM: usize = 3;
/// Components under each of those.
const MODULES_PER_COMPONENT: usize = 4;
/// The context elements of a part, in the order they are allotted:
/// organisation, data model, dataset 0, service 0, dataset 1, service 1.
const CONTEXT_ELEMENTS: usize = 6;

/// The path of the file that holds the metamodel and the stakeholders.
pub const ARCHITECTURE_FILE: &str = "architecture.kozo";

/// How many part files a workspace of `elements` elements is spread over.
pub fn part_count(elements: usize) -> usize {
    (elements + ELEMENTS_PER_FILE / 2) / ELEMENTS_PER_FILE
}

/// The workspace-relative path of part file `index`.
pub fn part_path(index: usize) -> String {
    format!("parts/part_{index:04}.kozo")
}

struct Component {
    modules: usize,
}

struct System {
    components: Vec<Component>,
}

struct Part {
    index: usize,
    /// How many of the context elements exist (see [`CONTEXT_ELEMENTS`]).
    context: usize,
    systems: Vec<System>,
}

impl Part {
    fn has_org(&self) -> bool {
        self.context >= 1
    }
    fn has_data_model(&self) -> bool {
        self.context >= 2
    }
    /// Datasets and services that exist: `(dataset?, service?)` per slot.
    fn slots(&self) -> impl Iterator<Item = (usize, bool, bool)> + '_ {
        (0..2).filter_map(move |i| {
            let ds = self.context > 2 + 2 * i;
            let svc = self.context > 3 + 2 * i;
            ds.then_some((i, ds, svc))
        })
    }
}

struct Plan {
    /// 0, 1 or 2: the goal, then the policy.
    globals: usize,
    parts: Vec<Part>,
}

impl Plan {
    fn new(elements: usize) -> Plan {
        let globals = elements.min(2);
        let rest = elements - globals;
        let count = part_count(elements).max(1);
        let parts = (0..count)
            .map(|index| {
                let quota = rest / count + usize::from(index < rest % count);
                plan_part(index, quota)
            })
            .collect();
        Plan { globals, parts }
    }

    fn has_systems(&self) -> bool {
        self.parts.iter().any(|p| !p.systems.is_empty())
    }

    fn has_components(&self) -> bool {
        self.parts
            .iter()
            .any(|p| p.systems.iter().any(|s| !s.components.is_empty()))
    }
}

fn plan_part(index: usize, quota: usize) -> Part {
    let context = quota.min(CONTEXT_ELEMENTS);
    let mut left = quota - context;
    let mut systems = Vec::new();
    while left > 0 {
        left -= 1;
        let mut components = Vec::new();
        while components.len() < COMPONENTS_PER_SYSTEM && left > 0 {
            left -= 1;
            let modules = left.min(MODULES_PER_COMPONENT);
            left -= modules;
            components.push(Component { modules });
        }
        systems.push(System { components });
    }
    Part {
        index,
        context,
        systems,
    }
}

/// A valid, clean workspace of exactly `elements` elements, as
/// `(workspace-relative path, text)` pairs in path order. The same `elements`
/// always gives the same files.
pub fn synthetic_workspace(elements: usize) -> Vec<(String, String)> {
    let plan = Plan::new(elements);
    let mut files = Vec::with_capacity(plan.parts.len() + 1);
    files.push((ARCHITECTURE_FILE.to_string(), architecture(&plan)));
    for part in &plan.parts {
        files.push((part_path(part.index), part_text(&plan, part)));
    }
    files
}

/// Writes `files` under `dir`, creating folders as needed.
pub fn write_workspace(dir: &Path, files: &[(String, String)]) -> io::Result<()> {
    for (path, text) in files {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(full, text)?;
    }
    Ok(())
}

/// The `kozo.toml` written beside a synthetic workspace.
pub const KOZO_TOML: &str = "\
# Synthetic workspace written by kozo-synth (kozo-bench). Every rule runs at
# its default severity; the workspace is expected to check clean.
[render]
engine = \"builtin\"
lang = \"en\"
";

/// A one-line edit for the incremental benchmarks: changes the text of the
/// first `label ja` translation in `text`. `variant` picks one of two
/// spellings, so alternating it always changes the file.
pub fn one_line_edit(text: &str, variant: bool) -> String {
    const NEEDLE: &str = "label ja \"";
    const MARK: &str = "（改訂）";
    let Some(at) = text.find(NEEDLE) else {
        return text.to_string();
    };
    let start = at + NEEDLE.len();
    let marked = text[start..].starts_with(MARK);
    let mut out = String::with_capacity(text.len() + MARK.len());
    out.push_str(&text[..start]);
    if variant {
        out.push_str(MARK);
    }
    out.push_str(if marked {
        &text[start + MARK.len()..]
    } else {
        &text[start..]
    });
    out
}

/// `files` without their views: every top-level `view` declaration taken
/// out (the comments before it stay). A workspace without views has one
/// `element-not-in-view` finding per element, the many-findings case of
/// the incremental benchmarks.
pub fn without_views(files: Vec<(String, String)>) -> Vec<(String, String)> {
    files
        .into_iter()
        .map(|(path, text)| {
            let parse = kozo_lang::parse(&text);
            let mut out = String::with_capacity(text.len());
            let mut kept_from = 0usize;
            for item in &parse.tree.items {
                let kozo_lang::Item::Decl(decl) = item else {
                    continue;
                };
                if decl.kind != kozo_lang::DeclKind::View {
                    continue;
                }
                let span = item.span();
                out.push_str(&text[kept_from..span.start as usize]);
                kept_from = span.end as usize;
            }
            out.push_str(&text[kept_from..]);
            (path, out)
        })
        .collect()
}

/// A reference typo for the incremental benchmarks: the first reference
/// to a dataset (`-> ds_N_0`) with its last digit made `x` when `variant`
/// is true, as written when it is false. `None` when `text` has none.
pub fn reference_typo(text: &str, variant: bool) -> Option<String> {
    const NEEDLE: &str = " -> ds_";
    let at = text.find(NEEDLE)? + NEEDLE.len();
    let digit = text[at..].find('_')? + at + 1;
    let mut out = text.to_string();
    if variant {
        out.replace_range(digit..digit + 1, "x");
    }
    Some(out)
}

// ------------------------------------------------------------------ writing

fn architecture(plan: &Plan) -> String {
    let mut s = String::new();
    let parts = plan.parts.len();
    let _ = writeln!(
        s,
        "/* Synthetic kozo workspace: the metamodel, the people and their concerns.\n   \
         Generated by kozo-bench (deterministic, {parts} part files); do not edit by hand. */\n"
    );
    s.push_str("use society5 // the Society 5.0 layers, kinds and relation kinds\n\n");
    if plan.has_components() {
        s.push_str(
            "/// A synchronous call between two modules. Calls never loop, so a\n\
             /// module can be started after everything it calls.\n\
             relation calls \"calls\" {\n  label ja \"呼び出す\"\n  from component\n  to component, api\n  acyclic\n}\n\n",
        );
    }
    s.push_str(
        "// --- Concerns and the stakeholders who hold them ------------------------\n\n\
         concern reliability \"Plants keep running when a system fails\" {\n  label ja \"システム障害時も操業を継続できる\"\n}\n\n\
         concern interoperability \"Data moves between vendors' systems without custom glue\" {\n  label ja \"ベンダーを越えたデータ相互運用性\"\n  description \"Every feed is described by a shared data model.\"\n}\n\n\
         concern data_sovereignty \"Each operator decides who may use its data\" {\n  label ja \"データ主権\"\n}\n\n\
         /// Runs the plants day to day.\n\
         stakeholder operators \"Plant operators\" {\n  label ja \"運用事業者\"\n  concerns reliability, interoperability\n}\n\n\
         /// The authority that supervises data sharing.\n\
         stakeholder regulator \"Regulator\" {\n  label ja \"規制当局\"\n  concerns data_sovereignty\n}\n\n\
         stakeholder integrators \"System integrators\" {\n  label ja \"システムインテグレーター\"\n  concerns interoperability\n}\n\n\
         // --- Viewpoints ------------------------------------------------------------\n\n",
    );
    if plan.has_systems() {
        s.push_str(
            "/// How the systems decompose and how data moves between their parts.\n\
             viewpoint structure_vp \"System structure\" {\n  label ja \"システム構造\"\n  frames reliability, interoperability\n  kinds system, component\n  relations flows, calls, depends\n}\n\n",
        );
    }
    s.push_str(
        "/// Who operates what, which data exists and which rules apply.\n\
         viewpoint context_vp \"Operating context\" {\n  label ja \"運用の文脈\"\n  frames reliability, interoperability, data_sovereignty\n  kinds goal, policy, organization, service, dataset, data_model\n  relations owns, governs, realizes, complies, uses\n}\n\n",
    );
    if plan.globals > 0 {
        s.push_str(
            "// --- Strategy ---------------------------------------------------------------\n\n\
             /// The target every operator signed up to.\n\
             goal carbon_neutral \"Carbon-neutral operation by 2035\" {\n  label ja \"2035年までにカーボンニュートラル\"\n}\n",
        );
    }
    if plan.globals > 1 {
        s.push_str(
            "\npolicy data_policy \"Data sharing policy\" {\n  label ja \"データ共有方針\"\n  description \"\"\"Operators share \"operational\" data through\n    the federation; personal data never leaves a plant.\"\"\"\n}\n\n\
             carbon_neutral -> data_policy : governs \"drives\"\n",
        );
    }
    if plan.globals > 0 {
        let include = if plan.globals > 1 {
            "carbon_neutral, data_policy"
        } else {
            "carbon_neutral"
        };
        let _ = writeln!(
            s,
            "\nview strategy_view of context_vp \"Strategy\" {{\n  label ja \"戦略\"\n  include {include}\n}}"
        );
    }
    s
}

fn part_text(plan: &Plan, part: &Part) -> String {
    let f = part.index;
    let mut s = String::with_capacity(part.systems.len() * 2600 + 2000);
    let _ = writeln!(
        s,
        "/* Synthetic kozo workspace, part {} of {}.\n   Generated by kozo-bench (deterministic); do not edit by hand. */\n",
        f + 1,
        plan.parts.len()
    );

    // Context elements.
    s.push_str("// --- Context: the operator, its data and its services ---------------------\n\n");
    if part.has_org() {
        let _ = writeln!(
            s,
            "/// The company that operates the part-{f} plants.\norganization org_{f} \"Operator {f}\" {{\n  label ja \"運用事業者 {f}\"\n}}\n"
        );
    }
    if part.has_data_model() {
        let _ = writeln!(
            s,
            "/// The shared vocabulary every part-{f} feed is described in.\ndata_model dm_{f} \"Plant data model {f}\" {{\n  label ja \"プラントデータモデル {f}\"\n  version = \"1.{}\"\n}}\n",
            f % 10
        );
    }
    for (i, _, svc) in part.slots() {
        let _ = writeln!(
            s,
            "dataset ds_{f}_{i} \"Telemetry store {f}.{i}\" {{\n  label ja \"テレメトリ {f}.{i}\"\n  retention_days = {}\n}}\n",
            365 * (i + 1)
        );
        if svc {
            let _ = writeln!(
                s,
                "/// Offered to the operator's customers.\nservice svc_{f}_{i} \"Monitoring service {f}.{i}\" {{\n  label ja \"監視サービス {f}.{i}\"\n}}\n"
            );
        }
    }
    // Context relationships.
    if part.has_org() && plan.globals > 1 {
        let _ = writeln!(s, "data_policy -> org_{f} : governs \"binds\"");
    }
    if part.has_org() && part.has_data_model() {
        let _ = writeln!(s, "org_{f} -> dm_{f} : complies \"publishes\"");
    }
    for (i, _, svc) in part.slots() {
        if part.has_data_model() {
            let _ = writeln!(s, "ds_{f}_{i} -> dm_{f} : complies");
        }
        if svc {
            let _ = writeln!(s, "org_{f} -> svc_{f}_{i} : owns \"offers\"");
            let _ = writeln!(s, "svc_{f}_{i} -> ds_{f}_{i} // the default kind: uses");
            if plan.globals > 0 {
                let _ = writeln!(s, "svc_{f}_{i} -> carbon_neutral : realizes");
            }
        }
    }
    s.push('\n');

    // Systems.
    if !part.systems.is_empty() {
        s.push_str(
            "// --- Systems -----------------------------------------------------------------\n\n",
        );
    }
    for (k, system) in part.systems.iter().enumerate() {
        write_system(&mut s, plan, part, k, system);
    }

    // Views.
    s.push_str(
        "// --- Views -------------------------------------------------------------------\n\n",
    );
    if part.context > 0 {
        let mut names = Vec::new();
        if part.has_org() {
            names.push(format!("org_{f}"));
        }
        if part.has_data_model() {
            names.push(format!("dm_{f}"));
        }
        for (i, _, svc) in part.slots() {
            names.push(format!("ds_{f}_{i}"));
            if svc {
                names.push(format!("svc_{f}_{i}"));
            }
        }
        let _ = writeln!(
            s,
            "view context_{f} of context_vp \"Operator {f} context\" {{\n  label ja \"運用事業者 {f} の文脈\"\n  include {}\n}}\n",
            names.join(", ")
        );
    }
    if !part.systems.is_empty() {
        let _ = write!(
            s,
            "/// Every system of part {f}, down to its modules.\nview structure_{f} of structure_vp \"Part {f} systems\" {{\n  label ja \"パート {f} のシステム\"\n  include "
        );
        for k in 0..part.systems.len() {
            if k > 0 {
                s.push_str(if k % 4 == 0 { ",\n          " } else { ", " });
            }
            let _ = write!(s, "sys_{f}_{k}, sys_{f}_{k}.**");
        }
        s.push_str("\n}\n\n");

        // A decision per part.
        let affected = part.systems.len().min(3);
        let affects: Vec<String> = (0..affected).map(|k| format!("sys_{f}_{k}")).collect();
        let _ = writeln!(
            s,
            "decision replicate_{f} \"Run part-{f} control systems active-active\" {{\n  label ja \"パート {f} の制御システムを二重化する\"\n  status accepted\n  addresses reliability\n  affects {}\n  rationale \"A single failed node must not stop a plant.\"\n}}",
            affects.join(", ")
        );
    }
    s
}

fn write_system(s: &mut String, plan: &Plan, part: &Part, k: usize, system: &System) {
    let f = part.index;
    let name = format!("sys_{f}_{k}");
    let _ = writeln!(
        s,
        "/// Control system {f}.{k}: {} subsystems.\nsystem {name} \"Control system {f}.{k}\" {{\n  label ja \"制御システム {f}.{k}\"\n  owner = org_{f}\n  replicas = {}",
        system.components.len(),
        2 + k % 3
    );
    for (j, component) in system.components.iter().enumerate() {
        let _ = write!(s, "\n  component c{j} \"Subsystem {j}\" {{\n");
        if j % 2 == 0 {
            let _ = writeln!(s, "    label ja \"サブシステム {j}\"");
        }
        for m in 0..component.modules {
            if m == 0 {
                let _ = writeln!(s, "    /// Entry point of subsystem {j}.");
            }
            if m % 3 == 1 {
                let _ = writeln!(
                    s,
                    "    component p{m} \"Module {m}\" {{ label ja \"モジュール {m}\" }}"
                );
            } else {
                let _ = writeln!(s, "    component p{m} \"Module {m}\"");
            }
        }
        let n = component.modules;
        // Modules: a chain of calls (acyclic), a ring of flows, and the last
        // one depends on the part's first dataset (a lower layer).
        for m in 0..n.saturating_sub(1) {
            let _ = writeln!(s, "    p{m} -> p{} : calls", m + 1);
        }
        if n >= 2 {
            for m in 0..n {
                let next = (m + 1) % n;
                if n == 2 && m == 1 {
                    break;
                }
                let _ = writeln!(s, "    p{m} -> p{next} : flows \"samples\"");
            }
        }
        if n > 0 {
            let _ = writeln!(s, "    p{} -> ds_{f}_0 : depends", n - 1);
        }
        s.push_str("  }\n");
    }
    // Components: a ring of flows; the first complies with the data model.
    let n = system.components.len();
    if n >= 2 {
        s.push('\n');
        for j in 0..n {
            if n == 2 && j == 1 {
                break;
            }
            let _ = writeln!(s, "  c{j} -> c{} : flows \"events\"", (j + 1) % n);
        }
    }
    if n > 0 {
        let _ = writeln!(s, "  c0 -> dm_{f} : complies");
    }
    s.push_str("}\n");

    // The system's own relationships, at top level.
    let _ = writeln!(s, "org_{f} -> {name} : owns \"operates\"");
    let _ = writeln!(s, "{name} -> svc_{f}_{} : realizes", k % 2);
    let _ = writeln!(s, "{name} -> ds_{f}_{} : depends", k % 2);
    if let Some((source, target)) = cross_part_flow(plan, part, k) {
        let _ = writeln!(s, "{source} -> {target} : flows \"federated feed\"");
    }
    s.push('\n');
}

/// A flow from system `k` of `part` into a system of the next part (or of
/// the same part when there is only one), so that files refer to each other.
fn cross_part_flow(plan: &Plan, part: &Part, k: usize) -> Option<(String, String)> {
    let f = part.index;
    let g = (f + 1) % plan.parts.len();
    let other = &plan.parts[g];
    if other.systems.is_empty() {
        return None;
    }
    let mut t = k % other.systems.len();
    if g == f {
        t = (k + 1) % other.systems.len();
        if t == k {
            return None;
        }
    }
    let system = &part.systems[k];
    let source = match system.components.first() {
        Some(c) if c.modules > 0 => format!("sys_{f}_{k}.c0.p0"),
        Some(_) => format!("sys_{f}_{k}.c0"),
        None => format!("sys_{f}_{k}"),
    };
    let target = if other.systems[t].components.len() >= 2 {
        format!("sys_{g}_{t}.c1")
    } else {
        format!("sys_{g}_{t}")
    };
    Some((source, target))
}

/// A `kB` line of /proc/self/status (`VmRSS:`, `VmHWM:` for the peak), in
/// MiB; `None` where there is no such file (not Linux).
pub fn status_mib(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_edit_alternates() {
        let text = "x\n  label ja \"名前\"\n";
        let a = one_line_edit(text, true);
        assert_eq!(a, "x\n  label ja \"（改訂）名前\"\n");
        assert_eq!(one_line_edit(&a, false), text);
        assert_eq!(one_line_edit(&a, true), a);
    }

    #[test]
    fn deterministic_and_sized() {
        assert_eq!(synthetic_workspace(1234), synthetic_workspace(1234));
        assert_eq!(synthetic_workspace(10_000).len(), 21);
        assert_eq!(synthetic_workspace(100).len(), 2);
    }
}
