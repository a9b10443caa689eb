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
//! one page per rule, and with [`SiteOptions::since`] the changes since an
//! earlier version. A further page is one more module, one more
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
use std::sync::{Arc, Mutex};

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
    /// An earlier version of the workspace: the site then gets a "Changes"
    /// page comparing it with this one (`kozo site --since REV`).
    pub since: Option<Since>,
}

/// The earlier version a "Changes" page compares the model with.
///
/// The analysis sits behind a mutex only because an [`Analysis`] is not
/// `Sync` while [`SiteOptions`] is shared by the threads that draw the
/// views; the page itself is made on one thread.
#[derive(Clone)]
pub struct Since {
    old: Arc<Mutex<Analysis>>,
    /// How the earlier version is named on the page (`origin/main (1a2b3c4d5e)`).
    pub label: String,
}

impl Since {
    /// `old`: the earlier workspace; `label`: how the page names it.
    pub fn new(old: Analysis, label: String) -> Since {
        Since {
            old: Arc::new(Mutex::new(old)),
            label,
        }
    }
}

impl std::fmt::Debug for Since {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Since")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
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
    Changes,
}

/// A view that could not be drawn: its position, its name and why.
type Undrawn = (usize, String, String);

/// Builds the whole site of a workspace. A model with errors still gets a
/// site: it shows what resolves, and the findings page lists the errors.
///
/// The diagrams and the element pages (nearly all the work) are made on
/// every core: each thread reads its own clone of the analysis (salsa
/// clones share the computed model) and takes every n-th view and element.
/// Each file depends only on the model, so the result does not depend on
/// the number of threads.
pub fn build(analysis: &Analysis, options: &SiteOptions) -> Site {
    let model = analysis.model();
    analysis.diagnostics();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let keys = pages::views::relationship_keys(model);
    let parts: Vec<(Site, Vec<Undrawn>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let analysis = analysis.clone();
                let keys = &keys;
                scope.spawn(move || {
                    let cx = Context::new(&analysis, options);
                    let mut site = Site::default();
                    let mut undrawn = Vec::new();
                    for view in cx.model.view_ids().filter(|v| v.index() % threads == t) {
                        if let Some(reason) = pages::views::write_view(&cx, &mut site, view, keys) {
                            let name = cx.model.view(view).info.name.to_string();
                            undrawn.push((view.index(), name, reason));
                        }
                    }
                    for element in cx.model.element_ids().filter(|e| e.index() % threads == t) {
                        pages::elements::write_page(&cx, &mut site, element);
                    }
                    (site, undrawn)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut site = Site::default();
    let mut undrawn = Vec::new();
    for (part, part_undrawn) in parts {
        site.files.extend(part.files);
        undrawn.extend(part_undrawn);
    }
    undrawn.sort();
    site.undrawn = undrawn
        .into_iter()
        .map(|(_, name, reason)| (name, reason))
        .collect();

    let cx = Context::new(analysis, options);
    site.add("index.html".into(), pages::home::page(&cx));
    site.add("concerns.html".into(), pages::concerns::page(&cx));
    site.add("decisions.html".into(), pages::decisions::page(&cx));
    site.add("findings.html".into(), pages::findings::page(&cx));
    if let Some(since) = &options.since {
        pages::changes::write(&cx, &mut site, since);
    }
    pages::rules::write_all(&cx, &mut site);
    site.add("search-index.js".into(), search::index_js(&cx));
    assets::write_all(&cx, &mut site);
    site
}
