//! Findings: what a rule says about a place in the model.

use kozo_lang::Span;
use serde::Serialize;

use crate::db::SourceFile;
use crate::rules::Rule;

/// How much a finding matters. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A severity as configured: a rule may also be turned off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        Some(match text {
            "off" => Level::Off,
            "info" => Level::On(Severity::Info),
            "warning" => Level::On(Severity::Warning),
            "error" => Level::On(Severity::Error),
            _ => return None,
        })
    }
}

/// Another place that explains a finding ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Related {
    pub file: SourceFile,
    pub span: Span,
    pub message: String,
}

/// One finding of one rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub file: SourceFile,
    pub span: Span,
    pub message: String,
    pub related: Vec<Related>,
    /// A replacement for the text at `span` that would fix the finding
    /// (the name suggested by "did you mean").
    pub suggestion: Option<String>,
}

impl Diagnostic {
    /// A finding at the rule's default severity.
    pub fn new(rule: Rule, file: SourceFile, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            file,
            span,
            message: message.into(),
            related: Vec::new(),
            suggestion: None,
        }
    }

    pub fn with_related(
        mut self,
        file: SourceFile,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_suggestion(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }
}
