//! Every view of any model draws with the built-in engine, and as DOT,
//! Mermaid and PlantUML text, without panics.
#![no_main]

use kozo_engine::config::Config;
use kozo_engine::render::{self, Engine};
use kozo_engine::Analysis;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut analysis = Analysis::new(Config::default());
    analysis.set_file_bytes("fuzz.kozo", data.to_vec());
    let views: Vec<_> = analysis.model().view_ids().collect();
    for view in views {
        let diagram = render::diagram(&analysis, view, None);
        let _ = render::to_svg(&diagram, Engine::Builtin);
        let _ = render::to_dot(&diagram);
        let _ = render::mermaid::to_mermaid(&diagram);
        let _ = render::plantuml::to_plantuml(&diagram);
    }
});
