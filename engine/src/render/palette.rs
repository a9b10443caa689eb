//! Colours: one calm hue per layer (light enough to print on A4 and keep
//! black text readable) and a muted colour per relation kind.

/// The colours of one layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerColors {
    /// The band behind the layer's elements.
    pub band: &'static str,
    /// The band's label and border.
    pub band_text: &'static str,
    /// An element's fill.
    pub fill: &'static str,
    /// An element's outline.
    pub stroke: &'static str,
}

const LAYERS: [LayerColors; 8] = [
    // strategy: lavender
    LayerColors {
        band: "#F7F3FB",
        band_text: "#5B3F86",
        fill: "#E9DFF5",
        stroke: "#7B5BA6",
    },
    // rule: rose
    LayerColors {
        band: "#FCF3F6",
        band_text: "#87375A",
        fill: "#F6DDE6",
        stroke: "#A4506E",
    },
    // organization: apricot
    LayerColors {
        band: "#FDF6EE",
        band_text: "#8A5220",
        fill: "#F9E4CF",
        stroke: "#B0703A",
    },
    // business: sand
    LayerColors {
        band: "#FBF9EC",
        band_text: "#6E5E14",
        fill: "#F2EBC4",
        stroke: "#8F7B28",
    },
    // function: sage
    LayerColors {
        band: "#F1F8F0",
        band_text: "#356B30",
        fill: "#D9EED6",
        stroke: "#4C8A45",
    },
    // data: teal
    LayerColors {
        band: "#EEF7F7",
        band_text: "#1F625F",
        fill: "#D0EAE8",
        stroke: "#2F7F7C",
    },
    // data linkage: blue
    LayerColors {
        band: "#F0F4FA",
        band_text: "#2D4F7C",
        fill: "#D8E4F3",
        stroke: "#3F679B",
    },
    // asset: stone
    LayerColors {
        band: "#F4F4F2",
        band_text: "#4E4D45",
        fill: "#E3E2DC",
        stroke: "#6B6A60",
    },
];

/// Elements whose kind has no layer.
pub const NO_LAYER: LayerColors = LayerColors {
    band: "#F6F7F8",
    band_text: "#4A5159",
    fill: "#ECEEF0",
    stroke: "#7A828A",
};

/// The colours of the layer at `index` (its position among the model's
/// layers in rank order), or of "no layer".
pub fn layer(index: Option<usize>) -> LayerColors {
    match index {
        Some(i) => LAYERS[i % LAYERS.len()],
        None => NO_LAYER,
    }
}

const RELATIONS: [&str; 7] = [
    "#4A5568", "#2C6E8F", "#8B5A2B", "#6B4FA0", "#2F7D4F", "#A0443F", "#7A6A1F",
];

/// The colour of the relation kind at `index` (its position in the model).
pub fn relation(index: usize) -> &'static str {
    RELATIONS[index % RELATIONS.len()]
}

/// Text on elements and labels.
pub const TEXT: &str = "#1F2328";
/// Secondary text: kinds, the viewpoint line, the legend.
pub const MUTED: &str = "#59636E";
/// A description inside a box: between the label's ink and the kind's grey,
/// dark enough to read on every layer's fill.
pub const DESCRIPTION: &str = "#3B434B";
/// A container's fill: white, so its children's colours stand out.
pub const CONTAINER_FILL: &str = "#FFFFFF";
/// A note's paper: a pale yellow, as sticky notes on a review board.
pub const NOTE_FILL: &str = "#FFF8D6";
/// A note's outline and fold.
pub const NOTE_STROKE: &str = "#B8A65C";
/// A group's frame and title: a neutral grey, dashed, so it reads as a
/// grouping and not as an element.
pub const GROUP_STROKE: &str = "#6E7781";

/// The font families diagrams ask for: a face with Japanese glyphs first,
/// then common system faces, then any sans-serif.
pub const FONT_FAMILY: &str = "'Noto Sans CJK JP', 'Noto Sans JP', 'Source Han Sans JP', 'Hiragino Sans', 'Yu Gothic', Meiryo, 'DejaVu Sans', Arial, sans-serif";
