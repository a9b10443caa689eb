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

/// A place named inside a message ("already defined at FILE:LINE:COL"). The
/// engine keeps it as a file and a span: positions become text only at the
/// edges (see [`crate::analysis::MessageText`]), and a moved line changes no
/// message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MessagePlace {
    pub file: SourceFile,
    pub span: Span,
    /// The byte offset in the message where the place is written.
    pub at: usize,
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
    /// A place to write into `message`, if it names one.
    pub place: Option<MessagePlace>,
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
            place: None,
        }
    }

    /// Names the place `file`/`span` at the end of the message as it stands.
    pub fn with_place_at_end(mut self, file: SourceFile, span: Span) -> Self {
        self.place = Some(MessagePlace {
            file,
            span,
            at: self.message.len(),
        });
        self
    }

    /// The message, with its place (if any) written by `describe`, such as
    /// `path:line:column`.
    pub fn message_with(
        &self,
        describe: impl FnOnce(SourceFile, Span) -> String,
    ) -> std::borrow::Cow<'_, str> {
        match &self.place {
            None => self.message.as_str().into(),
            Some(place) => {
                let at = place.at.min(self.message.len());
                let (before, after) = self.message.split_at(at);
                format!("{before}{}{after}", describe(place.file, place.span)).into()
            }
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
