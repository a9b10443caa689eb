//! `kozo.toml`: per-rule severities, rendering and formatting settings.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Level;
use crate::model::Direction;
use crate::rules::Rule;

/// The name of the workspace configuration file.
pub const CONFIG_FILE: &str = "kozo.toml";

/// A workspace's configuration. The default is what an absent `kozo.toml` means.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Severities changed from the rules' defaults.
    pub rules: BTreeMap<Rule, Level>,
    pub render: RenderConfig,
    pub format: FormatConfig,
    pub limits: LimitsConfig,
}

impl Config {
    /// The level a rule runs at in this workspace.
    pub fn level(&self, rule: Rule) -> Level {
        self.rules
            .get(&rule)
            .copied()
            .unwrap_or(Level::On(rule.default_severity()))
    }

    /// Reads `kozo.toml` text. Errors carry the line and column they point at.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
            message: e.message().trim().to_string(),
            span: e.span(),
        })?;
        let mut config = Config::default();
        for (name, level) in raw.rules {
            let Some(rule) = Rule::from_name(name.get_ref()) else {
                let names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
                let hint = crate::suggest::closest(name.get_ref(), names.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| "; `kozo explain` lists the rules".to_string());
                return Err(ConfigError {
                    message: format!("unknown rule `{}`{hint}", name.get_ref()),
                    span: Some(name.span()),
                });
            };
            let Some(parsed) = Level::parse(level.get_ref()) else {
                return Err(ConfigError {
                    message: format!(
                        "unknown severity `{}` for `{}`: use \"off\", \"info\", \"warning\" or \"error\"",
                        level.get_ref(),
                        rule.name()
                    ),
                    span: Some(level.span()),
                });
            };
            config.rules.insert(rule, parsed);
        }
        if let Some(engine) = raw.render.engine {
            config.render.engine = match engine.get_ref().as_str() {
                "auto" => RenderEngine::Auto,
                "graphviz" => RenderEngine::Graphviz,
                "builtin" => RenderEngine::Builtin,
                other => {
                    return Err(ConfigError {
                        message: format!(
                            "unknown render engine `{other}`: use \"auto\", \"graphviz\" or \"builtin\""
                        ),
                        span: Some(engine.span()),
                    })
                }
            };
        }
        config.render.lang = raw.render.lang;
        if let Some(implied) = raw.render.implied {
            config.render.implied = implied;
        }
        if let Some(direction) = raw.render.direction {
            config.render.direction =
                Direction::from_name(direction.get_ref()).ok_or_else(|| ConfigError {
                    message: format!(
                        "unknown direction `{}`: use \"down\" or \"right\"",
                        direction.get_ref()
                    ),
                    span: Some(direction.span()),
                })?;
        }
        if let Some(seconds) = raw.render.dot_timeout_secs {
            if !(1..=3600).contains(seconds.get_ref()) {
                return Err(ConfigError {
                    message: "`dot-timeout-secs` must be between 1 and 3600".to_string(),
                    span: Some(seconds.span()),
                });
            }
            config.render.dot_timeout_secs = *seconds.get_ref() as u64;
        }
        if let Some(mib) = raw.limits.max_file_mib {
            if !(1..=4096).contains(mib.get_ref()) {
                return Err(ConfigError {
                    message: "`max-file-mib` must be between 1 and 4096".to_string(),
                    span: Some(mib.span()),
                });
            }
            config.limits.max_file_bytes = (*mib.get_ref() as u64) << 20;
        }
        if let Some(mib) = raw.limits.max_total_mib {
            if !(1..=65536).contains(mib.get_ref()) {
                return Err(ConfigError {
                    message: "`max-total-mib` must be between 1 and 65536".to_string(),
                    span: Some(mib.span()),
                });
            }
            config.limits.max_total_bytes = (*mib.get_ref() as u64) << 20;
        }
        if let Some(width) = raw.format.width {
            if !(20..=400).contains(width.get_ref()) {
                return Err(ConfigError {
                    message: "`width` must be between 20 and 400".to_string(),
                    span: Some(width.span()),
                });
            }
            config.format.width = *width.get_ref() as u32;
        }
        if let Some(indent) = raw.format.indent {
            if !(1..=8).contains(indent.get_ref()) {
                return Err(ConfigError {
                    message: "`indent` must be between 1 and 8".to_string(),
                    span: Some(indent.span()),
                });
            }
            config.format.indent = *indent.get_ref() as u32;
        }
        Ok(config)
    }
}

/// Which program lays diagrams out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RenderEngine {
    /// Graphviz `dot` when it is on PATH, else the built-in layout.
    #[default]
    Auto,
    Graphviz,
    Builtin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderConfig {
    pub engine: RenderEngine,
    /// The label translation diagrams use by default.
    pub lang: Option<String>,
    /// Whether views that do not say `implied on|off` lift the relationships
    /// of hidden children onto their shown ancestors.
    pub implied: bool,
    /// How views that do not say `direction` read.
    pub direction: Direction,
    /// How long Graphviz `dot` may run on one diagram before it is killed
    /// (`[render] dot-timeout-secs`).
    pub dot_timeout_secs: u64,
}

impl Default for RenderConfig {
    fn default() -> Self {
        RenderConfig {
            engine: RenderEngine::default(),
            lang: None,
            implied: true,
            direction: Direction::Down,
            dot_timeout_secs: 30,
        }
    }
}

/// How much of the disk a workspace may read (`[limits]`): files larger
/// than `max_file_bytes`, and files past `max_total_bytes` in all, are
/// refused and reported rather than read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitsConfig {
    pub max_file_bytes: u64,
    pub max_total_bytes: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_file_bytes: 16 << 20,
            max_total_bytes: 1 << 30,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatConfig {
    /// The line width lists are wrapped at.
    pub width: u32,
    /// Spaces per indentation level.
    pub indent: u32,
}

impl Default for FormatConfig {
    fn default() -> Self {
        FormatConfig {
            width: 100,
            indent: 2,
        }
    }
}

/// A malformed `kozo.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
    /// The byte range the error points at, when known.
    pub span: Option<std::ops::Range<usize>>,
}

impl ConfigError {
    /// 1-based line and column (in characters) of the error in `text`.
    pub fn line_column(&self, text: &str) -> Option<(usize, usize)> {
        let start = self.span.as_ref()?.start.min(text.len());
        let index = kozo_lang::LineIndex::new(text);
        let (line, column) = index.position(text, start, kozo_lang::line_index::ColumnUnit::Char);
        Some((line as usize + 1, column as usize + 1))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    render: RawRender,
    #[serde(default)]
    format: RawFormat,
    #[serde(default)]
    limits: RawLimits,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLimits {
    max_file_mib: Option<Spanned<i64>>,
    max_total_mib: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRender {
    engine: Option<Spanned<String>>,
    lang: Option<String>,
    implied: Option<bool>,
    direction: Option<Spanned<String>>,
    dot_timeout_secs: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFormat {
    width: Option<Spanned<i64>>,
    indent: Option<Spanned<i64>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    #[test]
    fn reads_rules_render_and_format() {
        let config = Config::parse(
            "[rules]\nelement-not-in-view = \"off\"\norphan-element = \"warning\"\n\n[render]\nengine = \"builtin\"\nlang = \"ja\"\n\n[format]\nwidth = 80\nindent = 4\n",
        )
        .unwrap();
        assert_eq!(config.level(Rule::ElementNotInView), Level::Off);
        assert_eq!(
            config.level(Rule::OrphanElement),
            Level::On(Severity::Warning)
        );
        assert_eq!(config.level(Rule::Cycle), Level::On(Severity::Error));
        assert_eq!(config.render.engine, RenderEngine::Builtin);
        assert_eq!(config.render.lang.as_deref(), Some("ja"));
        assert_eq!(config.format.width, 80);
        assert_eq!(config.format.indent, 4);
    }

    #[test]
    fn render_defaults_for_curated_views() {
        let config = Config::default();
        assert!(config.render.implied);
        assert_eq!(config.render.direction, Direction::Down);
        let config = Config::parse("[render]\nimplied = false\ndirection = \"right\"\n").unwrap();
        assert!(!config.render.implied);
        assert_eq!(config.render.direction, Direction::Right);
        let text = "[render]\ndirection = \"up\"\n";
        let err = Config::parse(text).unwrap_err();
        assert_eq!(
            err.message,
            "unknown direction `up`: use \"down\" or \"right\""
        );
        assert_eq!(err.line_column(text), Some((2, 13)));
        assert!(Config::parse("[render]\nimplied = \"no\"\n").is_err());
    }

    #[test]
    fn unknown_rule_points_at_its_line_and_suggests() {
        let text = "[rules]\norphan-elemnt = \"off\"\n";
        let err = Config::parse(text).unwrap_err();
        assert!(
            err.message.contains("did you mean `orphan-element`"),
            "{}",
            err.message
        );
        assert_eq!(err.line_column(text), Some((2, 1)));
    }

    #[test]
    fn bad_severity_and_bad_toml_are_located() {
        let text = "[rules]\ncycle = \"loud\"\n";
        let err = Config::parse(text).unwrap_err();
        assert!(err.message.contains("unknown severity `loud`"));
        assert_eq!(err.line_column(text), Some((2, 9)));

        let text = "[rules\ncycle = 1";
        let err = Config::parse(text).unwrap_err();
        assert_eq!(err.line_column(text).map(|(l, _)| l), Some(1));

        let text = "[colours]\nx = 1\n";
        assert!(Config::parse(text).is_err());
    }

    #[test]
    fn reads_limits_and_the_dot_timeout() {
        let config = Config::parse("").unwrap();
        assert_eq!(config.render.dot_timeout_secs, 30);
        assert_eq!(config.limits.max_file_bytes, 16 * 1024 * 1024);
        let config = Config::parse(
            "[render]\ndot-timeout-secs = 5\n\n[limits]\nmax-file-mib = 2\nmax-total-mib = 10\n",
        )
        .unwrap();
        assert_eq!(config.render.dot_timeout_secs, 5);
        assert_eq!(config.limits.max_file_bytes, 2 * 1024 * 1024);
        assert_eq!(config.limits.max_total_bytes, 10 * 1024 * 1024);
        let text = "[limits]\nmax-file-mib = 0\n";
        let err = Config::parse(text).unwrap_err();
        assert_eq!(err.line_column(text), Some((2, 16)), "{}", err.message);
        assert!(Config::parse("[render]\ndot-timeout-secs = -1\n").is_err());
    }
}
