//! Deutsche Post letter products by size, thickness and weight.

use serde::Serialize;
use tandem_ticket::{Millimetres, PostalProduct};

use crate::geometry::EPSILON;

/// The limits of one letter product (DOMAIN.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ProductLimits {
    /// The product.
    pub product: PostalProduct,
    /// Shortest and longest allowed length (the envelope's long side), in mm.
    pub length_mm: (Millimetres, Millimetres),
    /// Shortest and longest allowed width (the envelope's short side), in mm.
    pub width_mm: (Millimetres, Millimetres),
    /// Thickest allowed piece, in mm.
    pub max_thickness_mm: Millimetres,
    /// Heaviest allowed piece, in grams.
    pub max_weight_g: f64,
}

impl ProductLimits {
    /// Whether a piece of these measures qualifies.
    pub fn admits(&self, piece: &PieceMeasures) -> bool {
        let (long, short) = if piece.width_mm >= piece.height_mm {
            (piece.width_mm, piece.height_mm)
        } else {
            (piece.height_mm, piece.width_mm)
        };
        let within = |v: f64, (lo, hi): (f64, f64)| v + EPSILON >= lo && v <= hi + EPSILON;
        within(long, self.length_mm)
            && within(short, self.width_mm)
            && piece.thickness_mm <= self.max_thickness_mm + EPSILON
            && piece.weight_g <= self.max_weight_g + EPSILON
    }
}

/// Deutsche Post's letter products, cheapest first.
pub const PRODUCTS: [ProductLimits; 4] = [
    ProductLimits {
        product: PostalProduct::Standard,
        length_mm: (140.0, 235.0),
        width_mm: (90.0, 125.0),
        max_thickness_mm: 5.0,
        max_weight_g: 20.0,
    },
    ProductLimits {
        product: PostalProduct::Kompakt,
        length_mm: (100.0, 235.0),
        width_mm: (70.0, 125.0),
        max_thickness_mm: 10.0,
        max_weight_g: 50.0,
    },
    ProductLimits {
        product: PostalProduct::Gross,
        length_mm: (100.0, 353.0),
        width_mm: (70.0, 250.0),
        max_thickness_mm: 20.0,
        max_weight_g: 500.0,
    },
    ProductLimits {
        product: PostalProduct::Maxi,
        length_mm: (100.0, 353.0),
        width_mm: (70.0, 250.0),
        max_thickness_mm: 50.0,
        max_weight_g: 1000.0,
    },
];

/// The outside measures of a filled envelope.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PieceMeasures {
    /// Envelope width, in mm.
    pub width_mm: Millimetres,
    /// Envelope height, in mm.
    pub height_mm: Millimetres,
    /// Thickness of the filled envelope, in mm.
    pub thickness_mm: Millimetres,
    /// Weight of the filled envelope, in grams.
    pub weight_g: f64,
}

/// The cheapest product that admits the piece, or `None` when it is no letter
/// at all (over 1000 g, over 50 mm, or outside the sizes).
pub fn postal_product(piece: &PieceMeasures) -> Option<PostalProduct> {
    PRODUCTS
        .iter()
        .find(|limits| limits.admits(piece))
        .map(|limits| limits.product)
}

/// Position of a product in [`PRODUCTS`] (0 = Standard … 3 = Maxi), for
/// ordering: [`PostalProduct`] itself has no `Ord`.
pub fn product_rank(product: PostalProduct) -> u8 {
    match product {
        PostalProduct::Standard => 0,
        PostalProduct::Kompakt => 1,
        PostalProduct::Gross => 2,
        PostalProduct::Maxi => 3,
    }
}
