//! `kozo site`: a static review site of a workspace, browsable without
//! installing anything.
//!
//! [`build`] turns an [`Analysis`] into a [`Site`]: every page, diagram,
//! download, style sheet, script and the search index, as files in memory
//! keyed by their relative path. Nothing here touches the disk except
//! [`output::write`] (which refuses folders it did not write) and
//! [`serve::serve`] (a small HTTP server on 127.0.0.1 that rebuilds on
//! change).
//!
//! The pages (one module each under `pages/`): the home page, one page per
//! view and per element, stakeholders and concerns, decisions, findings and
//! one page per rule. A further page is one more module, one more
//! [`Section`] (its entry in the navigation) and one more call in
//! [`build`].
//!
//! Invariants: every text from the model goes through the template
//! engine's escaping (maud); links are relative, so the site works from
//! `file://` and under any sub-path; scripts are files (the pages' CSP allows
//! no inline script); the same model gives the same bytes.

mod assets;
mod context;
mod frame;
pub mod output;
mod pages;
mod search;
pub mod serve;

use std::collections::BTreeMap;

use kozo_engine::render::Engine;
use kozo_engine::Analysis;

pub use context::Context;

/// How a site is built.
#[derive(Clone, Debug)]
pub struct SiteOptions {
    /// The site's title (the home page's heading and every page's title).
    pub title: String,
    /// The language shown first (a `label LANG` code); the reader can switch.
    pub lang: Option<String>,
    /// Where the site will be published (`https://example.org/arch/`): used
    /// for canonical links only, every link in the pages stays relative.
    pub base_url: Option<String>,
    /// The layout engine of the diagrams.
    pub engine: Engine,
    /// Pages poll the server for a new build and reload (`kozo site --serve`).
    pub live_reload: bool,
}

/// The built site: file contents by relative path (`/` separators).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
    /// Views that could not be drawn, with the reason (their pages say it too).
    pub undrawn: Vec<(String, String)>,
}

impl Site {
    fn add(&mut self, path: String, contents: impl Into<Vec<u8>>) {
        self.files.insert(path, contents.into());
    }
}

/// The entries of the navigation bar, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Home,
    Views,
    Elements,
    Concerns,
    Decisions,
    Findings,
}

/// Builds the whole site of a workspace. A model with errors still gets a
/// site: it shows what resolves, and the findings page lists the errors.
pub fn build(analysis: &Analysis, options: &SiteOptions) -> Site {
    let cx = Context::new(analysis, options);
    let mut site = Site::default();
    pages::views::write_all(&cx, &mut site);
    site.add("index.html".into(), pages::home::page(&cx));
    pages::elements::write_all(&cx, &mut site);
    site.add("concerns.html".into(), pages::concerns::page(&cx));
    site.add("decisions.html".into(), pages::decisions::page(&cx));
    site.add("findings.html".into(), pages::findings::page(&cx));
    pages::rules::write_all(&cx, &mut site);
    site.add("search-index.js".into(), search::index_js(&cx));
    assets::write_all(&cx, &mut site);
    site
}
