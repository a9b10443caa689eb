//! The style sheet and the scripts, shipped as files (the pages' CSP
//! allows no inline script or style). The style sheet ends with one rule
//! per language of the model, which hides the labels of the others.

use crate::context::Context;
use crate::Site;

const CSS: &str = include_str!("../assets/site.css");
const LANG_JS: &str = include_str!("../assets/lang.js");
const SITE_JS: &str = include_str!("../assets/site.js");
const RELOAD_JS: &str = include_str!("../assets/reload.js");
const FAVICON: &str = include_str!("../assets/favicon.svg");

pub fn write_all(cx: &Context, site: &mut Site) {
    let mut css = String::from(CSS);
    css.push_str("\n/* Generated: show the labels of the chosen language only. */\n");
    for i in 0..cx.languages.len() {
        css.push_str(&format!(
            "html[data-lang=\"{i}\"] [data-l]:not([data-l=\"{i}\"]) {{ display: none; }}\n"
        ));
    }
    site.add("assets/site.css".to_string(), css);
    site.add("assets/favicon.svg".to_string(), FAVICON);
    site.add("assets/lang.js".to_string(), LANG_JS);
    site.add("assets/site.js".to_string(), SITE_JS);
    if cx.options.live_reload {
        site.add("assets/reload.js".to_string(), RELOAD_JS);
    }
}
