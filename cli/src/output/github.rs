//! `--format github`: GitHub Actions workflow commands, one per finding,
//! which the Actions runner shows as annotations on the changed lines.

use std::io::Write;

use kozo_engine::Severity;

use super::Report;

/// Escapes a workflow-command message (the text after `::`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn print(out: &mut dyn Write, reports: &[Report]) -> std::io::Result<()> {
    for finding in reports.iter().flat_map(|r| &r.findings) {
        let d = finding.diagnostic;
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&finding.display_path),
            finding.start.line,
            finding.start.column,
            finding.end.line,
            finding.end.column,
            escape_property(&format!("kozo {}", d.rule.name())),
            escape_data(&finding.message),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_per_the_workflow_command_rules() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
    }
}
